export function Spinner({ size = 'md', label }: { size?: 'sm' | 'md' | 'lg'; label?: string }) {
  return <span className={`spinner spinner-${size}`} role={label ? 'status' : undefined} aria-label={label} aria-hidden={label ? undefined : true} />;
}

/** A grey placeholder block with the size of what is loading, so the page does not jump when it arrives. */
export function Skeleton({ variant = 'line', className }: { variant?: 'line' | 'title' | 'block' | 'card' | 'row'; className?: string }) {
  return <span className={`skeleton skeleton-${variant} ${className ?? ''}`} aria-hidden="true" />;
}

export function SkeletonList({ rows = 5, variant = 'row', label }: { rows?: number; variant?: 'row' | 'card' | 'line'; label: string }) {
  return (
    <div className="skeleton-list" role="status" aria-label={label}>
      {Array.from({ length: rows }, (_, index) => (
        <Skeleton key={index} variant={variant} />
      ))}
    </div>
  );
}
