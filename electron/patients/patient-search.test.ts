import { describe, expect, it } from 'vitest';
import { buildProbeStatement, buildSearchStatement, nameTokens, needsProbe, planSearch, splitTokens } from './patient-search';

describe('planSearch', () => {
  it('reads the three date formats, day first', () => {
    for (const query of ['1990-05-12', '12/05/1990', '12-05-1990', ' 12.05.1990 ', '12/5/1990']) {
      expect(planSearch(query)).toEqual({ kind: 'date', day: '1990-05-12' });
    }
  });

  it('does not take an impossible date for a date', () => {
    expect(planSearch('31/02/1990')?.kind).not.toBe('date');
    expect(planSearch('1990-13-01')?.kind).toBe('digits');
  });

  it('takes digits with phone punctuation as digits', () => {
    expect(planSearch('+351 912-345 678')).toEqual({ kind: 'digits', digits: '351912345678' });
    expect(planSearch('5678')).toEqual({ kind: 'digits', digits: '5678' });
  });

  it('takes anything with an @ as an e-mail prefix, lower-cased like SQLite does', () => {
    expect(planSearch('Joao.Silva@G')).toEqual({ kind: 'email', prefix: 'joao.silva@g' });
  });

  it('folds names and looks up one-word queries as e-mail and tax id prefixes too', () => {
    expect(planSearch('  CONCEIÇÃO  ')).toEqual({ kind: 'name', folded: 'conceicao', tokens: ['conceicao'], emailPrefix: 'conceiÇÃo', taxPrefix: null });
    expect(planSearch('PT-123')).toMatchObject({ kind: 'name', tokens: ['pt', '123'], taxPrefix: 'PT123' });
    expect(planSearch('maria silva')).toMatchObject({ kind: 'name', tokens: ['maria', 'silva'], emailPrefix: null });
  });

  it('finds nothing to search in blank or symbol-only input', () => {
    for (const query of ['', '   ', '"', '*', '🙂🙂', '\'";--']) expect(planSearch(query)).toBeNull();
  });

  it('also reads six characters of the kiosk alphabet as an appointment code', () => {
    expect(planSearch(' btw877 ')).toMatchObject({ kind: 'name', code: 'BTW877' });
    expect(planSearch('234567')).toMatchObject({ kind: 'digits', digits: '234567', code: '234567' });
    // I, L, O, 0 and 1 are never in a code; nor are five or seven characters.
    for (const query of ['ILOVE2', 'BTW870', 'BTW87', 'BTW8777', 'btw 877']) expect(planSearch(query), query).not.toHaveProperty('code');
  });
});

describe('nameTokens', () => {
  it('drops repeated words and words that another word already implies', () => {
    expect(nameTokens('mar maria maria silva s')).toEqual(['maria', 'silva']);
  });

  it('keeps the eight longest words of an absurdly long query', () => {
    const tokens = nameTokens('a bb ccc dddd eeeee ffffff ggggggg hhhhhhhh iiiiiiiii jjjjjjjjjj');
    expect(tokens).toHaveLength(8);
    expect(tokens).not.toContain('a');
    expect(tokens).not.toContain('bb');
  });
});

describe('splitTokens', () => {
  it('intersects the sparse words and checks the common ones on the rows', () => {
    // 64th match at id: rare word never reaches 64, "silva" every 5th patient, "costa" every 25th.
    const split = splitTokens(['silva', 'costa', 'bettencourt'], { t0: 320, t1: 1600, t2: null, n: 1_000_000 });
    expect(split.matched[0]).toBe('bettencourt');
    expect(split.verified).toContain('silva');
  });

  it('intersects every word when all of them are rare', () => {
    const split = splitTokens(['ana', 'joana', 'ribeiro'], { t0: null, t1: null, t2: null, n: 1000 });
    expect(split.verified).toEqual([]);
    expect(split.matched.sort()).toEqual(['ana', 'joana', 'ribeiro']);
  });
});

describe('buildSearchStatement', () => {
  it('passes every user-typed value as a parameter, never as SQL text', () => {
    const hostile = `x'); DROP TABLE patients; --`;
    const plan = planSearch(hostile)!;
    const statement = buildSearchStatement(plan, 20);
    expect(statement.sql).not.toContain('DROP');
    expect(statement.sql.split('?').length - 1).toBe(statement.parameters.length);
  });

  it('quotes each word for the full-text index', () => {
    const plan = planSearch('or NEAR( "')!;
    expect(needsProbe(plan)).toBe(false);
    expect(buildSearchStatement(plan, 20).parameters).toContain('"or"* "near"*');
    expect(buildProbeStatement(['or', 'near', 'and']).parameters).toEqual(['"or"*', '"near"*', '"and"*']);
  });
});
