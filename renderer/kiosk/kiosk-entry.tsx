import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { Button } from '../ui/button';
import { StepHeader } from './kiosk-start';
import { isEntryComplete, type KioskField, type KioskStore } from './kiosk.store';
// Before the keypad's stylesheet, as in the cascade.
import './kiosk-entry.css';
import { Keypad } from './keypad';

const testIds: Record<KioskField, string> = {
  day: 'kiosk-dob-day',
  month: 'kiosk-dob-month',
  year: 'kiosk-dob-year',
  phone: 'kiosk-phone-last4',
  code: 'kiosk-code',
};

export function EntryStep({ store }: { store: KioskStore }) {
  const { t } = useTranslation();
  const step = useStore(store, (state) => state.step);
  const isSubmitting = useStore(store, (state) => state.isSubmitting);
  const isDateInvalid = useStore(store, (state) => state.isDateInvalid);
  const isComplete = useStore(store, (state) => isEntryComplete(state));
  const actions = store.getState();
  const isCode = step === 'code';

  return (
    <section className={`kiosk-step kiosk-entry ${isCode ? 'is-code' : 'is-dob'}`} aria-labelledby="kiosk-entry-title">
      <StepHeader store={store} titleId="kiosk-entry-title" title={isCode ? t('kiosk.codeTitle') : t('kiosk.dobTitle')} />
      <form
        className="kiosk-entry-body"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void store.getState().submit();
        }}
      >
        <div className="kiosk-fields">
          {isCode ? (
            <EntryField store={store} field="code" label={t('kiosk.code')} placeholder="······" />
          ) : (
            <>
              <fieldset className="kiosk-dob">
                <legend className="kiosk-label">{t('kiosk.dateOfBirth')}</legend>
                <div className="kiosk-dob-parts">
                  <EntryField store={store} field="day" label={t('kiosk.day')} placeholder={t('kiosk.dayPlaceholder')} />
                  <span className="kiosk-dob-sep" aria-hidden="true">
                    /
                  </span>
                  <EntryField store={store} field="month" label={t('kiosk.month')} placeholder={t('kiosk.monthPlaceholder')} />
                  <span className="kiosk-dob-sep" aria-hidden="true">
                    /
                  </span>
                  <EntryField store={store} field="year" label={t('kiosk.year')} placeholder={t('kiosk.yearPlaceholder')} />
                </div>
              </fieldset>
              <EntryField store={store} field="phone" label={t('kiosk.phoneLast4')} placeholder="····" isWide />
            </>
          )}
          {/* Reserved, so the message appearing does not move the keypad. */}
          <p className="kiosk-entry-error" role="alert" data-testid={isDateInvalid ? 'kiosk-date-error' : undefined}>
            {isDateInvalid ? t('kiosk.invalidDate') : ''}
          </p>
          <Button type="submit" variant="primary" className="kiosk-submit" isBusy={isSubmitting} disabled={!isComplete} data-testid="kiosk-submit">
            {t('kiosk.submit')}
          </Button>
        </div>
        <Keypad kind={isCode ? 'letters' : 'digits'} onKey={actions.press} onErase={actions.erase} onClear={actions.clearField} />
      </form>
    </section>
  );
}

function EntryField({
  store,
  field,
  label,
  placeholder,
  isWide = false,
}: {
  store: KioskStore;
  field: KioskField;
  label: string;
  placeholder: string;
  isWide?: boolean;
}) {
  const value = useStore(store, (state) => state.values[field]);
  const isActive = useStore(store, (state) => state.field === field);
  const isInvalid = useStore(store, (state) => state.isDateInvalid && field !== 'phone');
  const input = useRef<HTMLInputElement>(null);
  const id = `kiosk-field-${field}`;

  useEffect(() => {
    if (isActive && document.activeElement !== input.current) input.current?.focus();
  }, [isActive]);

  return (
    <div className={`kiosk-field is-${field} ${isWide ? 'is-wide' : ''} ${isActive ? 'is-active' : ''}`}>
      <label htmlFor={id} className="kiosk-label">
        {label}
      </label>
      <input
        ref={input}
        id={id}
        className="kiosk-input"
        data-testid={testIds[field]}
        // The on-screen keypad is the keyboard: a tablet must not raise its own over it.
        inputMode="none"
        autoComplete="off"
        autoCapitalize={field === 'code' ? 'characters' : 'off'}
        spellCheck={false}
        placeholder={placeholder}
        value={value}
        aria-invalid={isInvalid || undefined}
        onFocus={() => store.getState().focusField(field)}
        onChange={(event) => store.getState().setValue(field, event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Backspace' && value === '') {
            event.preventDefault();
            store.getState().erase();
          }
        }}
      />
    </div>
  );
}
