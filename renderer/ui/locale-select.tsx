import { useTranslation } from 'react-i18next';
import type { Locale } from '../../shared/contract/common';
import { Icon } from './icons';

/** The language switch: native names, so someone who reads neither language of the UI still finds theirs. */
export function LocaleSelect({
  value,
  onChange,
  disabled,
  variant = 'plain',
}: {
  value: Locale;
  onChange: (locale: Locale) => void;
  disabled?: boolean;
  variant?: 'plain' | 'onDark';
}) {
  const { t } = useTranslation();
  return (
    <label className={`locale-select locale-select-${variant}`}>
      <Icon name="globe" size={16} />
      <span className="visually-hidden">{t('common.language')}</span>
      <select data-testid="language-select" value={value} disabled={disabled} onChange={(event) => onChange(event.target.value === 'pt' ? 'pt' : 'en')}>
        <option value="en" lang="en">
          English
        </option>
        <option value="pt" lang="pt-PT">
          Português
        </option>
      </select>
    </label>
  );
}
