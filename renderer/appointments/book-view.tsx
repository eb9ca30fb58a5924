import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useBookingStore, useUi } from '../stores/stores';
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
