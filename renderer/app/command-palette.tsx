import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { usePatientsStore, useUi, useUiStore } from '../stores/stores';
import { Dialog } from '../ui/dialog';
import { Icon } from '../ui/icons';
import { KeyCombo } from '../ui/misc';
import { commands, isAvailable, type CommandContext } from './commands';
import { orderPalette } from './palette-rank';
import './command-palette.css';

interface PaletteItem {
  id: string;
  label: string;
  keys?: string;
  icon: Parameters<typeof Icon>[0]['name'];
  run: () => void;
}

/** Ctrl+K: every available command by name, plus "search patients for …" for whatever was typed. */
export function CommandPalette({ getContext }: { getContext: () => CommandContext | null }) {
  const isOpen = useUi((state) => state.isPaletteOpen);
  const ui = useUiStore();
  return (
    <Dialog open={isOpen} onClose={() => ui.getState().setPaletteOpen(false)} title={<PaletteTitle />} size="md" testId="command-palette">
      {isOpen ? <PaletteBody getContext={getContext} /> : null}
    </Dialog>
  );
}

function PaletteTitle() {
  const { t } = useTranslation();
  return <>{t('palette.title')}</>;
}

function PaletteBody({ getContext }: { getContext: () => CommandContext | null }) {
  const { t } = useTranslation();
  const ui = useUiStore();
  const patients = usePatientsStore();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const inputRef = useRef<HTMLInputElement>(null);

  const items = useMemo<PaletteItem[]>(() => {
    const ctx = getContext();
    if (!ctx) return [];
    const close = () => ui.getState().setPaletteOpen(false);
    const available: PaletteItem[] = commands
      .filter((command) => command.id !== 'palette.open' && isAvailable(command, ctx))
      .map((command) => ({
        id: command.id,
        label: t(command.label),
        ...(command.keys[0] ? { keys: command.keys[0] } : {}),
        icon: command.icon ?? 'command',
        run: () => {
          close();
          command.perform(getContext() ?? ctx);
        },
      }));
    const patientSearch: PaletteItem | null =
      query.trim().length >= 2
        ? {
            id: 'patients.searchFor',
            label: t('palette.searchPatientsFor', { query: query.trim() }),
            icon: 'search',
            run: () => {
              close();
              ui.getState().navigate({ view: 'patients' });
              patients.getState().setQuery(query.trim());
              ui.getState().requestFocus('patientSearch');
            },
          }
        : null;
    const list = orderPalette(query, available, (item) => item.label, patientSearch);
    return list;
  }, [query, getContext, t, ui, patients]);

  const activeIndex = Math.min(active, Math.max(0, items.length - 1));

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((activeIndex + 1) % Math.max(1, items.length));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((activeIndex - 1 + items.length) % Math.max(1, items.length));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      items[activeIndex]?.run();
    }
  };

  return (
    <div className="palette">
      <div className="palette-search">
        <Icon name="search" size={18} />
        <label className="visually-hidden" htmlFor={`${listId}-input`}>
          {t('palette.inputLabel')}
        </label>
        <input
          ref={inputRef}
          id={`${listId}-input`}
          className="palette-input"
          role="combobox"
          aria-expanded="true"
          aria-controls={listId}
          aria-activedescendant={items[activeIndex] ? `${listId}-${activeIndex}` : undefined}
          aria-autocomplete="list"
          placeholder={t('palette.placeholder')}
          autoComplete="off"
          spellCheck={false}
          autoFocus
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
        />
      </div>
      <ul id={listId} role="listbox" className="palette-list" aria-label={t('palette.title')}>
        {items.length === 0 ? (
          <li className="palette-empty" role="presentation">
            {t('palette.noMatches')}
          </li>
        ) : (
          items.map((item, index) => (
            <li
              key={item.id}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === activeIndex}
              className={`palette-item ${index === activeIndex ? 'is-active' : ''}`}
              onMouseMove={() => setActive(index)}
              onClick={item.run}
            >
              <Icon name={item.icon} size={16} />
              <span className="palette-item-label">{item.label}</span>
              {item.keys ? <KeyCombo keys={item.keys} /> : null}
            </li>
          ))
        )}
      </ul>
    </div>
  );
}
