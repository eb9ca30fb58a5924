import type { ButtonHTMLAttributes, Ref } from 'react';
import { Icon, type IconName } from './icons';
import { Spinner } from './spinner';

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger' | 'danger-ghost';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: 'md' | 'sm' | 'lg';
  icon?: IconName;
  /** Keeps the button's width while the action runs, so nothing around it moves. */
  isBusy?: boolean;
  ref?: Ref<HTMLButtonElement>;
}

export function Button({ variant = 'secondary', size = 'md', icon, isBusy = false, className, children, disabled, type = 'button', ...rest }: ButtonProps) {
  const classes = ['btn', `btn-${variant}`, `btn-${size}`, isBusy ? 'is-busy' : '', className ?? ''].filter(Boolean).join(' ');
  return (
    <button type={type} className={classes} disabled={disabled || isBusy} aria-busy={isBusy || undefined} {...rest}>
      {icon ? <Icon name={icon} size={size === 'sm' ? 14 : 16} /> : null}
      {children !== undefined && children !== null ? <span className="btn-label">{children}</span> : null}
      {isBusy ? (
        <span className="btn-spinner">
          <Spinner size="sm" />
        </span>
      ) : null}
    </button>
  );
}

/** A square button with only an icon; `label` is its accessible name and tooltip. */
export function IconButton({
  icon,
  label,
  variant = 'ghost',
  size = 'md',
  className,
  ...rest
}: Omit<ButtonProps, 'children' | 'icon'> & { icon: IconName; label: string }) {
  return <Button variant={variant} size={size} icon={icon} aria-label={label} title={label} className={`btn-icon ${className ?? ''}`} {...rest} />;
}
