import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from './password';

/**
 * scrypt at OWASP's minimum cost or above (N=2^17, r=8, p=1); a hash keeps its parameters,
 * so one made at an older, lower cost still verifies and is known to need re-hashing.
 */
describe('password hashes', () => {
  it('hashes at N=2^17, r=8, p=1 by default, and verifies', async () => {
    const stored = await hashPassword('correct horse');
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[^$]+\$[^$]+$/);
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('correct hors', stored)).toBe(false);
    expect(needsRehash(stored)).toBe(false);
  });

  it('still verifies a hash made at the old cost (N=2^15), which needs re-hashing', async () => {
    const old = await hashPassword('correct horse', { N: 2 ** 15, r: 8, p: 1 });
    expect(old.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
  });
});
