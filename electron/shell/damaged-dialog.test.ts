import { describe, expect, it } from 'vitest';
import { damagedDialogWords } from './damaged-dialog';

describe('the damaged-database dialog', () => {
  it('offers the backup in the computer’s language', () => {
    expect(damagedDialogWords('pt-PT', '/b/front-desk-x.db')).toMatchObject({ buttons: ['Repor a cópia', 'Sair'] });
    const en = damagedDialogWords('en-GB', '/b/front-desk-x.db');
    expect(en.buttons).toEqual(['Restore the backup', 'Quit']);
    expect(en.detail).toContain('/b/front-desk-x.db');
  });
});
