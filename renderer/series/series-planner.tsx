import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { PlannedSession } from '../../shared/series/series.contract';
import { MAX_SERIES_SESSIONS } from '../../shared/series/series-rule';
import { dayOf } from '../i18n/format';
import { useFormat } from '../i18n/hooks';
import { useBooking, usePractice, useUiStore } from '../stores/stores';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorMessage } from '../ui/error-message';
import { SelectField, TextField } from '../ui/field';
import { chosenSlot, defaultChoice, type SessionChoice, type SeriesStore } from './series.store';
import './series.css';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** ISO weekday (1 = Monday) of a 'YYYY-MM-DD' day. */
function weekdayOf(day: string): number {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

/**
 * The series planner: a rule (first day, time, how it repeats, when it ends), the sessions it
 * proposes with each one's problem and nearest free time, a choice per session (keep, nearest
 * free, another time, skip), and one button that books them all in one go.
 */
export function SeriesPlanner({ open, onClose, store }: { open: boolean; onClose: () => void; store: SeriesStore }) {
  const { t } = useTranslation();
  return (
    <Dialog open={open} onClose={onClose} title={t('series.title')} description={t('series.subtitle')} size="lg" testId="series-planner">
      {open ? <PlannerBody store={store} onClose={onClose} /> : null}
    </Dialog>
  );
}

function PlannerBody({ store, onClose }: { store: SeriesStore; onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const ui = useUiStore();
  const patient = useBooking((state) => state.patient);
  const specialtyId = useBooking((state) => state.specialtyId);
  const bookingPractitionerId = useBooking((state) => state.practitionerId);
  const bookingDay = useBooking((state) => state.day);
  const selectedSlot = useBooking((state) => state.selectedSlot);
  const practitioners = usePractice((state) => state.practitioners);
  const candidates = practitioners.filter((p) => p.isActive && specialtyId !== null && p.specialtyIds.includes(specialtyId));

  const [practitionerId, setPractitionerId] = useState<number | null>(selectedSlot?.practitionerId ?? bookingPractitionerId);
  const [firstDay, setFirstDay] = useState(selectedSlot ? dayOf(selectedSlot.startsAt, format.zone) : bookingDay);
  const [time, setTime] = useState(selectedSlot ? format.time(selectedSlot.startsAt) : '09:00');
  const [repeat, setRepeat] = useState<'weekly' | 'everyDays'>('weekly');
  const [weekdays, setWeekdays] = useState<number[]>(() => [weekdayOf(firstDay)]);
  const [everyDays, setEveryDays] = useState(2);
  const [ends, setEnds] = useState<'count' | 'until'>('count');
  const [count, setCount] = useState(10);
  const [until, setUntil] = useState('');

  const sessions = useStore(store, (state) => state.sessions);
  const choices = useStore(store, (state) => state.choices);
  const planStatus = useStore(store, (state) => state.planStatus);
  const planError = useStore(store, (state) => state.planError);
  const bookError = useStore(store, (state) => state.bookError);
  const isBooking = useStore(store, (state) => state.isBooking);
  const toBook = (sessions ?? []).filter((s) => chosenSlot(s, choices[s.index] ?? defaultChoice(s)) !== null).length;

  if (!patient || specialtyId === null) return <p className="muted">{t('series.needSpecialty')}</p>;

  const plan = (event: FormEvent) => {
    event.preventDefault();
    void store.getState().plan({
      patientId: patient.id,
      specialtyId,
      practitionerId,
      firstDay,
      time,
      repeat: repeat === 'weekly' ? { kind: 'weekly', weekdays: weekdays.length ? weekdays : [weekdayOf(firstDay)] } : { kind: 'everyDays', days: everyDays },
      ...(ends === 'count' ? { count } : { until }),
    });
  };

  const book = async () => {
    const booked = await store.getState().book({ patientId: patient.id, specialtyId });
    if (booked !== null) {
      ui.getState().toast('success', t('series.booked', { count: booked }));
      onClose();
    }
  };

  return (
    <div className="series-planner">
      <form className="series-rule" onSubmit={plan} aria-label={t('series.rule')}>
        <SelectField
          label={t('series.practitioner')}
          value={practitionerId ?? ''}
          onChange={(event) => setPractitionerId(event.target.value ? Number(event.target.value) : null)}
        >
          <option value="">{t('series.anyone')}</option>
          {candidates.map((p) => (
            <option key={p.id} value={p.id}>
              {p.fullName}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t('series.firstDay')}
          type="date"
          required
          value={firstDay}
          onChange={(event) => {
            const day = event.target.value;
            setFirstDay(day);
            // A single weekday follows the first day; several chosen by hand stay.
            if (day && weekdays.length <= 1) setWeekdays([weekdayOf(day)]);
          }}
        />
        <TextField label={t('series.time')} type="time" required step={300} value={time} onChange={(event) => setTime(event.target.value)} />
        <fieldset className="series-line">
          <legend className="field-label">{t('series.repeat')}</legend>
          <label className="radio">
            <input type="radio" name="series-repeat" checked={repeat === 'weekly'} onChange={() => setRepeat('weekly')} />
            {t('series.weekly')}
          </label>
          <span className="series-weekdays" role="group" aria-label={t('series.weekly')}>
            {WEEKDAYS.map((weekday) => (
              <label key={weekday} className="chip-check">
                <input
                  type="checkbox"
                  checked={weekdays.includes(weekday)}
                  disabled={repeat !== 'weekly'}
                  onChange={(event) => setWeekdays(event.target.checked ? [...weekdays, weekday].sort() : weekdays.filter((w) => w !== weekday))}
                />
                {t(`series.weekdays.${WEEKDAY_KEYS[weekday - 1]!}`)}
              </label>
            ))}
          </span>
          <label className="radio">
            <input type="radio" name="series-repeat" checked={repeat === 'everyDays'} onChange={() => setRepeat('everyDays')} />
            {t('series.every')}
          </label>
          <input
            className="input series-number"
            type="number"
            aria-label={`${t('series.every')} (${t('series.days')})`}
            min={1}
            max={90}
            disabled={repeat !== 'everyDays'}
            value={everyDays}
            onChange={(event) => setEveryDays(Number(event.target.value) || 1)}
          />
          <span>{t('series.days')}</span>
        </fieldset>
        <fieldset className="series-line">
          <legend className="field-label">{t('series.ends')}</legend>
          <label className="radio">
            <input type="radio" name="series-ends" checked={ends === 'count'} onChange={() => setEnds('count')} />
            {t('series.afterCount')}
          </label>
          <input
            className="input series-number"
            type="number"
            aria-label={t('series.sessionsWord')}
            min={1}
            max={MAX_SERIES_SESSIONS}
            disabled={ends !== 'count'}
            value={count}
            onChange={(event) => setCount(Math.min(MAX_SERIES_SESSIONS, Number(event.target.value) || 1))}
          />
          <span>{t('series.sessionsWord')}</span>
          <label className="radio">
            <input type="radio" name="series-ends" checked={ends === 'until'} onChange={() => setEnds('until')} />
            {t('series.until')}
          </label>
          <input
            className="input series-date"
            type="date"
            aria-label={t('series.until')}
            min={firstDay}
            disabled={ends !== 'until'}
            required={ends === 'until'}
            value={until}
            onChange={(event) => setUntil(event.target.value)}
          />
          <span className="muted series-cap">{t('series.cap', { max: MAX_SERIES_SESSIONS })}</span>
        </fieldset>
        <Button type="submit" isBusy={planStatus === 'loading'} data-testid="series-plan">
          {t('series.plan')}
        </Button>
      </form>
      <ErrorMessage error={planError} />
      {sessions ? <SessionsTable sessions={sessions} choices={choices} store={store} /> : null}
      <ErrorMessage error={bookError} />
      {sessions ? (
        <div className="series-footer">
          {toBook === 0 ? <p className="muted">{t('series.nothingToBook')}</p> : null}
          <Button variant="primary" disabled={toBook === 0} isBusy={isBooking} onClick={() => void book()} data-testid="series-book">
            {t('series.book', { count: toBook })}
          </Button>
        </div>
      ) : null}
    </div>
  );
}

function SessionsTable({ sessions, choices, store }: { sessions: PlannedSession[]; choices: Record<number, SessionChoice>; store: SeriesStore }) {
  const { t } = useTranslation();
  const format = useFormat();
  const when = (instant: number) => `${format.dayShort(dayOf(instant, format.zone))} ${format.time(instant)}`;
  return (
    <div className="table-wrap series-sessions">
      <table className="table">
        <caption className="muted">{t('series.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('series.columns.index')}</th>
            <th scope="col">{t('series.columns.when')}</th>
            <th scope="col">{t('series.columns.with')}</th>
            <th scope="col">{t('series.columns.status')}</th>
            <th scope="col">{t('series.columns.choice')}</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((session) => {
            const choice = choices[session.index] ?? defaultChoice(session);
            const problem = session.problem
              ? t(`series.problem.${session.problem}`, {
                  name: session.holiday ? (format.locale === 'pt' ? session.holiday.namePt : session.holiday.nameEn) : '',
                })
              : t('series.problem.ok');
            return (
              <tr key={session.index} data-testid="series-session" data-problem={session.problem ?? 'ok'} data-choice={choice.kind}>
                <th scope="row">{session.index}</th>
                <td>{when(session.startsAt)}</td>
                <td>{session.practitionerName}</td>
                <td>
                  <span className={`badge ${session.problem ? 'badge-warning' : 'badge-success'}`}>{problem}</span>
                  {session.problem ? (
                    <div className="muted series-alternative">
                      {session.alternative
                        ? t('series.nearest', { when: `${when(session.alternative.startsAt)} · ${session.alternative.practitionerName}` })
                        : t('series.noneNear')}
                    </div>
                  ) : null}
                </td>
                <td>
                  <SelectField
                    label={t('series.choice.label', { index: session.index })}
                    isLabelHidden
                    value={choice.kind}
                    data-testid="series-choice"
                    onChange={(event) => {
                      const kind = event.target.value as SessionChoice['kind'];
                      store.getState().choose(session.index, kind === 'other' ? { kind, startsAt: null } : { kind });
                    }}
                  >
                    {session.problem === null ? <option value="keep">{t('series.choice.keep')}</option> : null}
                    {session.alternative ? <option value="alternative">{t('series.choice.alternative')}</option> : null}
                    <option value="other">{t('series.choice.other')}</option>
                    <option value="skip">{t('series.choice.skip')}</option>
                  </SelectField>
                  {choice.kind === 'other' ? (
                    <TextField
                      label={t('series.otherTime', { index: session.index })}
                      isLabelHidden
                      type="datetime-local"
                      value={choice.startsAt === null ? '' : format.toLocalInput(choice.startsAt)}
                      onChange={(event) => store.getState().choose(session.index, { kind: 'other', startsAt: format.fromLocalInput(event.target.value) })}
                    />
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
