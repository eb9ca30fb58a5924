import { useTranslation } from 'react-i18next';
import { useErrorText } from '../i18n/hooks';
import { useUiStore } from '../stores/stores';
import { useRpcAction } from '../ui/use-rpc-action';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import type { FaceStatusStore } from './face-status.store';

/** The withdraw dialog's body: the desk confirms withdrawing the patient's face check-in (a failure is also toasted). */
export function FaceWithdrawStep({ store, patientName, onClose }: { store: FaceStatusStore; patientName: string; onClose: () => void }) {
  const { t } = useTranslation();
  const ui = useUiStore();
  const errorText = useErrorText();
  const { error, isBusy, run } = useRpcAction();
  const confirm = () =>
    run(
      async () => {
        await store.getState().withdraw();
        ui.getState().toast('success', t('faces.withdrawDialog.done', { name: patientName }));
        onClose();
      },
      (rpcError) => ui.getState().toast('error', errorText(rpcError)),
    );
  return (
    <div className="stack">
      <p>{t('faces.withdrawDialog.text', { name: patientName })}</p>
      <ErrorMessage error={error} />
      <div className="form-actions">
        <Button variant="ghost" onClick={onClose} autoFocus>
          {t('common.cancel')}
        </Button>
        <Button variant="danger" isBusy={isBusy} onClick={() => void confirm()} data-testid="face-withdraw-confirm">
          {t('faces.withdrawDialog.confirm')}
        </Button>
      </div>
    </div>
  );
}
