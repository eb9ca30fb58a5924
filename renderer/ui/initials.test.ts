import { describe, expect, it } from 'vitest';
import { firstGrapheme, initialsOf } from './initials';

describe('initials', () => {
  it('takes the first and last words, leaving out titles', () => {
    expect(initialsOf('Ana Sofia Costa')).toBe('AC');
    expect(initialsOf('Dr.ª Inês Carvalho')).toBe('IC');
    expect(initialsOf('  élia  ')).toBe('É');
    expect(initialsOf('')).toBe('');
  });

  it('keeps a name that starts with an emoji whole, not half a surrogate pair', () => {
    for (const name of ['😀 Ana', '👩‍⚕️ Rita Rocha', '🇵🇹 Nuno', '🙂Rui Sá']) {
      const initials = initialsOf(name);
      // No lone surrogate: the text survives a round trip through UTF-8.
      expect(new TextDecoder().decode(new TextEncoder().encode(initials))).toBe(initials);
      expect(initials).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
    expect(initialsOf('😀 Ana')).toBe('😀A');
    expect(initialsOf('👩‍⚕️ Rita Rocha')).toBe('👩‍⚕️R');
    expect(firstGrapheme('🇵🇹 Nuno')).toBe('🇵🇹');
    expect(firstGrapheme('e\u0301lia')).toBe('e\u0301');
  });
});
