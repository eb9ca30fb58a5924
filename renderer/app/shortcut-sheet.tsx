import { useTranslation } from 'react-i18next';
import { useUi, useUiStore } from '../stores/stores';
import { Dialog } from '../ui/dialog';
import { KeyCombo } from '../ui/misc';
import { commands, isPermitted, type CommandContext, type CommandGroup } from './commands';
import './shortcut-sheet.css';

const groups: Array<{
  group: CommandGroup;
  title: 'shortcuts.navigate' | 'shortcuts.actions' | 'shortcuts.board' | 'queue.shortcutsGroup' | 'shortcuts.help';
}> = [
  { group: 'navigate', title: 'shortcuts.navigate' },
  { group: 'actions', title: 'shortcuts.actions' },
  { group: 'board', title: 'shortcuts.board' },
  { group: 'queue', title: 'queue.shortcutsGroup' },
  { group: 'help', title: 'shortcuts.help' },
];

/** "?": every shortcut, straight from the command registry. */
export function ShortcutSheet({ getContext }: { getContext: () => CommandContext | null }) {
  const { t } = useTranslation();
  const isOpen = useUi((state) => state.isShortcutSheetOpen);
  const ui = useUiStore();
  const ctx = isOpen ? getContext() : null;
  return (
    <Dialog
      open={isOpen}
      onClose={() => ui.getState().setShortcutSheetOpen(false)}
      title={t('shortcuts.title')}
      description={t('shortcuts.lead')}
      size="lg"
      testId="shortcut-sheet"
    >
      <div className="shortcut-grid">
        {groups.map(({ group, title }) => {
          // Every shortcut this role may use, including those that only work on one screen.
          const list = commands.filter((command) => command.group === group && command.keys.length > 0 && (!ctx || isPermitted(command, ctx.role)));
          if (list.length === 0) return null;
          return (
            <section key={group} className="shortcut-group">
              <h3 className="shortcut-group-title">{t(title)}</h3>
              <dl className="shortcut-list">
                {list.map((command) => (
                  <div key={command.id} className="shortcut-row">
                    <dt>{t(command.label)}</dt>
                    <dd>
                      {command.keys.map((keys, index) => (
                        <span key={keys} className="shortcut-keys">
                          {index > 0 ? <span className="shortcut-or">{t('shortcuts.or')}</span> : null}
                          <KeyCombo keys={keys} />
                        </span>
                      ))}
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
          );
        })}
      </div>
      {/* Shown separately: these keys belong to the search list, not the registry. */}
      <section className="shortcut-group shortcut-group-wide">
        <h3 className="shortcut-group-title">{t('shortcuts.lists')}</h3>
        <dl className="shortcut-list">
          <div className="shortcut-row">
            <dt>{t('shortcuts.moveSelection')}</dt>
            <dd>
              <KeyCombo keys="↑" /> <KeyCombo keys="↓" />
            </dd>
          </div>
          <div className="shortcut-row">
            <dt>{t('shortcuts.open')}</dt>
            <dd>
              <KeyCombo keys="Enter" />
            </dd>
          </div>
          <div className="shortcut-row">
            <dt>{t('shortcuts.close')}</dt>
            <dd>
              <KeyCombo keys="Esc" />
            </dd>
          </div>
        </dl>
      </section>
    </Dialog>
  );
}
