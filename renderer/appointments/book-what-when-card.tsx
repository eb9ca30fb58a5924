import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { addDays, todayIn } from '../i18n/format';
import { useCurrency, useFormat } from '../i18n/hooks';
import { specialtyName } from '../practice/practice.store';
import { useBooking, useBookingStore, usePractice, useTransport, useUiStore } from '../stores/stores';
import { createSeriesStore } from '../series/series.store';
import { SeriesPlanner } from '../series/series-planner';
import { useMay } from '../auth/use-may';
import { Button } from '../ui/button';
import { Alert } from '../ui/error-message';
import { SelectField, TextField } from '../ui/field';
import { Card, CardHeader } from '../ui/misc';
import { StepTitle } from './book-step-title';

/** Booking's step 2: the specialty, the practitioner (or any) and the day. */
export function BookWhatWhenCard() {
  const { t } = useTranslation();
  const format = useFormat();
  const currency = useCurrency();
  const store = useBookingStore();
  const specialtyId = useBooking((state) => state.specialtyId);
  const practitionerId = useBooking((state) => state.practitionerId);
  const day = useBooking((state) => state.day);
  const specialties = usePractice((state) => state.specialties);
  const practitioners = usePractice((state) => state.practitioners);
  const today = todayIn(format.zone);
  const active = specialties.filter((specialty) => specialty.isActive);
  const candidates = practitioners.filter((p) => p.isActive && (specialtyId === null || p.specialtyIds.includes(specialtyId)));
  const quickDays = Array.from({ length: 7 }, (_, index) => addDays(today, index));
  const maySaveSpecialties = useMay('specialties.save');
  const ui = useUiStore();
  const isPracticeReady = usePractice((state) => state.status === 'ready');
  const hasPatient = useBooking((state) => state.patient !== null);
  const maySeries = useMay('series.book');
  const transport = useTransport();
  const [seriesStore] = useState(() => createSeriesStore(transport));
  const [isPlanning, setIsPlanning] = useState(false);

  return (
    <Card aria-labelledby="book-what-title">
      <CardHeader titleId="book-what-title" title={<StepTitle n={2} text={t('booking.whatWhen')} />} />
      <div className="card-body form-stack">
        {isPracticeReady && active.length === 0 ? (
          <Alert
            tone="warning"
            title={t('booking.noSpecialties')}
            action={
              maySaveSpecialties ? (
                <Button size="sm" onClick={() => ui.getState().navigate({ view: 'setup', section: 'specialties' })}>
                  {t('common.openSetup')}
                </Button>
              ) : null
            }
          />
        ) : null}
        <SelectField
          label={t('booking.specialty')}
          required
          value={specialtyId ?? ''}
          data-testid="booking-specialty"
          onChange={(event) => store.getState().setSpecialty(event.target.value ? Number(event.target.value) : null)}
        >
          <option value="">{t('booking.chooseSpecialty')}</option>
          {active.map((specialty) => (
            <option key={specialty.id} value={specialty.id}>
              {specialtyName(specialty, format.locale)} · {specialty.durationMinutes} min · {format.money(specialty.priceCents, currency)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('booking.practitioner')}
          value={practitionerId ?? ''}
          data-testid="booking-practitioner"
          onChange={(event) => store.getState().setPractitioner(event.target.value ? Number(event.target.value) : null)}
        >
          <option value="">{t('booking.anyPractitioner')}</option>
          {candidates.map((p) => (
            <option key={p.id} value={p.id}>
              {p.fullName}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t('booking.day')}
          type="date"
          min={today}
          value={day}
          data-testid="booking-day"
          onChange={(event) => event.target.value && store.getState().setDay(event.target.value)}
        />
        <div className="quick-days" role="group" aria-label={t('booking.quickDays')}>
          {quickDays.map((quick, index) => (
            <button
              key={quick}
              type="button"
              className={`chip ${quick === day ? 'is-selected' : ''}`}
              aria-pressed={quick === day}
              onClick={() => store.getState().setDay(quick)}
            >
              {index === 0 ? t('booking.today') : index === 1 ? t('booking.tomorrow') : format.dayShort(quick)}
            </button>
          ))}
        </div>
        {maySeries ? (
          <div className="series-open">
            <Button
              icon="calendarPlus"
              disabled={!hasPatient || specialtyId === null}
              onClick={() => {
                seriesStore.getState().clearPlan();
                setIsPlanning(true);
              }}
              data-testid="series-open"
            >
              {t('series.open')}
            </Button>
            <p className="muted field-hint">{hasPatient && specialtyId !== null ? t('series.openHint') : t('series.needSpecialty')}</p>
          </div>
        ) : null}
      </div>
      {maySeries ? <SeriesPlanner open={isPlanning} onClose={() => setIsPlanning(false)} store={seriesStore} /> : null}
    </Card>
  );
}
