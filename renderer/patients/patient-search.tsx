import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { PatientSummary } from '../../shared/patients/patients.contract';
import { useFormat } from '../i18n/hooks';
import { useUi } from '../stores/stores';
import { ErrorMessage } from '../ui/error-message';
import { Icon } from '../ui/icons';
import { EmptyState } from '../ui/misc';
import { Skeleton } from '../ui/spinner';
import type { PatientsStore } from './patients.store';
import { formatPhone } from '../../shared/patients/phone-format';

/** Whether the caret follows a digit: a slash there is part of a date being typed. */
function isTypingDate(input: HTMLInputElement): boolean {
  const caret = input.selectionStart ?? input.value.length;
  return input.selectionEnd === caret && /\d$/.test(input.value.slice(0, caret));
}

export interface PatientSearchProps {
  store: PatientsStore;
  onOpen: (patient: PatientSummary) => void;
  label: string;
  /** Answers the `/` shortcut's focus request. */
  isFocusTarget?: boolean;
  autoFocus?: boolean;
  /** Highlights the row of the patient already open. */
  openId?: number | undefined;
  /** What to show before anything is typed. */
  idle?: ReactNode;
  /** Shown under "no matches" (e.g. a "New patient" button). */
  noMatchesAction?: ReactNode;
  testId?: string;
}

/**
 * Search-as-you-type, keyboard first: the box keeps the focus, ↑/↓ move the highlighted
 * row (aria-activedescendant), Enter opens it, Escape clears.
 */
export function PatientSearch({
  store,
  onOpen,
  label,
  isFocusTarget = false,
  autoFocus = false,
  openId,
  idle,
  noMatchesAction,
  testId = 'patient-search',
}: PatientSearchProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const query = useStore(store, (state) => state.query);
  const results = useStore(store, (state) => state.results);
  const resultsFor = useStore(store, (state) => state.resultsFor);
  const status = useStore(store, (state) => state.searchStatus);
  const error = useStore(store, (state) => state.searchError);
  const activeIndex = useStore(store, (state) => state.activeIndex);
  const focusRequest = useUi((state) => state.focusRequest);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const baseId = useId();
  const listId = `${baseId}-results`;
  const optionId = (index: number) => `${baseId}-option-${index}`;

  useEffect(() => {
    if (isFocusTarget && focusRequest?.target === 'patientSearch') {
      inputRef.current?.focus();
      inputRef.current?.select();
    }
  }, [focusRequest, isFocusTarget]);

  useEffect(() => {
    listRef.current?.querySelector(`[data-index="${activeIndex}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [activeIndex]);

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const state = store.getState();
    if (event.key === '/' && !event.ctrlKey && !event.altKey && !event.metaKey && !isTypingDate(event.currentTarget)) {
      // "/" is the search shortcut: already here, it selects what is there (for a new search)
      // rather than typing a slash no name has. Within a date (12/05/1990) it is a slash.
      event.preventDefault();
      event.currentTarget.select();
      return;
    }
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        state.moveActive(1);
        break;
      case 'ArrowUp':
        event.preventDefault();
        state.moveActive(-1);
        break;
      case 'PageDown':
        event.preventDefault();
        state.moveActive(5);
        break;
      case 'PageUp':
        event.preventDefault();
        state.moveActive(-5);
        break;
      case 'Enter': {
        const picked = state.results[state.activeIndex];
        if (picked) {
          event.preventDefault();
          onOpen(picked);
        }
        break;
      }
      case 'Escape':
        if (state.query) {
          event.preventDefault();
          event.stopPropagation();
          state.clearSearch();
        }
        break;
    }
  };

  const hasQuery = query.trim() !== '';
  const isFirstLoad = status === 'loading' && resultsFor === '';
  const showResults = hasQuery && results.length > 0;
  const isStale = status === 'loading' && resultsFor !== query.trim();

  return (
    <div className="patient-search">
      <div className="search-box">
        <Icon name="search" size={18} />
        <label className="visually-hidden" htmlFor={`${baseId}-input`}>
          {label}
        </label>
        <input
          ref={inputRef}
          id={`${baseId}-input`}
          className="search-input"
          type="text"
          enterKeyHint="search"
          role="combobox"
          aria-expanded={showResults}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={showResults ? optionId(activeIndex) : undefined}
          aria-describedby={`${baseId}-hint`}
          placeholder={t('patients.searchPlaceholder')}
          autoComplete="off"
          spellCheck={false}
          autoFocus={autoFocus}
          data-testid={testId}
          value={query}
          onChange={(event) => store.getState().setQuery(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <span className={`search-busy ${status === 'loading' ? 'is-visible' : ''}`} aria-hidden="true" />
      </div>
      <p id={`${baseId}-hint`} className="search-hint" aria-live="polite">
        {hasQuery && status === 'ready' ? t('patients.resultCount', { count: results.length }) : t('patients.searchHint')}
      </p>

      <div
        className={`search-results ${isStale ? 'is-stale' : ''}`}
        data-testid={`${testId}-results`}
        data-results-for={status === 'ready' ? resultsFor : undefined}
      >
        {error && status === 'error' ? <ErrorMessage error={error} /> : null}
        {!hasQuery ? (idle ?? null) : null}
        {hasQuery && isFirstLoad ? (
          <div className="result-skeletons" aria-hidden="true">
            <Skeleton variant="row" />
            <Skeleton variant="row" />
            <Skeleton variant="row" />
          </div>
        ) : null}
        {hasQuery && status === 'ready' && results.length === 0 ? (
          <EmptyState compact icon="search" title={t('patients.noMatches', { query: query.trim() })} action={noMatchesAction}>
            {t('patients.noMatchesHint')}
          </EmptyState>
        ) : null}
        <ul id={listId} ref={listRef} role="listbox" aria-label={t('patients.results')} className="result-list" hidden={!showResults}>
          {results.map((patient, index) => (
            <li
              key={patient.id}
              id={optionId(index)}
              role="option"
              aria-selected={index === activeIndex}
              data-index={index}
              data-testid="patient-result"
              data-patient-id={patient.id}
              className={`result-row ${index === activeIndex ? 'is-active' : ''} ${patient.id === openId ? 'is-open' : ''}`}
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => {
                store.getState().setActive(index);
                onOpen(patient);
              }}
            >
              <div className="result-line">
                <span className="result-name">{patient.fullName}</span>
                {patient.preferredName ? <span className="result-preferred">“{patient.preferredName}”</span> : null}
              </div>
              <div className="result-meta">
                <span>
                  <span className="visually-hidden">{t('patients.fields.dateOfBirth')}: </span>
                  {format.date(patient.dateOfBirth)}
                  <span className="subtle"> · {t('patients.age', { count: format.age(patient.dateOfBirth) ?? 0 })}</span>
                </span>
                {patient.phone ? (
                  <span>
                    <span className="visually-hidden">{t('patients.fields.phone')}: </span>
                    {formatPhone(patient.phone)}
                  </span>
                ) : null}
                {patient.taxId ? (
                  <span>
                    <abbr title={t('patients.fields.taxId')} className="result-label">
                      {t('patients.taxIdShort')}
                    </abbr>{' '}
                    {patient.taxId}
                  </span>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
