import { useTranslation } from 'react-i18next';
import { hostName, MAX_HOST_NAMES, settingsContract } from '../../shared/settings/settings.contract';
import { useSession, useSessionStore, useUiStore } from '../stores/stores';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { TextArea } from '../ui/field';
import { Card, CardHeader } from '../ui/misc';
import { Skeleton } from '../ui/spinner';
import { useContractForm } from '../ui/use-form';

/** One name a line; blank lines and spaces around a name do not count. */
function namesOf(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim().toLowerCase())
    .filter((line) => line !== '');
}

/** Admin: the names the browser host answers to besides its own address (the DNS rebinding defence). */
export function HostNamesCard() {
  const { t } = useTranslation();
  const settings = useSession((state) => state.settings);
  return (
    <Card aria-labelledby="host-names-title">
      <CardHeader titleId="host-names-title" title={t('settings.hostNames.title')} subtitle={t('settings.hostNames.lead')} />
      {settings ? <HostNamesForm key={settings.hostNames.join('\n')} names={settings.hostNames} /> : <Skeleton variant="block" />}
    </Card>
  );
}

function HostNamesForm({ names }: { names: readonly string[] }) {
  const { t } = useTranslation();
  const session = useSessionStore();
  const ui = useUiStore();
  const form = useContractForm({
    initial: { hostNames: names.join('\n') },
    schema: settingsContract['settings.update'].input,
    toInput: (values) => ({ hostNames: namesOf(values.hostNames) }),
    // Said in words that name the line at fault, rather than the schema's generic message.
    check: (values) => {
      const list = namesOf(values.hostNames);
      const invalid = list.find((name) => !hostName.safeParse(name).success);
      if (invalid !== undefined) return { hostNames: t('settings.hostNames.invalid', { name: invalid }) };
      const duplicate = list.find((name, index) => list.indexOf(name) !== index);
      if (duplicate !== undefined) return { hostNames: t('settings.hostNames.duplicate', { name: duplicate }) };
      if (list.length > MAX_HOST_NAMES) return { hostNames: t('settings.hostNames.tooMany', { max: MAX_HOST_NAMES }) };
      return {};
    },
    submit: (input) => session.getState().updateSettings(input),
    onDone: () => ui.getState().toast('success', t('settings.hostNames.saved')),
  });
  const { values, setValue, errors } = form;
  const fieldError = errors['hostNames'] ?? Object.entries(errors).find(([key]) => key.startsWith('hostNames.'))?.[1];
  return (
    <form ref={form.formRef} className="card-body stack" onSubmit={form.onSubmit} noValidate>
      <TextArea
        label={t('settings.hostNames.label')}
        rows={4}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        placeholder="recepcao.local"
        value={values.hostNames}
        onChange={(event) => setValue('hostNames', event.target.value)}
        error={fieldError}
        hint={t('settings.hostNames.hint', { max: MAX_HOST_NAMES })}
        data-testid="setting-hostNames"
      />
      <ErrorMessage error={form.error} />
      <div className="form-actions">
        <Button type="submit" variant="primary" isBusy={form.isBusy}>
          {t('common.saveChanges')}
        </Button>
      </div>
    </form>
  );
}
