import { useTranslation } from 'react-i18next';
import type { StoreApi } from 'zustand/vanilla';
import { useErrorText, useLocale } from '../i18n/hooks';
import { todayIn } from '../i18n/format';
import { useSession, useUiStore } from '../stores/stores';
import { RpcError } from '../transport/rpc-error';
import type { AuditState } from './audit.store';
import { downloadBlob } from './download';

/** Exports what the store's filters show, downloads it, and says how many entries went. */
export function useAuditExport(store: StoreApi<AuditState>, fileStem: string): () => Promise<void> {
  const { t } = useTranslation();
  const locale = useLocale();
  const ui = useUiStore();
  const errorText = useErrorText();
  const zone = useSession((state) => state.settings?.timeZone) ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return async () => {
    try {
      const { blob, rows } = await store.getState().exportCsv(locale);
      downloadBlob(blob, `${fileStem}-${todayIn(zone)}.csv`);
      ui.getState().toast('success', t('audit.exported', { count: rows }));
    } catch (error) {
      ui.getState().toast('error', errorText(RpcError.from(error)));
    }
  };
}
