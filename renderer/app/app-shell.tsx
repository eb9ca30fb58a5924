import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodName } from '../../shared/contract/contract';
import { useBoardStore, usePractice, useSession, useSessionStore, useUi, useUiStore } from '../stores/stores';
import { addDays } from '../i18n/format';
import { useErrorText } from '../i18n/hooks';
import { RpcError } from '../transport/rpc-error';
import { BrandMark } from '../ui/brand';
import { Button, IconButton } from '../ui/button';
import { Icon, type IconName } from '../ui/icons';
import { LocaleSelect } from '../ui/locale-select';
import { Avatar, Badge, KeyCombo } from '../ui/misc';
import { TodayView } from '../board/today-view';
import { PatientsView } from '../patients/patients-view';
import { BookView } from '../appointments/book-view';
import { SetupView } from '../setup/setup-view';
import { SettingsView } from '../settings/settings-view';
import { AuditView } from '../audit/audit-view';
import { ReportsView } from '../reports/reports-view';
import { QueueView } from '../queue/queue-view';
import { may } from '../auth/may';
import { worksOwnQueue } from '../auth/own-queue';
import { SyncIndicator } from '../sync/sync-indicator';
import { CommandPalette } from './command-palette';
import { ShortcutSheet } from './shortcut-sheet';
import type { CommandContext } from './commands';
import type { View } from './routes';
import { useShortcuts } from './use-shortcuts';
import { createViewActionsRegistry, ViewActionsProvider } from './view-actions';
import './app.css';

interface NavItem {
  view: View;
  icon: IconName;
  label: 'nav.today' | 'nav.patients' | 'nav.book' | 'nav.setup' | 'nav.settings' | 'queue.nav' | 'audit.nav' | 'reports.nav';
  /** A doctor's queue is their own: the item says so. */
  doctorLabel?: 'queue.myQueue';
  keys: string;
  /** The method its screen needs: shown to whoever may call it (default: everyone). */
  method?: MethodName;
}

const navItems: NavItem[] = [
  { view: 'today', icon: 'board', label: 'nav.today', keys: 'g t' },
  { view: 'queue', icon: 'queue', label: 'queue.nav', doctorLabel: 'queue.myQueue', keys: 'g q' },
  { view: 'patients', icon: 'users', label: 'nav.patients', keys: 'g p' },
  { view: 'book', icon: 'calendarPlus', label: 'nav.book', keys: 'g b', method: 'appointments.book' },
  { view: 'setup', icon: 'sliders', label: 'nav.setup', keys: 'g s', method: 'settings.update' },
  { view: 'settings', icon: 'settings', label: 'nav.settings', keys: 'g o' },
  { view: 'reports', icon: 'chart', label: 'reports.nav', keys: 'g r', method: 'reports.mine' },
  { view: 'audit', icon: 'lock', label: 'audit.nav', keys: 'g a', method: 'audit.list' },
];

