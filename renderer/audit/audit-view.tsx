import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditFilters } from '../../shared/audit/audit.contract';
import { auditActionLabel } from '../../shared/audit/audit-words';
import { useStore } from 'zustand';
import { useFormat } from '../i18n/hooks';
import { Button, IconButton } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { SelectField, TextField } from '../ui/field';
import { Card, PageHeader } from '../ui/misc';
import { AuditTable, useAuditWording } from './audit-table';
import type { createAuditStore } from './audit.store';
import { useAuditLog } from './use-audit-log';
import { useAuditExport } from './use-audit-export';
import './audit.css';

type PickedPatient = { id: number; fullName: string };

/** The audit log, for admins: filter, read in words, page back in time, export. */
export function AuditView() {
  const { t } = useTranslation();
  const { store, entries, status, next, isLoadingMore, error, isExporting } = useAuditLog();
  const choices = useStore(store, (state) => state.choices);
  const wording = useAuditWording();
  const exportCsv = useAuditExport(store, 'audit-log');

  const [patient, setPatient] = useState<PickedPatient | null>(null);
  const [staffId, setStaffId] = useState('');
  const [workstation, setWorkstation] = useState('');
  const [action, setAction] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');

  const filters = useMemo<AuditFilters>(
    () => ({
      ...(patient ? { patientId: patient.id } : {}),
      ...(staffId ? { staffId: Number(staffId) } : {}),
      ...(workstation ? { workstation } : {}),
      ...(action ? { action } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    }),
    [patient, staffId, workstation, action, from, to],
  );

  useEffect(() => {
    void store.getState().loadChoices();
  }, [store]);
  useEffect(() => {
    void store.getState().load(filters);
  }, [store, filters]);

  const actions = useMemo(
    () =>
      (choices?.actions ?? [])
        .map((code) => ({ code, label: auditActionLabel(code, wording.words) }))
        .sort((a, b) => a.label.localeCompare(b.label, wording.locale)),
    [choices, wording],
  );
  const hasFilters = Object.keys(filters).length > 0;
  const clear = () => {
    setPatient(null);
    setStaffId('');
    setWorkstation('');
    setAction('');
    setFrom('');
    setTo('');
  };

  return (
    <div className="page audit-page" data-testid="audit-view">
      <PageHeader
        title={t('audit.title')}
        subtitle={t('audit.subtitle')}
        actions={
          <Button variant="primary" icon="arrowDown" onClick={() => void exportCsv()} isBusy={isExporting} data-testid="audit-export">
            {isExporting ? t('audit.exporting') : t('audit.export')}
          </Button>
        }
      />
      <div className="stack">
        <Card>
          <form className="audit-filters" aria-label={t('audit.filters.label')} onSubmit={(event) => event.preventDefault()}>
            <PatientPicker store={store} value={patient} onChange={setPatient} />
            <SelectField label={t('audit.filters.staff')} value={staffId} onChange={(event) => setStaffId(event.target.value)} data-testid="audit-filter-staff">
              <option value="">{t('audit.filters.anyStaff')}</option>
              {(choices?.staff ?? []).map((member) => (
                <option key={member.id} value={member.id}>
                  {member.displayName}
                </option>
              ))}
            </SelectField>
            <SelectField
              label={t('audit.filters.workstation')}
              value={workstation}
              onChange={(event) => setWorkstation(event.target.value)}
              data-testid="audit-filter-workstation"
            >
              <option value="">{t('audit.filters.anyWorkstation')}</option>
              {(choices?.workstations ?? []).map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </SelectField>
            <SelectField label={t('audit.filters.action')} value={action} onChange={(event) => setAction(event.target.value)} data-testid="audit-filter-action">
              <option value="">{t('audit.filters.anyAction')}</option>
              {actions.map((option) => (
                <option key={option.code} value={option.code}>
                  {option.label}
                </option>
              ))}
            </SelectField>
            <TextField
              label={t('audit.filters.from')}
              type="date"
              value={from}
              max={to || undefined}
              onChange={(event) => setFrom(event.target.value)}
              data-testid="audit-filter-from"
            />
            <TextField
              label={t('audit.filters.to')}
              type="date"
              value={to}
              min={from || undefined}
              onChange={(event) => setTo(event.target.value)}
              data-testid="audit-filter-to"
            />
            <div className="audit-filters-clear">
              <Button variant="ghost" icon="x" onClick={clear} disabled={!hasFilters}>
                {t('audit.filters.clear')}
              </Button>
            </div>
          </form>
        </Card>
        <ErrorMessage error={error} />
        <Card>
          <AuditTable
            entries={entries}
            isLoading={status === 'loading'}
            hasMore={next !== null}
            isLoadingMore={isLoadingMore}
            onMore={() => void store.getState().loadMore()}
            emptyText={t('audit.table.empty')}
          />
        </Card>
      </div>
    </div>
  );
}

/** Search a patient by name, phone or tax id; pick one to filter by. Keyboard: type, arrow down, Enter. */
function PatientPicker({
  store,
  value,
  onChange,
}: {
  store: ReturnType<typeof createAuditStore>;
  value: PickedPatient | null;
  onChange: (patient: PickedPatient | null) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Array<{ id: number; fullName: string; dateOfBirth: string }>>([]);
  const listId = useId();
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let isCurrent = true;
    const timer = setTimeout(() => {
      void store
        .getState()
        .searchPatients(query)
        .then((found) => {
          if (isCurrent) setResults(found);
        })
        .catch(() => {
          if (isCurrent) setResults([]);
        });
    }, 200);
    return () => {
      isCurrent = false;
      clearTimeout(timer);
    };
  }, [store, query]);

  if (value) {
    return (
      <div className="field audit-patient-picked">
        <span className="field-label">{t('audit.filters.patient')}</span>
        <div className="audit-patient-chip" data-testid="audit-filter-patient-chosen">
          <span className="audit-patient-name" title={value.fullName}>
            {value.fullName}
          </span>
          <IconButton
            size="sm"
            icon="x"
            label={t('audit.filters.clearPatient')}
            onClick={() => {
              onChange(null);
              setQuery('');
              setTimeout(() => inputRef.current?.focus(), 0);
            }}
          />
        </div>
      </div>
    );
  }
  return (
    <div className="audit-patient-picker">
      <TextField
        ref={inputRef}
        label={t('audit.filters.patient')}
        type="search"
        placeholder={t('audit.filters.searchPatient')}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        autoComplete="off"
        aria-controls={listId}
        data-testid="audit-filter-patient"
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            document.getElementById(listId)?.querySelector('button')?.focus();
          }
        }}
      />
      {results.length > 0 && query.trim().length >= 2 ? (
        <ul className="audit-patient-results" id={listId}>
          {results.map((result) => (
            <li key={result.id}>
              <button
                type="button"
                data-testid="audit-patient-result"
                onClick={() => {
                  onChange({ id: result.id, fullName: result.fullName });
                  setResults([]);
                }}
                onKeyDown={(event) => {
                  const item = event.currentTarget.parentElement;
                  if (event.key === 'ArrowDown') {
                    event.preventDefault();
                    (item?.nextElementSibling?.querySelector('button') as HTMLButtonElement | null)?.focus();
                  } else if (event.key === 'ArrowUp') {
                    event.preventDefault();
                    const previous = item?.previousElementSibling?.querySelector('button') as HTMLButtonElement | null;
                    (previous ?? inputRef.current)?.focus();
                  } else if (event.key === 'Escape') {
                    setResults([]);
                    inputRef.current?.focus();
                  }
                }}
              >
                <span className="strong">{result.fullName}</span> <span className="muted">{format.date(result.dateOfBirth)}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
