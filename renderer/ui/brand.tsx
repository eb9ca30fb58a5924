/** The Front Desk mark: a rounded square with a cross, in the primary colour. */
export function BrandMark({ size = 32 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" className="brand-mark" focusable="false">
      <rect width="32" height="32" rx="8" className="brand-mark-bg" />
      <path d="M13 8h6v5h5v6h-5v5h-6v-5H8v-6h5z" className="brand-mark-cross" />
    </svg>
  );
}
