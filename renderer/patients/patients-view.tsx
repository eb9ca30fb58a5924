import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { usePatients, usePatientsStore, useUi, useUiStore } from '../stores/stores';
import { useMay } from '../auth/use-may';
import { useErrorText } from '../i18n/hooks';
import { Button } from '../ui/button';
import { EmptyState, PageHeader } from '../ui/misc';
import { KeyCombo } from '../ui/misc';
import { PatientDetail } from './patient-detail';
import { PatientForm } from './patient-form';
import { PatientSearch } from './patient-search';
import './patients.css';

/** Search on the left, the open patient (or the form) on the right. */
export function PatientsView() {
  const { t } = useTranslation();
  const route = useUi((state) => state.route);
  const store = usePatientsStore();
  const ui = useUiStore();
  const detail = usePatients((state) => state.detail);
  const query = usePatients((state) => state.query);
  const foundNobody = usePatients((state) => state.searchStatus === 'ready' && state.results.length === 0 && state.resultsFor === state.query.trim());
  const errorText = useErrorText();
  const mayCreate = useMay('patients.create');
  const mayUpdate = useMay('patients.update');
  const patientId = route.view === 'patients' ? route.patientId : undefined;
  const mode = route.view === 'patients' ? route.mode : undefined;

  useEffect(() => {
    if (patientId && store.getState().detail?.id !== patientId) void store.getState().openDetail(patientId);
  }, [patientId, store]);

  const newButton = mayCreate ? (
    <Button variant="primary" icon="userPlus" onClick={() => ui.getState().navigate({ view: 'patients', mode: 'new' })}>
      {t('patients.new')}
    </Button>
  ) : null;

  let side;
  if (mode === 'new' && mayCreate) {
    side = (
      <section className="card card-pad" aria-labelledby="new-patient-title">
        <h2 id="new-patient-title" className="section-title">
          {t('patients.newTitle')}
        </h2>
        <PatientForm
          patient={null}
          draft={foundNobody ? draftFromQuery(query) : {}}
          onSubmit={(fields, confirmed) => store.getState().create(fields, confirmed)}
          onSaved={(patient) => {
            ui.getState().toast('success', t('patients.created', { name: patient.fullName }));
            ui.getState().navigate({ view: 'patients', patientId: patient.id }, { replace: true });
          }}
          onCancel={() => window.history.back()}
          onOpenExisting={(match) => ui.getState().navigate({ view: 'patients', patientId: match.id })}
        />
      </section>
    );
  } else if (mode === 'edit' && patientId && mayUpdate) {
    side =
      detail?.id === patientId && detail.patient ? (
        <section className="card card-pad" aria-labelledby="edit-patient-title">
          <h2 id="edit-patient-title" className="section-title">
            {t('patients.editTitle')}
          </h2>
          <PatientForm
            key={detail.patient.id}
            patient={detail.patient}
            onSubmit={(fields, confirmed) => store.getState().update(patientId, fields, confirmed)}
            onSaved={(patient) => {
              ui.getState().toast('success', t('patients.saved', { name: patient.fullName }));
              ui.getState().navigate({ view: 'patients', patientId }, { replace: true });
            }}
            onCancel={() => ui.getState().navigate({ view: 'patients', patientId }, { replace: true })}
            onOpenExisting={(match) => ui.getState().navigate({ view: 'patients', patientId: match.id })}
          />
        </section>
      ) : detail?.error ? (
        <EmptyState icon="alert" title={errorText(detail.error)} />
      ) : (
        <PatientDetail />
      );
  } else if (patientId) {
    side = <PatientDetail />;
  } else {
    side = (
      <div className="card">
        <EmptyState icon="user" title={t('patients.noneOpen')} action={newButton}>
          {t('patients.noneOpenHint')}
        </EmptyState>
      </div>
    );
  }

  return (
    <div className="page">
      <PageHeader title={t('patients.title')} subtitle={t('patients.subtitle')} actions={newButton} />
      <div className="patients-layout">
        <section className="card patients-search-pane" aria-label={t('patients.searchLabel')}>
          <PatientSearch
            store={store}
            label={t('patients.searchLabel')}
            isFocusTarget
            autoFocus={!patientId && mode !== 'new'}
            openId={patientId}
            onOpen={(patient) => {
              ui.getState().navigate({ view: 'patients', patientId: patient.id });
              // Out of the search box, so single-key shortcuts (b: book, e: edit) work; "/" comes back.
              ui.getState().requestFocus('patientDetail');
            }}
            idle={
              <div className="search-idle">
                <p className="muted">{t('patients.searchIdle')}</p>
                <p className="subtle search-idle-keys">
                  <KeyCombo keys="/" /> {t('patients.searchShortcut')}
                </p>
              </div>
            }
            noMatchesAction={
              mayCreate ? (
                <Button size="sm" icon="userPlus" onClick={() => ui.getState().navigate({ view: 'patients', mode: 'new' })}>
                  {t('patients.new')}
                </Button>
              ) : null
            }
          />
        </section>
        <div className="patients-side">{side}</div>
      </div>
    </div>
  );
}

/** Whatever was searched for without a match is most likely the new patient's name (or phone, or NIF). */
export function draftFromQuery(query: string): { fullName?: string; phone?: string; taxId?: string } {
  const text = query.trim();
  if (!text) return {};
  if (/^\+?[\d\s-]{6,}$/.test(text))
    return text.replace(/\D/g, '').length === 9 && !text.startsWith('9') && !text.startsWith('+') ? { taxId: text } : { phone: text };
  if (/\d/.test(text)) return {};
  return { fullName: text };
}
