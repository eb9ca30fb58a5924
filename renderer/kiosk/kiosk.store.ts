import { createStore } from 'zustand/vanilla';
import type { z } from 'zod';
import type { Locale } from '../../shared/contract/common';
import type { MethodOutput } from '../../shared/contract/contract';
import { kioskCheckInInput, type KioskCheckInResult } from '../../shared/kiosk/kiosk.contract';
import type { FaceCheckInResult } from '../../shared/faces/faces.contract';
import type { Transport } from '../transport/transport';
import { RpcError } from '../transport/rpc-error';

export type KioskInfo = MethodOutput<'kiosk.info'>;
export type KioskStep = 'start' | 'method' | 'dob' | 'code' | 'result';
export type KioskMethod = 'dob' | 'code';
export type KioskField = 'day' | 'month' | 'year' | 'phone' | 'code';

/** What the result screen shows: the host's answer, or a failure that sends the patient to the desk. */
export type KioskOutcome =
  | KioskCheckInResult
  | { outcome: 'rateLimited'; retryAfterSeconds: number | null }
  | { outcome: 'error'; error: RpcError }
  /** The camera did not find the patient: the phone-and-birth-date check-in instead. */
  | Extract<FaceCheckInResult, { outcome: 'notRecognised' }>;
export type KioskOutcomeName = KioskOutcome['outcome'];

export const FIELD_LENGTH: Record<KioskField, number> = { day: 2, month: 2, year: 4, phone: 4, code: 6 };
const NEXT_FIELD: Partial<Record<KioskField, KioskField>> = { day: 'month', month: 'year', year: 'phone' };
const PREVIOUS_FIELD: Partial<Record<KioskField, KioskField>> = { month: 'day', year: 'month', phone: 'year' };
const EMPTY_VALUES: Record<KioskField, string> = { day: '', month: '', year: '', phone: '', code: '' };

export interface KioskState {
  info: KioskInfo | null;
  infoError: RpcError | null;
  /** The language on screen; back to the clinic's at every reset. */
  locale: Locale;
  defaultLocale: Locale;
  /** The patient picked the language themselves: a successful check-in does not switch it to theirs. */
  isLocaleChosen: boolean;
  step: KioskStep;
  /** The way the patient chose to identify themselves (kept for "Try again"). */
  method: KioskMethod;
  field: KioskField;
  values: Record<KioskField, string>;
  /** The typed date of birth is not a real date (31/02). */
  isDateInvalid: boolean;
  isSubmitting: boolean;
  outcome: KioskOutcome | null;

  load(): Promise<void>;
  setLocale(locale: Locale): void;
  begin(): void;
  chooseMethod(method: KioskMethod): void;
  back(): void;
  focusField(field: KioskField): void;
  /** From a physical keyboard or a paste: keeps only what the field accepts. */
  setValue(field: KioskField, raw: string): void;
  /** One key of the on-screen keypad, into the active field. */
  press(key: string): void;
  erase(): void;
  clearField(): void;
  submit(): Promise<void>;
  /**
   * The face check-in's answer, shown on the same result screens. Only on the start screen:
   * a patient who has started typing is not pulled away by a late answer. Returns whether it was shown.
   */
  showFaceResult(result: FaceCheckInResult): boolean;
  /** From the result of a failed attempt: the same method again, fields empty. */
  retry(): void;
  /** Back to the start screen in the clinic's language, with nothing of the last patient left. */
  reset(): void;
  /** Any touch or key press: the idle timer starts again. */
  touch(): void;
  dispose(): void;
}

export interface KioskStoreOptions {
  /** Without a touch for this long, the kiosk goes back to the start screen. */
  idleMs?: number;
  /** A result stays this long (then the next patient's turn). */
  resultMs?: number;
  /**
   * How often an idle kiosk says it is still there, so that the desk's Screens card does
   * not show it offline while nobody checks in (it keeps no event stream open).
   */
  heartbeatMs?: number;
  /** The host refused this kiosk (token revoked): the pairing screen takes over. */
  onAccessLost?(error: RpcError): void;
  initialLocale?: Locale;
}

function accepts(field: KioskField, raw: string): string {
  const cleaned = field === 'code' ? raw.toUpperCase().replace(/[^A-Z0-9]/g, '') : raw.replace(/\D/g, '');
  return cleaned.slice(0, FIELD_LENGTH[field]);
}

