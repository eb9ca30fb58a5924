import { describe, expect, it } from 'vitest';
import { createI18n } from '../i18n/i18n';
import { commands } from './commands';
import { orderPalette, rankLabel } from './palette-rank';

const SEARCH = 'patients.searchFor';

function order(query: string, locale: 'en' | 'pt' = 'en'): string[] {
  const i18n = createI18n(locale);
  const ids = commands.filter((command) => command.id !== 'palette.open').map((command) => command.id);
  const labelOf = (id: string) => i18n.t(commands.find((command) => command.id === id)!.label);
  return orderPalette(query, ids, labelOf, query.trim().length >= 2 ? SEARCH : null);
}

describe('the command palette’s order', () => {
  it('runs an exact command on Enter: "queue" is the queue, not a search for a patient called Queue', () => {
    expect(order('queue')[0]).toBe('go.queue');
    expect(order('Queue ')[0]).toBe('go.queue');
    expect(order('fila', 'pt')[0]).toBe('go.queue');
    expect(order('quadro', 'pt')[0]).toBe('go.today');
    expect(order('que')[0]).toBe('go.queue');
  });

  it('falls back to searching patients for a name, with commands that merely contain it after', () => {
    expect(order('Rita Rocha')).toEqual([SEARCH]);
    const partial = order('ook');
    expect(partial[0]).toBe(SEARCH);
    expect(partial).toContain('go.book');
  });

  it('ranks a whole word over a word’s start over the inside, ignoring accents', () => {
    expect(rankLabel('Go to the queue', 'queue')).toBe(0);
    expect(rankLabel('Ir para utentes', 'UTENTES')).toBe(0);
    expect(rankLabel('Pesquisar utentes', 'pesquisa')).toBe(1);
    expect(rankLabel('Go to booking', 'ook')).toBe(2);
    expect(rankLabel('Go to booking', 'zzz')).toBeNull();
    expect(rankLabel('Sincronização', 'sincronizacao')).toBe(0);
  });
});
