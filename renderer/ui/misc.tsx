import type { ReactNode } from 'react';
import { Icon, type IconName } from './icons';
import { initialsOf } from './initials';

export type Tone = 'neutral' | 'primary' | 'info' | 'success' | 'warning' | 'danger';

export function Badge({ tone = 'neutral', children, className, ...rest }: { tone?: Tone; children: ReactNode; className?: string; title?: string }) {
  return (
    <span className={`badge badge-${tone} ${className ?? ''}`} {...rest}>
      {children}
    </span>
  );
}

export function EmptyState({
  icon = 'info',
  title,
  children,
  action,
  compact = false,
}: {
  icon?: IconName;
  title: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
  compact?: boolean;
}) {
  return (
    <div className={`empty-state ${compact ? 'is-compact' : ''}`}>
      <span className="empty-state-icon">
        <Icon name={icon} size={compact ? 18 : 22} />
      </span>
      <p className="empty-state-title">{title}</p>
      {children ? <p className="empty-state-text">{children}</p> : null}
      {action ? <div className="empty-state-action">{action}</div> : null}
    </div>
  );
}

export function Card({
  children,
  className,
  as: Tag = 'section',
  ...rest
}: {
  children: ReactNode;
  className?: string;
  as?: 'section' | 'div' | 'article';
  'aria-labelledby'?: string;
  'aria-label'?: string;
}) {
  return (
    <Tag className={`card ${className ?? ''}`} {...rest}>
      {children}
    </Tag>
  );
}

export function CardHeader({ title, subtitle, actions, titleId }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode; titleId?: string }) {
  return (
    <header className="card-header">
      <div className="card-header-text">
        <h2 className="card-title" id={titleId}>
          {title}
        </h2>
        {subtitle ? <p className="card-subtitle">{subtitle}</p> : null}
      </div>
      {actions ? <div className="card-actions">{actions}</div> : null}
    </header>
  );
}

export function PageHeader({ title, subtitle, actions, children }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-header">
      <div className="page-header-main">
        <div className="page-header-text">
          <h1>{title}</h1>
          {subtitle ? <p className="page-subtitle">{subtitle}</p> : null}
        </div>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
      {children}
    </header>
  );
}

export function Kbd({ children }: { children: ReactNode }) {
  return <kbd className="kbd">{children}</kbd>;
}

/** Shows a shortcut like "g t" or "Ctrl+K" as key caps. */
export function KeyCombo({ keys }: { keys: string }) {
  const chords = keys.split(' ');
  return (
    <span className="key-combo">
      {chords.map((chord, index) => (
        <span key={index} className="key-chord">
          {chord.split('+').map((key) => (
            <Kbd key={key}>{key}</Kbd>
          ))}
        </span>
      ))}
    </span>
  );
}

export function Avatar({ name, size = 'md' }: { name: string; size?: 'sm' | 'md' | 'lg' }) {
  const initials = initialsOf(name);
  return (
    <span className={`avatar avatar-${size}`} aria-hidden="true">
      {initials || '?'}
    </span>
  );
}
