import { useTranslation } from 'react-i18next';
import { addDays, dayOf, todayIn } from '../i18n/format';
import { useCurrency, useFormat } from '../i18n/hooks';
import { specialtyName } from '../practice/practice.store';
import { useBooking, useBookingStore, usePractice, useUiStore } from '../stores/stores';
import { Button } from '../ui/button';
import { Alert, ErrorMessage } from '../ui/error-message';
import { TextField } from '../ui/field';
import { CardHeader, EmptyState } from '../ui/misc';
import { SkeletonList } from '../ui/spinner';
import { SlotGrid } from './slot-grid';
import { PatientClashAlert } from './patient-clash';
import { SlotTakenAlert } from './slot-taken';
import { WalkInCheckInButton, WalkInTicket } from '../checkin/walk-in-check-in';
import { StepTitle } from './book-step-title';

/** Booking's step 3: the day's free times, and the bar that confirms a booking or a walk-in and shows the outcome. */
export function BookSlotsPanel() {
  const { t } = useTranslation();
  const format = useFormat();
  const currency = useCurrency();
  const store = useBookingStore();
  const ui = useUiStore();
  const slots = useBooking((state) => state.slots);
  const status = useBooking((state) => state.slotsStatus);
  const slotsError = useBooking((state) => state.slotsError);
  const day = useBooking((state) => state.day);
  const specialtyId = useBooking((state) => state.specialtyId);
  const selected = useBooking((state) => state.selectedSlot);
  const patient = useBooking((state) => state.patient);
  const notes = useBooking((state) => state.notes);
  const isBooking = useBooking((state) => state.isBooking);
  const bookingError = useBooking((state) => state.bookingError);
  const lastBooked = useBooking((state) => state.lastBooked);
  const lostSlot = useBooking((state) => state.lostSlot);
  const attemptedSlot = useBooking((state) => state.attemptedSlot);
  const wasWalkIn = useBooking((state) => state.wasWalkIn);
  const practitioners = usePractice((state) => state.practitioners);
  const rooms = usePractice((state) => state.rooms);
  const specialties = usePractice((state) => state.specialties);
  const specialty = specialties.find((candidate) => candidate.id === specialtyId);
  const practitioner = practitioners.find((candidate) => candidate.id === selected?.practitionerId);
  const today = todayIn(format.zone);

  const book = async (slot?: Parameters<ReturnType<typeof store.getState>['book']>[0]) => {
    // The confirmation appears in place (with its next steps), so no toast as well.
    await store.getState().book(slot);
  };

  const walkIn = async () => {
    await store.getState().walkIn();
  };

  let body;
  if (specialtyId === null) {
    body = (
      <EmptyState icon="stethoscope" title={t('booking.pickSpecialtyFirst')}>
        {t('booking.pickSpecialtyHint')}
      </EmptyState>
    );
  } else if (status === 'loading' && slots.length === 0) {
    body = <SkeletonList rows={3} variant="card" label={t('common.loading')} />;
  } else if (status === 'error') {
    body = (
      <ErrorMessage
        error={slotsError}
        action={
          <Button size="sm" onClick={() => void store.getState().loadSlots()}>
            {t('common.retry')}
          </Button>
        }
      />
    );
  } else if (slots.length === 0) {
    body = (
      <EmptyState
        icon="calendar"
        title={t('booking.noSlots')}
        action={<Button onClick={() => store.getState().setDay(addDays(day, 1))}>{t('booking.tryNextDay')}</Button>}
      >
        {t('booking.noSlotsHint')}
      </EmptyState>
    );
  } else {
    body = (
      <SlotGrid
        slots={slots}
        practitioners={practitioners}
        rooms={rooms}
        selected={selected}
        onSelect={(slot) => store.getState().selectSlot(slot)}
        format={format}
      />
    );
  }

  return (
    <section className="card slots-panel" aria-labelledby="slots-title" aria-busy={status === 'loading'}>
      <CardHeader titleId="slots-title" title={<StepTitle n={3} text={t('booking.freeTimes')} />} subtitle={format.dayLong(day)} />
      <div className={`slots-body ${status === 'loading' && slots.length > 0 ? 'is-stale' : ''}`}>{body}</div>

      <footer className="confirm-bar">
        {lastBooked ? (
          <Alert
            tone="success"
            role="status"
            title={
              lastBooked.isWalkIn
                ? t('booking.walkInBookedWith', { name: practitioners.find((p) => p.id === lastBooked.practitionerId)?.fullName ?? '' })
                : t('booking.booked')
            }
            action={
              <div className="row">
                <Button
                  size="sm"
                  onClick={() =>
                    ui.getState().navigate({
                      view: 'today',
                      ...(dayOf(lastBooked.startsAt, format.zone) === today ? {} : { day: dayOf(lastBooked.startsAt, format.zone) }),
                    })
                  }
                >
                  {t('booking.viewOnBoard')}
                </Button>
                <Button size="sm" variant="ghost" onClick={() => store.getState().clearOutcome()}>
                  {t('booking.bookAnother')}
                </Button>
              </div>
            }
          >
            <p data-testid="booking-confirmation">
              {patient?.fullName} · {format.dayLong(dayOf(lastBooked.startsAt, format.zone))} · {format.time(lastBooked.startsAt)} ·{' '}
              {practitioners.find((p) => p.id === lastBooked.practitionerId)?.fullName}
            </p>
            {lastBooked.code ? (
              <p className="muted" data-testid="appointment-code" data-code={lastBooked.code}>
                {t('booking.checkInCode', { code: lastBooked.code })}
              </p>
            ) : null}
          </Alert>
        ) : null}
        <WalkInTicket />
        {lostSlot ? (
          <Alert tone="warning" role="alert" title={t('booking.lostSlot', { time: format.time(lostSlot.startsAt) })}>
            <p>{t('booking.lostSlotHint')}</p>
          </Alert>
        ) : null}
        {bookingError?.code === 'PATIENT_ALREADY_BOOKED' ? (
          <PatientClashAlert
            error={bookingError}
            format={format}
            isBusy={isBooking}
            onBookAnyway={() =>
              void (wasWalkIn
                ? store.getState().walkIn({ combinedVisit: true })
                : attemptedSlot
                  ? store.getState().book(attemptedSlot, { combinedVisit: true })
                  : null)
            }
          />
        ) : (
          <SlotTakenAlert
            error={bookingError}
            practitioners={practitioners}
            rooms={rooms}
            attempted={attemptedSlot}
            format={format}
            onPick={(slot) => void book(slot)}
            isBusy={isBooking}
            day={day}
          />
        )}
        <div className="confirm-summary" aria-live="polite">
          {selected && specialty ? (
            <p>
              <strong>{format.time(selected.startsAt)}</strong> · {format.dayShort(day)} · {practitioner?.fullName} · {specialtyName(specialty, format.locale)}{' '}
              · {format.money(specialty.priceCents, currency)}
            </p>
          ) : (
            <p className="muted">{!patient ? t('booking.needPatient') : specialtyId === null ? t('booking.pickSpecialtyFirst') : t('booking.needSlot')}</p>
          )}
        </div>
        <div className="confirm-row">
          <TextField
            className="confirm-notes"
            label={t('booking.notes')}
            value={notes}
            maxLength={1000}
            onChange={(event) => store.getState().setNotes(event.target.value)}
            onKeyDown={(event) => {
              // The last field before "Book": Enter books, as in a form.
              if (event.key !== 'Enter' || event.nativeEvent.isComposing || !patient || !selected || isBooking) return;
              event.preventDefault();
              void book();
            }}
            data-testid="booking-notes"
          />
          <Button
            variant="secondary"
            icon="zap"
            disabled={!patient || specialtyId === null}
            isBusy={isBooking && !selected}
            onClick={() => void walkIn()}
            data-testid="walk-in"
          >
            {t('booking.walkIn')}
          </Button>
          <WalkInCheckInButton />
          <Button
            variant="primary"
            icon="check"
            disabled={!patient || !selected}
            isBusy={isBooking && !!selected}
            onClick={() => void book()}
            data-testid="confirm-booking"
          >
            {t('booking.confirm')}
          </Button>
        </div>
      </footer>
    </section>
  );
}
