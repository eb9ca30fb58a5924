import { DateTime } from 'luxon';
import { foldText, phoneDigits, phoneVariants } from '../../shared/patients/patient-keys';

/** What a search box entry is taken to be. Only one reading is searched, so each stays cheap. */
export type SearchPlan =
  | { kind: 'name'; folded: string; tokens: string[]; emailPrefix: string | null; taxPrefix: string | null; code?: string }
  | { kind: 'digits'; digits: string; code?: string }
  | { kind: 'date'; day: string }
  | { kind: 'email'; prefix: string };

/** SQL text and its positional parameters, run as-is by the service and by the benchmark's reference. */
export interface SearchStatement {
  sql: string;
  parameters: Array<string | number>;
}

/** Which name words the full-text index intersects, and which are checked on the rows it yields. */
export interface TokenSplit {
  matched: string[];
  verified: string[];
}

/** More words than any real name has; a longer query keeps its most specific words. */
const MAX_NAME_TOKENS = 8;
/** E.164 numbers have at most 15 digits, and the phone-tail index holds the last 15, reversed. */
const MAX_TAIL_DIGITS = 15;
/** Above every character: `key >= p AND key < p || TOP` is "key starts with p". */
const TOP = '\u{10FFFF}';

// The indexed expressions of migration 0002, written the same way so SQLite matches them to
// the indexes (the plan tests in patients-search.test.ts would notice a difference).
const PHONE_TAIL = Array.from({ length: MAX_TAIL_DIGITS }, (_, index) => `substr(phone_digits, ${-(index + 1)}, 1)`).join(' || ');
const TAX_KEY = `upper(replace(replace(tax_id, ' ', ''), '-', ''))`;
const EMAIL_KEY = 'lower(email)';

/** Exported for the tests that check each one is served from its index. */
export const indexedExpressions = { PHONE_TAIL, TAX_KEY, EMAIL_KEY };

const isoDayPattern = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
// Day first, as dates are written in Portugal: 12/05/1990 is the 12th of May.
const dayFirstPattern = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
const phoneLikePattern = /^[\d\s+().-]+$/;
/** An appointment's kiosk code, as 0004 makes them: six of A–Z and 2–9 without I, L, O. */
const appointmentCodePattern = /^[A-HJKMNP-Z2-9]{6}$/;

/** The appointment code a query may be (upper-cased), as an optional plan field. */
function codeOf(trimmed: string): { code?: string } {
  const upper = trimmed.toUpperCase();
  return appointmentCodePattern.test(upper) ? { code: upper } : {};
}

function toDay(year: string, month: string, day: string): string | null {
  const date = DateTime.fromObject({ year: Number(year), month: Number(month), day: Number(day) }, { zone: 'utc' });
  return date.isValid ? date.toISODate() : null;
}

/** Folded name words, longest first when there are too many, without words another word already implies. */
export function nameTokens(folded: string): string[] {
  const unique = [...new Set(folded.split(' ').filter(Boolean))];
  // "mar" adds nothing next to "maria": every match of "maria"* also matches "mar"*.
  const needed = unique.filter((token) => !unique.some((other) => other !== token && other.startsWith(token)));
  if (needed.length <= MAX_NAME_TOKENS) return needed;
  return [...needed].sort((a, b) => b.length - a.length).slice(0, MAX_NAME_TOKENS);
}

export function planSearch(query: string): SearchPlan | null {
  const trimmed = query.trim();
  if (!trimmed) return null;

  const iso = isoDayPattern.exec(trimmed);
  const dayFirst = iso ? null : dayFirstPattern.exec(trimmed);
  const day = iso ? toDay(iso[1]!, iso[2]!, iso[3]!) : dayFirst ? toDay(dayFirst[3]!, dayFirst[2]!, dayFirst[1]!) : null;
  if (day) return { kind: 'date', day };

  if (trimmed.includes('@')) return { kind: 'email', prefix: asciiLower(trimmed) };

  if (phoneLikePattern.test(trimmed)) {
    const digits = phoneDigits(trimmed);
    if (digits) return { kind: 'digits', digits: digits.slice(0, 30), ...codeOf(trimmed) };
  }

  const folded = foldText(trimmed).slice(0, 200);
  const tokens = nameTokens(folded);
  if (tokens.length === 0) return null;
  const isOneWord = !/\s/.test(trimmed);
  const taxLike = isOneWord && /\d/.test(trimmed) ? trimmed.toUpperCase().replace(/[\s-]/g, '') : null;
  return { kind: 'name', folded, tokens, emailPrefix: isOneWord ? asciiLower(trimmed) : null, taxPrefix: taxLike, ...codeOf(trimmed) };
}

