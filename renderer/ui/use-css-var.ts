import { useLayoutEffect, type RefObject } from 'react';

/**
 * Sets a CSS custom property through the CSSOM. The app's CSP (`style-src 'self'`) forbids
 * inline style attributes but not this, so a practitioner's colour can still reach CSS.
 */
export function useCssVar(ref: RefObject<HTMLElement | null>, name: string, value: string | undefined) {
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    if (value && /^#[0-9a-fA-F]{6}$/.test(value)) element.style.setProperty(name, value);
    else element.style.removeProperty(name);
  }, [ref, name, value]);
}
