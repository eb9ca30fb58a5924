import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { KioskCheckInResult } from '../../shared/kiosk/kiosk.contract';
import type { Locale } from '../../shared/contract/common';
import { TICKET_MAX_HEIGHT_MM } from '../../shared/print/print';
import { createFormatter } from '../i18n/format';
import { printDocument } from './print';
import { pageRule, usePageRule } from './print-view';
import './print.css';

const MM_PER_CSS_PX = 25.4 / 96;

export type TicketOutcome = Extract<KioskCheckInResult, { outcome: 'checkedIn' | 'alreadyCheckedIn' }>;

/** The ticket as printed on an 80 mm roll: the number large, the name only as the privacy setting allows. */
export function KioskTicket({ outcome, clinicName, locale, zone }: { outcome: TicketOutcome; clinicName: string; locale: Locale; zone: string }) {
  const { t } = useTranslation();
  const format = createFormatter(locale, zone);
  return (
    <div className="ticket" data-testid="kiosk-ticket-print">
      <div className="ticket-clinic">{clinicName}</div>
      <div className="ticket-rule" />
      <div className="ticket-label">{t('print.ticket.label')}</div>
      <div className="ticket-number">{outcome.ticket}</div>
      {outcome.ticketName ? <div className="ticket-name">{outcome.ticketName}</div> : null}
      <div className="ticket-line">{t('print.ticket.appointment', { time: format.time(outcome.startsAt) })}</div>
      {outcome.roomName ? (
        <div className="ticket-line">
          {t('kiosk.room')}: <strong>{outcome.roomName}</strong>
        </div>
      ) : null}
      <div className="ticket-rule" />
      <div className="ticket-line">{t('print.ticket.keep')}</div>
    </div>
  );
}

/**
 * Prints the ticket once, straight to the kiosk's printer (no dialog: nobody at a kiosk is
 * there to click one). Invisible on screen; in print media it is all there is. The page is
 * as long as the ticket, measured once laid out, so the roll is cut after it.
 */
export function KioskTicketPrint(props: { outcome: TicketOutcome; clinicName: string; locale: Locale; zone: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [heightMm, setHeightMm] = useState<number | null>(null);
  const printed = useRef(false);
  usePageRule(pageRule('ticket80', heightMm ?? undefined));
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    // Laid out but hidden on screen: measure a copy's height in print width.
    element.style.display = 'block';
    const height = element.getBoundingClientRect().height * MM_PER_CSS_PX;
    element.style.display = '';
    // Plus the sheet's print padding (3 mm above and below) and a little to cut after.
    setHeightMm(Math.min(TICKET_MAX_HEIGHT_MM, Math.max(40, height + 10)));
  }, []);
  useEffect(() => {
    if (heightMm === null || printed.current) return;
    printed.current = true;
    void printDocument({ action: 'print', title: `${props.outcome.ticket}`, paper: 'ticket80', silent: true });
  }, [heightMm, props.outcome.ticket]);
  return createPortal(
    <div className="ticket-print" ref={ref} data-testid="kiosk-ticket-sheet" data-height-mm={heightMm ?? undefined}>
      <KioskTicket {...props} />
    </div>,
    document.body,
  );
}
