import { useCallback } from 'react';
import { useLocale } from '../i18n/hooks';

/** A file size in the reader's language: "2.4 MB", "2,4 MB"; kilobytes below one megabyte. */
export function sizeText(bytes: number, locale: string): string {
  const isSmall = bytes < 1_000_000;
  return new Intl.NumberFormat(locale === 'pt' ? 'pt-PT' : 'en-GB', {
    style: 'unit',
    unit: isSmall ? 'kilobyte' : 'megabyte',
    maximumFractionDigits: 1,
  }).format(isSmall ? bytes / 1_000 : bytes / 1_000_000);
}

export function useSizeText(): (bytes: number) => string {
  const locale = useLocale();
  return useCallback((bytes: number) => sizeText(bytes, locale), [locale]);
}
