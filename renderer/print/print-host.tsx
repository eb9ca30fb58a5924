import type { TFunction } from 'i18next';
import { useCallback, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { PrintResult } from '../../shared/print/print';
import { dayOf } from '../i18n/format';
import { useErrorText, useFormat } from '../i18n/hooks';
import { usePrint, usePrintStore, useUiStore } from '../stores/stores';
import { DayListPage, SlipPage, UpcomingPage } from './documents';
import type { PrintDocument } from './print.store';
import { PrintView } from './print-view';

/** The desk's print view: whichever document the print store holds, over the app. */
export function PrintHost() {
  const { t } = useTranslation();
  const format = useFormat();
  const store = usePrintStore();
  const ui = useUiStore();
  const document = usePrint((state) => state.document);
  const error = usePrint((state) => state.error);
  const errorText = useErrorText();
  // A document that could not be fetched does not open: say why.
  useEffect(() => {
    if (error) ui.getState().toast('error', errorText(error));
  }, [error, errorText, ui]);
  const close = useCallback(() => store.getState().close(), [store]);
  const onResult = useCallback(
    (result: PrintResult) => {
      if (result.outcome === 'saved') ui.getState().toast('success', t('print.saved', { fileName: result.fileName }));
      if (result.outcome === 'failed') ui.getState().toast('error', t('print.failed', { reason: result.reason }));
    },
    [ui, t],
  );
  if (!document) return null;
  return (
    <PrintView title={titleOf(document, t, format.zone)} paper="a4" onClose={close} onResult={onResult} controls={<Controls document={document} />}>
      {document.kind === 'dayList' ? <DayListPage document={document} /> : null}
      {document.kind === 'slip' ? <SlipPage document={document} /> : null}
      {document.kind === 'upcoming' ? <UpcomingPage document={document} /> : null}
    </PrintView>
  );
}

function titleOf(document: PrintDocument, t: TFunction, zone: string): string {
  if (document.kind === 'dayList') {
    const who = document.practitionerId === null ? '' : ` ${document.board.practitioners.find((p) => p.id === document.practitionerId)?.fullName ?? ''}`;
    return `${t('print.dayList.title')} ${document.board.day}${who}`;
  }
  if (document.kind === 'slip') return `${t('print.slip.title')} ${document.patientName} ${dayOf(document.appointment.startsAt, zone)}`;
  return `${t('print.upcoming.title')} ${document.patientName}`;
}

/** The day list's choice: the whole clinic, or one practitioner. */
function Controls({ document }: { document: PrintDocument }) {
  const { t } = useTranslation();
  const store = usePrintStore();
  if (document.kind !== 'dayList') return null;
  return (
    <label className="print-toolbar-choice">
      <span>{t('print.dayList.whose')}</span>
      <select
        className="input"
        value={document.practitionerId ?? ''}
        data-testid="print-practitioner"
        onChange={(event) => store.getState().showPractitioner(event.target.value === '' ? null : Number(event.target.value))}
      >
        <option value="">{t('print.dayList.wholeClinic')}</option>
        {document.board.practitioners.map((practitioner) => (
          <option key={practitioner.id} value={practitioner.id}>
            {practitioner.fullName}
          </option>
        ))}
      </select>
    </label>
  );
}