export function AppShell({ isHidden }: { isHidden: boolean }) {
  const { t } = useTranslation();
  const staff = useSession((state) => state.staff);
  const clinicName = useSession((state) => state.settings?.clinicName ?? '');
  const isDemo = useSession((state) => state.settings?.isDemo ?? false);
  const route = useUi((state) => state.route);
  const sessionStore = useSessionStore();
  const uiStore = useUiStore();
  const boardStore = useBoardStore();
  const mainRef = useRef<HTMLElement>(null);
  const errorText = useErrorText();
  const role = staff?.role;
  const isOwnQueue = worksOwnQueue(role);
  const [viewActions] = useState(createViewActionsRegistry);

  const getContext = useCallback((): CommandContext | null => {
    const session = sessionStore.getState();
    const ui = uiStore.getState();
    if (!session.staff) return null;
    return {
      session,
      ui,
      role: session.staff.role,
      route: ui.route,
      actions: viewActions.current(),
      ...(ui.route.view === 'today'
        ? {
            shiftBoardDay: (days: number | 'today') =>
              ui.navigate(days === 'today' ? { view: 'today' } : { view: 'today', day: addDays(boardStore.getState().day, days) }),
          }
        : {}),
    };
  }, [sessionStore, uiStore, boardStore, viewActions]);

  useShortcuts(getContext);

  // A view the role may not open (a bookmarked #/setup for a receptionist) falls back to Today.
  const item = navItems.find((candidate) => candidate.view === route.view);
  const isAllowed = !item?.method || may(role, item.method);
  useEffect(() => {
    if (!isAllowed) uiStore.getState().navigate({ view: 'today' }, { replace: true });
  }, [isAllowed, uiStore]);

  // Moving between views puts the focus at the top of the new one, as a page load would.
  const previousView = useRef(route.view);
  useEffect(() => {
    if (previousView.current !== route.view) {
      previousView.current = route.view;
      const active = document.activeElement;
      if (!active || active === document.body || active.closest('.sidebar')) mainRef.current?.focus({ preventScroll: true });
    }
  }, [route.view]);

  const changeLocale = async (locale: 'en' | 'pt') => {
    try {
      await sessionStore.getState().setMyLocale(locale);
    } catch (error) {
      uiStore.getState().toast('error', errorText(RpcError.from(error)));
    }
  };

  let content: ReactNode;
  switch (isAllowed ? route.view : 'today') {
    case 'queue':
      content = <QueueView />;
      break;
    case 'patients':
      content = <PatientsView />;
      break;
    case 'book':
      content = <BookView />;
      break;
    case 'setup':
      content = <SetupView />;
      break;
    case 'settings':
      content = <SettingsView />;
      break;
    case 'audit':
      content = <AuditView />;
      break;
    case 'reports':
      content = <ReportsView />;
      break;
    default:
      content = <TodayView />;
  }

  return (
    <div className="shell" hidden={isHidden} inert={isHidden}>
      <a
        className="skip-link"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          mainRef.current?.focus();
        }}
      >
        {t('nav.skipToContent')}
      </a>
      <aside className="sidebar">
        <div className="sidebar-brand">
          <BrandMark size={30} />
          <div className="sidebar-brand-text">
            <span className="sidebar-product">{t('app.name')}</span>
            <span className="sidebar-clinic" title={clinicName}>
              {clinicName}
            </span>
          </div>
        </div>
        <nav className="sidebar-nav" aria-label={t('nav.label')}>
          <ul>
            {navItems
              .filter((navItem) => !navItem.method || may(role, navItem.method))
              .map((navItem) => {
                const isCurrent = route.view === navItem.view;
                return (
                  <li key={navItem.view}>
                    <a
                      href={`#/${navItem.view}`}
                      className={`nav-link ${isCurrent ? 'is-current' : ''}`}
                      aria-current={isCurrent ? 'page' : undefined}
                      data-testid={`nav-${navItem.view}`}
                      onClick={(event) => {
                        event.preventDefault();
                        uiStore.getState().navigate({ view: navItem.view });
                      }}
                    >
                      <Icon name={navItem.icon} size={18} />
                      <span className="nav-label">{t(isOwnQueue && navItem.doctorLabel ? navItem.doctorLabel : navItem.label)}</span>
                      <span className="nav-keys" aria-hidden="true">
                        {navItem.keys}
                      </span>
                    </a>
                  </li>
                );
              })}
          </ul>
        </nav>
        <div className="sidebar-footer">
          <button type="button" className="sidebar-help" onClick={() => uiStore.getState().setShortcutSheetOpen(true)}>
            <Icon name="keyboard" size={16} />
            <span>{t('commands.shortcuts')}</span>
            <KeyCombo keys="?" />
          </button>
        </div>
      </aside>

      <div className="shell-main">
        <header className="topbar">
          <button type="button" className="topbar-search" onClick={() => uiStore.getState().setPaletteOpen(true)} data-testid="open-palette">
            <Icon name="search" size={16} />
            <span className="topbar-search-text">{t('palette.trigger')}</span>
            <KeyCombo keys="Ctrl+K" />
          </button>
          <div className="spacer" />
          <SyncIndicator />
          {isDemo ? <Badge tone="warning">{t('common.demoClinic')}</Badge> : null}
          <LocaleSelect value={staff?.locale ?? 'en'} onChange={(locale) => void changeLocale(locale)} />
          <div className="topbar-user" data-testid="current-user">
            <Avatar name={staff?.displayName ?? ''} size="sm" />
            <div className="topbar-user-text">
              <span className="topbar-user-name">{staff?.displayName}</span>
              <span className="topbar-user-role">{role ? t(`roles.${role}`) : null}</span>
            </div>
          </div>
          <IconButton icon="lock" label={t('commands.lock')} onClick={() => sessionStore.getState().lock()} />
          <Button variant="ghost" icon="logOut" onClick={() => void sessionStore.getState().signOut()}>
            {t('auth.signOut')}
          </Button>
        </header>
        <PracticeLoadError />
        <main
          id="main"
          className="main"
          ref={mainRef}
          tabIndex={-1}
          aria-label={item ? t(isOwnQueue && item.doctorLabel ? item.doctorLabel : item.label) : undefined}
        >
          <ViewActionsProvider registry={viewActions}>{content}</ViewActionsProvider>
        </main>
      </div>
      <CommandPalette getContext={getContext} />
      <ShortcutSheet getContext={getContext} />
    </div>
  );
}

/** Reference data failing to load breaks several screens at once: say so once, at the top. */
function PracticeLoadError() {
  const { t } = useTranslation();
  const status = usePractice((state) => state.status);
  const error = usePractice((state) => state.error);
  const errorText = useErrorText();
  if (status !== 'error' || !error) return null;
  return (
    <div className="banner banner-danger" role="alert" data-testid="error-message">
      <Icon name="alert" size={16} />
      <span>
        {t('practice.loadFailed')} {errorText(error)}
      </span>
    </div>
  );
}
