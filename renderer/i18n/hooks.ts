import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale } from '../../shared/contract/common';
import { useSession } from '../stores/stores';
import type { RpcError } from '../transport/rpc-error';
import { errorText } from './errors';
import { createFormatter, type Formatter } from './format';

const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function useLocale(): Locale {
  const { i18n } = useTranslation();
  return i18n.language.startsWith('pt') ? 'pt' : 'en';
}

/** Dates, times and money in the UI language and the clinic's time zone. */
export function useFormat(): Formatter {
  const locale = useLocale();
  const zone = useSession((state) => state.settings?.timeZone) ?? localZone;
  return useMemo(() => createFormatter(locale, zone), [locale, zone]);
}

export function useCurrency(): string {
  return useSession((state) => state.settings?.currency) ?? 'EUR';
}

export function useErrorText(): (error: RpcError) => string {
  const { t } = useTranslation();
  const locale = useLocale();
  return useCallback((error: RpcError) => errorText(t, error, locale), [t, locale]);
}

/** The current time, refreshed every `intervalMs` (time-in-status on the board). */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
