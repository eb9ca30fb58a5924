import { describe, expect, it } from 'vitest';
import { roles } from '../../shared/contract/method';
import { worksOwnQueue } from './own-queue';

describe('worksOwnQueue', () => {
  it('is the doctor’s view only, and nobody’s when signed out', () => {
    expect(roles.filter(worksOwnQueue)).toEqual(['doctor']);
    expect(worksOwnQueue(undefined)).toBe(false);
  });
});