/** A day that starts with 4–9, or a month with 2–9, cannot take a second digit: move on at once. */
function isComplete(field: KioskField, value: string): boolean {
  if (value.length >= FIELD_LENGTH[field]) return true;
  if (field === 'day') return value.length === 1 && value >= '4';
  if (field === 'month') return value.length === 1 && value >= '2';
  return false;
}

/** The typed date of birth as `YYYY-MM-DD`, or null when a part is missing. */
export function dateOfBirthOf(values: Pick<Record<KioskField, string>, 'day' | 'month' | 'year'>): string | null {
  const { day, month, year } = values;
  if (!day || !month || year.length !== 4) return null;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

/** What `kiosk.checkIn` gets for the method in use, or null when the entry is not complete and valid. */
export function checkInInputOf(state: Pick<KioskState, 'step' | 'values'>): z.input<typeof kioskCheckInInput> | null {
  const input =
    state.step === 'code'
      ? { appointmentCode: state.values.code }
      : state.step === 'dob'
        ? { dateOfBirth: dateOfBirthOf(state.values) ?? '', phoneLast4: state.values.phone }
        : null;
  if (!input) return null;
  return kioskCheckInInput.safeParse(input).success ? input : null;
}

/** Whether every part is typed (the date may still turn out not to exist). */
export function isEntryComplete(state: Pick<KioskState, 'step' | 'values'>): boolean {
  const { values } = state;
  if (state.step === 'code') return values.code.length === FIELD_LENGTH.code;
  if (state.step === 'dob') return values.day.length > 0 && values.month.length > 0 && values.year.length === 4 && values.phone.length === 4;
  return false;
}

export function outcomeOf(error: unknown): KioskOutcome {
  const rpcError = RpcError.from(error);
  if (rpcError.code === 'RATE_LIMITED') {
    const retry = rpcError.details.retryAfterSeconds;
    return { outcome: 'rateLimited', retryAfterSeconds: typeof retry === 'number' ? retry : null };
  }
  return { outcome: 'error', error: rpcError };
}

export const isCheckedIn = (outcome: KioskOutcome | null): outcome is Extract<KioskOutcome, { outcome: 'checkedIn' | 'alreadyCheckedIn' }> =>
  outcome?.outcome === 'checkedIn' || outcome?.outcome === 'alreadyCheckedIn';

/**
 * The self check-in kiosk: start → method → keypad entry → result, in the patient's choice
 * of English or Portuguese. It never keeps what a patient typed beyond their attempt, and
 * goes back to the start on its own after a while without a touch.
 */
export function createKioskStore(transport: Transport, options: KioskStoreOptions = {}) {
  const idleMs = options.idleMs ?? 60_000;
  const resultMs = options.resultMs ?? 15_000;
  const heartbeatMs = options.heartbeatMs ?? 45_000;
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  let heartbeat: ReturnType<typeof setInterval> | null = null;
  let attempt = 0;

  return createStore<KioskState>()((set, get) => {
    const arm = () => {
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = null;
      const state = get();
      if (state.isSubmitting) return;
      const isAtRest = state.step === 'start' && state.locale === state.defaultLocale;
      const delay = state.step === 'result' ? resultMs : isAtRest ? null : idleMs;
      if (delay !== null) idleTimer = setTimeout(() => get().reset(), delay);
    };

    const update = (partial: Partial<KioskState>) => {
      set(partial);
      arm();
    };

    const startEntry = (step: KioskMethod) =>
      update({ step, method: step, field: step === 'code' ? 'code' : 'day', values: { ...EMPTY_VALUES }, isDateInvalid: false, outcome: null });

    return {
      info: null,
      infoError: null,
      locale: options.initialLocale ?? 'en',
      defaultLocale: options.initialLocale ?? 'en',
      isLocaleChosen: false,
      step: 'start',
      method: 'dob',
      field: 'day',
      values: { ...EMPTY_VALUES },
      isDateInvalid: false,
      isSubmitting: false,
      outcome: null,

      async load() {
        try {
          const info = await transport.call('kiosk.info', {});
          const isUntouched = !get().isLocaleChosen;
          set({ info, infoError: null, defaultLocale: info.locale, ...(isUntouched ? { locale: info.locale } : {}) });
          arm();
          heartbeat ??= setInterval(() => {
            transport.call('kiosk.info', {}, { background: true }).catch((error: unknown) => {
              const rpcError = RpcError.from(error);
              if (rpcError.code === 'UNAUTHENTICATED' || rpcError.code === 'FORBIDDEN') options.onAccessLost?.(rpcError);
            });
          }, heartbeatMs);
        } catch (error) {
          const rpcError = RpcError.from(error);
          if (rpcError.code === 'UNAUTHENTICATED' || rpcError.code === 'FORBIDDEN') options.onAccessLost?.(rpcError);
          set({ infoError: rpcError });
        }
      },

      setLocale(locale) {
        update({ locale, isLocaleChosen: locale !== get().defaultLocale || get().isLocaleChosen });
      },

      begin() {
        update({ step: 'method', outcome: null });
      },

      chooseMethod(method) {
        startEntry(method);
      },

      back() {
        const { step } = get();
        if (step === 'dob' || step === 'code') update({ step: 'method', values: { ...EMPTY_VALUES }, isDateInvalid: false });
        else if (step === 'method') update({ step: 'start' });
        else if (step === 'result') get().reset();
      },

      focusField(field) {
        const { step } = get();
        if ((step === 'code') !== (field === 'code')) return;
        update({ field });
      },

      setValue(field, raw) {
        const value = accepts(field, raw);
        const values = { ...get().values, [field]: value };
        const next = NEXT_FIELD[field];
        const grew = value.length > get().values[field].length;
        update({ values, isDateInvalid: false, field: grew && next && isComplete(field, value) ? next : get().field });
      },

      press(key) {
        if (key.length !== 1) return;
        const { field, values } = get();
        const current = values[field];
        if (isComplete(field, current)) {
          // The field is full: the key belongs to the next one.
          const next = NEXT_FIELD[field];
          if (!next) return;
          set({ field: next });
          get().press(key);
          return;
        }
        if (accepts(field, key) === '') return;
        get().setValue(field, current + key);
      },

      erase() {
        const { field, values } = get();
        if (values[field]) {
          update({ values: { ...values, [field]: values[field].slice(0, -1) }, isDateInvalid: false });
          return;
        }
        const previous = PREVIOUS_FIELD[field];
        if (previous) update({ field: previous, values: { ...values, [previous]: values[previous].slice(0, -1) }, isDateInvalid: false });
      },

      clearField() {
        const { field, values } = get();
        update({ values: { ...values, [field]: '' }, isDateInvalid: false });
      },

      async submit() {
        const state = get();
        if (state.isSubmitting || !isEntryComplete(state)) return;
        const input = checkInInputOf(state);
        if (!input) {
          update({ isDateInvalid: state.step === 'dob', field: state.step === 'dob' ? 'day' : state.field });
          return;
        }
        const ticket = ++attempt;
        set({ isSubmitting: true });
        arm();
        let outcome: KioskOutcome;
        try {
          outcome = await transport.call('kiosk.checkIn', input);
        } catch (error) {
          outcome = outcomeOf(error);
          if (outcome.outcome === 'error' && (outcome.error.code === 'UNAUTHENTICATED' || outcome.error.code === 'FORBIDDEN')) {
            options.onAccessLost?.(outcome.error);
          }
        }
        if (ticket !== attempt) return;
        // What was typed is not needed any more: it must not wait on screen for the next person.
        const language = isCheckedIn(outcome) && !get().isLocaleChosen ? { locale: outcome.language } : {};
        set({ isSubmitting: false, step: 'result', outcome, values: { ...EMPTY_VALUES }, ...language });
        arm();
      },

      showFaceResult(result) {
        const state = get();
        if (state.step !== 'start' || state.isSubmitting) return false;
        attempt += 1;
        const language = isCheckedIn(result) && !state.isLocaleChosen ? { locale: result.language } : {};
        // "Try again" after a face result goes to the birth-date keypad, the fallback the patient is offered.
        update({ step: 'result', outcome: result, method: 'dob', ...language });
        return true;
      },

      retry() {
        startEntry(get().method);
      },

      reset() {
        attempt += 1;
        set((state) => ({
          step: 'start',
          field: 'day',
          values: { ...EMPTY_VALUES },
          isDateInvalid: false,
          isSubmitting: false,
          outcome: null,
          locale: state.defaultLocale,
          isLocaleChosen: false,
        }));
        arm();
        // Between patients: pick up a new clinic name or language from the settings.
        void get().load();
      },

      touch() {
        arm();
      },

      dispose() {
        if (idleTimer) clearTimeout(idleTimer);
        idleTimer = null;
        if (heartbeat) clearInterval(heartbeat);
        heartbeat = null;
      },
    };
  });
}

export type KioskStore = ReturnType<typeof createKioskStore>;
