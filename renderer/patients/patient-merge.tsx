import { useEffect, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { MergeOutcome, Patient, PatientSummary } from '../../shared/patients/patients.contract';
import { useFormat } from '../i18n/hooks';
import { usePatientsStore, useUiStore } from '../stores/stores';
import { RpcError } from '../transport/rpc-error';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorMessage } from '../ui/error-message';
import { TextField } from '../ui/field';
import { formatPhone } from '../../shared/patients/phone-format';

const fillable = ['preferredName', 'sex', 'phone', 'email', 'taxId', 'address', 'notes'] as const;

function fieldLabel(t: TFunction, field: string): string {
  const known = fillable.find((name) => name === field);
  return known ? t(`patients.fields.${known}`) : field;
}

/**
 * "Merge with…": the desk finds the duplicate record of the patient on screen, sees what
 * would move (appointments, consents, face check-in, the fields filled in), and confirms.
 */
export function MergeDialog({ survivor, open, onClose }: { survivor: Patient; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const store = usePatientsStore();
  const ui = useUiStore();
  const [query, setQuery] = useState('');
  const [candidates, setCandidates] = useState<PatientSummary[]>([]);
  const [chosen, setChosen] = useState<PatientSummary | null>(null);
  const [preview, setPreview] = useState<MergeOutcome | null>(null);
  const [error, setError] = useState<RpcError | null>(null);
  const [isBusy, setIsBusy] = useState(false);

  useEffect(() => {
    if (!open || chosen) return undefined;
    let isCurrent = true;
    const timer = setTimeout(() => {
      store
        .getState()
        .findMergeCandidates(query, survivor.id)
        .then((found) => isCurrent && setCandidates(found))
        .catch((caught: unknown) => isCurrent && setError(RpcError.from(caught)));
    }, 120);
    return () => {
      isCurrent = false;
      clearTimeout(timer);
    };
  }, [open, query, chosen, store, survivor.id]);

  const close = () => {
    setQuery('');
    setCandidates([]);
    setChosen(null);
    setPreview(null);
    setError(null);
    onClose();
  };

  const choose = async (candidate: PatientSummary) => {
    setError(null);
    setIsBusy(true);
    try {
      setPreview(await store.getState().previewMerge(survivor.id, candidate.id));
      setChosen(candidate);
    } catch (caught) {
      setError(RpcError.from(caught));
    } finally {
      setIsBusy(false);
    }
  };

  const merge = async () => {
    if (!chosen) return;
    setIsBusy(true);
    setError(null);
    try {
      await store.getState().merge(survivor.id, chosen.id);
      ui.getState().toast('success', t('patients.merge.done'));
      close();
    } catch (caught) {
      setError(RpcError.from(caught));
    } finally {
      setIsBusy(false);
    }
  };

  const describe = (match: PatientSummary) =>
    [format.date(match.dateOfBirth), formatPhone(match.phone), match.taxId ? `${t('patients.taxIdShort')} ${match.taxId}` : ''].filter(Boolean).join(' · ');

  const footer = chosen ? (
    <>
      <Button variant="ghost" onClick={() => (setChosen(null), setPreview(null))}>
        {t('patients.merge.back')}
      </Button>
      <Button variant="danger" isBusy={isBusy} onClick={() => void merge()} data-testid="confirm-merge">
        {t('patients.merge.confirm')}
      </Button>
    </>
  ) : (
    <Button variant="ghost" onClick={close}>
      {t('common.cancel')}
    </Button>
  );

  return (
    <Dialog open={open} onClose={close} title={t('patients.merge.title', { name: survivor.fullName })} footer={footer} size="md" testId="merge-dialog">
      {chosen && preview ? (
        <div className="stack" data-testid="merge-preview">
          <p className="alert-title">{t('patients.merge.confirmTitle', { duplicate: chosen.fullName, survivor: survivor.fullName })}</p>
          <p className="muted">{describe(chosen)}</p>
          <ul className="merge-moves">
            <li>{t('patients.merge.appointments', { count: preview.appointments })}</li>
            {preview.consents > 0 ? <li>{t('patients.merge.consents', { count: preview.consents })}</li> : null}
            {preview.faceEnrolment === 'moved' ? <li>{t('patients.merge.faceMoved')}</li> : null}
            {preview.faceEnrolment === 'withdrawn' ? <li className="merge-warning">{t('patients.merge.faceWithdrawn')}</li> : null}
            {preview.filledFields.length > 0 ? (
              <li>{t('patients.merge.fills', { fields: preview.filledFields.map((field) => fieldLabel(t, field)).join(', ') })}</li>
            ) : null}
            <li>{t('patients.merge.keeps')}</li>
          </ul>
        </div>
      ) : (
        <div className="stack">
          <p className="muted">{t('patients.merge.lead')}</p>
          <TextField
            label={t('patients.merge.searchLabel')}
            placeholder={t('patients.merge.searchPlaceholder')}
            autoComplete="off"
            autoFocus
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            data-testid="merge-search"
          />
          {query.trim() && candidates.length === 0 ? <p className="muted">{t('patients.merge.noResults')}</p> : null}
          <ul className="duplicate-list">
            {candidates.map((candidate) => (
              <li key={candidate.id} className="duplicate-row" data-testid="merge-candidate">
                <div>
                  <p className="result-name">{candidate.fullName}</p>
                  <p className="muted">{describe(candidate)}</p>
                </div>
                <Button size="sm" disabled={isBusy} onClick={() => void choose(candidate)}>
                  {t('patients.merge.action')}
                </Button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <ErrorMessage error={error} />
    </Dialog>
  );
}
