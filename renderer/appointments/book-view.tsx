import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useBookingStore, usePatientPickerStore, useUi } from '../stores/stores';
import { PageHeader } from '../ui/misc';
import { BookPatientCard } from './book-patient-card';
import { BookWhatWhenCard } from './book-what-when-card';
import { BookSlotsPanel } from './book-slots-panel';
import './booking.css';

export function BookView() {
  const { t } = useTranslation();
  const route = useUi((state) => state.route);
  const store = useBookingStore();
  const routePatientId = route.view === 'book' ? route.patientId : undefined;

  const picker = usePatientPickerStore();
  const openedFor = useRef(routePatientId);

  // Opened afresh ("g b", the menu) for nobody in particular: the last patient's booking is
  // not carried into the next one. Only on opening: staying on the page keeps what is typed.
  useEffect(() => {
    if (openedFor.current !== undefined) return;
    const booking = store.getState();
    booking.setPatient(null);
    booking.selectSlot(null);
    booking.setNotes('');
    picker.getState().clearSearch();
  }, [store, picker]);

  useEffect(() => {
    if (routePatientId) void store.getState().setPatientById(routePatientId);
  }, [routePatientId, store]);

  return (
    <div className="page">
      <PageHeader title={t('booking.title')} subtitle={t('booking.subtitle')} />
      <div className="book-layout">
        <div className="book-form">
          <BookPatientCard />
          <BookWhatWhenCard />
        </div>
        <BookSlotsPanel />
      </div>
    </div>
  );
}
