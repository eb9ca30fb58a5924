import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DateTime } from 'luxon';
import type { DisplayCall, DisplayState } from '../../shared/display/display.contract';
import { intlLocale } from '../i18n/format';
import { BrandMark } from '../ui/brand';
import { roomLabel } from './announcement';
import { displayLayout, RECENT_SLOTS, WAITING_ROWS } from './display.store';
import './display-board.css';

/**
 * The waiting-room screen: the call now (large), the last few calls, the waiting list with
 * each ticket's estimated wait, the clinic's name and the time. Every row has a fixed place,
 * so nothing moves when the lists change. It shows only what the view carries.
 */
export function DisplayBoard({
  view,
  isConnected,
  clockOffsetMs = 0,
  now,
}: {
  view: DisplayState;
  isConnected: boolean;
  clockOffsetMs?: number;
  now?: number;
}) {
  const { t } = useTranslation();
  const layout = displayLayout(view, now === undefined ? undefined : now - clockOffsetMs);
  const current = layout.current;

  return (
    <div className="display" data-testid="display" data-state-at={view.generatedAt}>
      <header className="display-header">
        <div className="display-brand">
          <BrandMark size={40} />
          <span className="display-clinic">{view.clinicName}</span>
        </div>
        <div className="display-header-end">
          {isConnected ? null : (
            <span className="display-reconnecting" role="status" data-testid="display-reconnecting">
              <span className="display-reconnecting-dot" aria-hidden="true" />
              {t('display.reconnecting')}
            </span>
          )}
          <DisplayClock zone={view.timeZone} locale={view.locale} offsetMs={clockOffsetMs} />
        </div>
      </header>

      <main className="display-main">
        <section
          className="display-call"
          aria-labelledby="display-call-title"
          data-testid="display-current"
          data-call-id={current?.callId ?? ''}
          data-ticket={current?.ticket ?? ''}
        >
          <h1 className="display-section-title" id="display-call-title">
            {t('display.nowCalling')}
          </h1>
          {current ? (
            // Keyed by the call: every new call (and recall) replays the highlight.
            <div key={current.callId} className="display-call-body is-fresh" aria-live="assertive" aria-atomic="true">
              <p className="display-ticket" data-testid="display-ticket">
                {current.ticket}
              </p>
              <p className="display-name" data-testid="display-name">
                {current.displayName}
              </p>
              <div className="display-room-block">
                <p className="display-go-to">{t('display.goTo')}</p>
                <p className="display-room" data-testid="display-room">
                  {capitalized(roomLabel(t, current.roomName))}
                </p>
              </div>
            </div>
          ) : (
            <div className="display-call-body display-call-idle">
              <p className="display-welcome">{t('display.welcome')}</p>
              <p className="display-welcome-hint">{t('display.welcomeHint')}</p>
            </div>
          )}
        </section>

        <section className="display-recent" aria-labelledby="display-recent-title">
          <h2 className="display-section-title" id="display-recent-title">
            {t('display.recentCalls')}
          </h2>
          <ol className="display-recent-list" data-testid="display-recent-list">
            {Array.from({ length: RECENT_SLOTS }, (_, index) => {
              const call = layout.recent[index];
              return call ? (
                <RecentCall key={call.callId} call={call} />
              ) : (
                <li key={`empty-${index}`} className="display-recent-item is-empty" aria-hidden="true" />
              );
            })}
          </ol>
        </section>

        <section className="display-waiting" aria-labelledby="display-waiting-title">
          <div className="display-waiting-head">
            <h2 className="display-section-title" id="display-waiting-title">
              {t('display.waiting')}
            </h2>
            <span className="display-waiting-col">{t('display.estimatedWait')}</span>
          </div>
          <ol className="display-waiting-list" data-testid="display-waiting-list">
            {Array.from({ length: WAITING_ROWS }, (_, index) => {
              const entry = layout.waiting[index];
              if (!entry) {
                return (
                  <li key={`empty-${index}`} className="display-waiting-row is-empty" aria-hidden={index > 0 || layout.waiting.length > 0 ? true : undefined}>
                    {index === 0 && layout.waiting.length === 0 ? <span className="display-nobody">{t('display.nobodyWaiting')}</span> : null}
                  </li>
                );
              }
              return (
                <li key={entry.ticket} className="display-waiting-row" data-testid="display-waiting" data-ticket={entry.ticket}>
                  <span className="display-waiting-ticket">{entry.ticket}</span>
                  <span className="display-waiting-name">{entry.displayName}</span>
                  <span className="display-waiting-wait">
                    {entry.estimatedWaitMinutes <= 0 ? t('display.waitSoon') : t('display.waitMinutes', { count: entry.estimatedWaitMinutes })}
                  </span>
                </li>
              );
            })}
          </ol>
          <p className="display-more" data-testid="display-more">
            {layout.moreWaiting > 0 ? t('display.moreWaiting', { count: layout.moreWaiting }) : ''}
          </p>
        </section>
      </main>
    </div>
  );
}

function RecentCall({ call }: { call: DisplayCall }) {
  const { t } = useTranslation();
  return (
    <li className="display-recent-item" data-testid="display-recent" data-ticket={call.ticket}>
      <span className="display-recent-ticket">{call.ticket}</span>
      <span className="display-recent-name">{call.displayName}</span>
      <span className="display-recent-room">{capitalized(roomLabel(t, call.roomName))}</span>
    </li>
  );
}

/**
 * The clinic's date and time, in its time zone, by the host's clock (a TV's own clock is
 * often wrong); re-rendered every second so the minute turns on time.
 */
export function DisplayClock({ zone, locale, offsetMs }: { zone: string; locale: DisplayState['locale']; offsetMs: number }) {
  const [realNow, setRealNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setRealNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  const now = realNow - offsetMs;
  let moment = DateTime.fromMillis(now, { zone }).setLocale(intlLocale(locale));
  if (!moment.isValid) moment = DateTime.fromMillis(now).setLocale(intlLocale(locale));
  const date = capitalized(moment.toLocaleString({ weekday: 'long', day: 'numeric', month: 'long' }));
  return (
    <div className="display-clock" data-testid="display-clock">
      <span className="display-date">{date}</span>
      <time className="display-time" dateTime={moment.toISO() ?? undefined}>
        {moment.toFormat('HH:mm')}
      </time>
    </div>
  );
}

/** "room 3" reads well spoken, but on screen a label starts with a capital. */
function capitalized(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}