/** SQLite's lower() folds ASCII only; the query must be folded the same way as the e-mail index. */
function asciiLower(value: string): string {
  return value.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

function ftsPhrase(token: string, isPrefix: boolean): string {
  return `"${token.replace(/"/g, '""')}"${isPrefix ? '*' : ''}`;
}

// Intersecting posting lists walks every list nearly whole, and common words (silva, maria, da)
// have hundreds of thousands of entries; checking a word on a row costs a row fetch. With three
// or more words the cheaper mix is chosen from each word's measured density.
const PROBE_DEPTH = 64;
const WALK_NS_PER_ENTRY = 18;
const CHECK_NS_PER_ROW = 5_000;

export function needsProbe(plan: SearchPlan): plan is Extract<SearchPlan, { kind: 'name' }> {
  return plan.kind === 'name' && plan.tokens.length >= 3;
}

/**
 * How dense each word is, cheaply: the id of its 64th match (NULL when fewer match) and the
 * highest id. Ids grow with time and names do not, so 64 / id-of-64th ≈ the share of patients.
 */
export function buildProbeStatement(tokens: string[]): SearchStatement {
  const probes = tokens.map(
    (_, index) => `(SELECT rowid FROM patient_name_search WHERE patient_name_search MATCH ? ORDER BY rowid LIMIT 1 OFFSET ${PROBE_DEPTH - 1}) AS t${index}`,
  );
  return {
    sql: `SELECT ${probes.join(', ')}, (SELECT coalesce(max(id), 0) FROM patients) AS n`,
    parameters: tokens.map((token) => ftsPhrase(token, true)),
  };
}

/** Intersects the sparsest words in the index and checks the rest on the rows, whichever costs least. */
export function splitTokens(tokens: string[], probe: Record<string, unknown>): TokenSplit {
  const total = Math.max(1, Number(probe.n) || 1);
  const densities = tokens.map((token, index) => {
    const nth = probe[`t${index}`];
    const density = Math.min(1, typeof nth === 'number' && nth > 0 ? PROBE_DEPTH / nth : PROBE_DEPTH / 2 / total);
    return { token, density };
  });
  densities.sort((a, b) => a.density - b.density || a.token.localeCompare(b.token));
  let best = { cost: Infinity, count: densities.length };
  let walked = 0;
  let candidates = total;
  for (let count = 1; count <= densities.length; count++) {
    const { density } = densities[count - 1]!;
    walked += total * density;
    candidates *= density;
    const cost = walked * WALK_NS_PER_ENTRY + candidates * CHECK_NS_PER_ROW;
    if (cost < best.cost) best = { cost, count };
  }
  return {
    matched: densities.slice(0, best.count).map((entry) => entry.token),
    verified: densities.slice(best.count).map((entry) => entry.token),
  };
}

/**
 * The one statement a search runs. Each way of matching is a sub-select that stops at the
 * limit (an index range, or the full-text index in rowid order), tagged with its rank; the
 * best rank per patient wins, then name order. So no search ranks every match: the cost is
 * bounded by the limit, not by how many of a million patients share a prefix.
 *
 * Ranks, best first:
 *  code  -1 the patient of the appointment with that kiosk code (one row, from its unique index)
 *  names  0 the full name starts with what was typed, ending on a whole word ("maria" → Maria João);
 *         1 every word is a whole word of the name (Ana Maria); 2 the full name starts with what was
 *         typed (Mariana); 3 every word starts a word of the full or preferred name;
 *         4 e-mail or tax id starts with it
 *  digits 0 the whole phone number or tax id; 1 phone or tax id starts with it; 2 phone ends with it
 *  date   0 born that day
 *  email  0 e-mail starts with it
 */
export function buildSearchStatement(plan: SearchPlan, limit: number, split?: TokenSplit): SearchStatement {
  const parts: string[] = [];
  const parameters: Array<string | number> = [];
  const add = (rank: number, select: string, ...values: Array<string | number>) => {
    parts.push(`SELECT id, ${rank} AS rank FROM (${select} LIMIT ?)`);
    parameters.push(...values, limit);
  };
  const range = (key: string) => `SELECT id FROM patients WHERE (${key}) >= ? AND (${key}) < ? AND (${key}) <> '' ORDER BY (${key})`;

  if ((plan.kind === 'name' || plan.kind === 'digits') && plan.code) {
    add(-1, `SELECT patient_id AS id FROM appointments WHERE code = ?`, plan.code);
  }

  switch (plan.kind) {
    case 'name': {
      add(2, `SELECT id FROM patients WHERE name_key >= ? AND name_key < ? ORDER BY name_key`, plan.folded, plan.folded + TOP);
      const search = `SELECT rowid AS id FROM patient_name_search WHERE patient_name_search MATCH ? ORDER BY rowid`;
      // With several words the whole-word pass would walk the same long lists a second time;
      // their whole-word matches are ranked from the prefix pass's rows instead (see below).
      if (plan.tokens.length === 1) add(1, search, ftsPhrase(plan.tokens[0]!, false));
      const matched = split?.matched ?? plan.tokens;
      const verified = split?.verified ?? [];
      const prefix = matched.map((token) => ftsPhrase(token, true)).join(' ');
      if (verified.length === 0) {
        add(3, search, prefix);
      } else {
        // A word starts a word of the folded full name, or of the preferred name: plain ASCII
        // ones are folded by lower(); any other is asked of the index for that one row.
        const check = `(instr(' ' || p.name_key, ?) > 0 OR (p.preferred_name <> '' AND (instr(' ' || lower(p.preferred_name), ?) > 0
          OR (p.preferred_name GLOB '*[^ a-zA-Z0-9]*' AND EXISTS (SELECT 1 FROM patient_name_search AS one
            WHERE one.patient_name_search MATCH ? AND one.rowid = p.id)))))`;
        add(
          3,
          `SELECT s.rowid AS id FROM patient_name_search AS s JOIN patients AS p ON p.id = s.rowid
           WHERE s.patient_name_search MATCH ? AND ${verified.map(() => check).join(' AND ')} ORDER BY s.rowid`,
          prefix,
          ...verified.flatMap((token) => [` ${token}`, ` ${token}`, ftsPhrase(token, true)]),
        );
      }
      if (plan.emailPrefix) add(4, range(EMAIL_KEY), plan.emailPrefix, plan.emailPrefix + TOP);
      if (plan.taxPrefix) add(4, range(TAX_KEY), plan.taxPrefix, plan.taxPrefix + TOP);
      break;
    }
    case 'digits': {
      const variants = phoneVariants(plan.digits);
      add(0, `SELECT id FROM patients WHERE phone_digits IN (${variants.map(() => '?').join(', ')}) AND phone_digits <> ''`, ...variants);
      add(0, `SELECT id FROM patients WHERE (${TAX_KEY}) = ? AND (${TAX_KEY}) <> ''`, plan.digits);
      for (const variant of variants) add(1, range('phone_digits'), variant, variant + TOP);
      add(1, range(TAX_KEY), plan.digits, plan.digits + TOP);
      const tail = [...plan.digits.slice(-MAX_TAIL_DIGITS)].reverse().join('');
      add(2, range(PHONE_TAIL), tail, tail + TOP);
      break;
    }
    case 'date':
      add(0, `SELECT id FROM patients WHERE date_of_birth = ? ORDER BY name_key`, plan.day);
      break;
    case 'email':
      add(0, range(EMAIL_KEY), plan.prefix, plan.prefix + TOP);
      break;
  }

  // Whole words are told apart on the few rows found: the folded name starts with what was
  // typed followed by a space, or has every word space-delimited.
  let rank = 'best.rank';
  if (plan.kind === 'name') {
    const checks = plan.tokens.map(() => `instr(' ' || p.name_key || ' ', ?) > 0`).join(' AND ');
    rank = `CASE WHEN best.rank < 0 THEN best.rank WHEN instr(p.name_key || ' ', ?) = 1 THEN 0 WHEN ${checks} THEN 1 ELSE best.rank END`;
    parameters.push(`${plan.folded} `, ...plan.tokens.map((token) => ` ${token} `));
  }
  parameters.push(limit);

  const sql = `WITH hits (id, rank) AS (${parts.join(' UNION ALL ')})
SELECT p.id, p.full_name, p.preferred_name, p.date_of_birth, p.phone, p.tax_id, p.email, ${rank} AS rank
FROM (SELECT id, min(rank) AS rank FROM hits GROUP BY id) AS best
JOIN patients AS p ON p.id = best.id
WHERE p.merged_into_id IS NULL
ORDER BY rank, p.name_key, p.id
LIMIT ?`;
  return { sql, parameters };
}
