import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * A clone anywhere passes its tests: no test, benchmark or script reads a path outside the
 * repository (our own machines keep a `../shared` folder beside it that CI's and a new
 * engineer's do not). Every relative path written in code is resolved from its file and
 * must stay inside; a path built from `'..'` segments that climbs out is caught as well.
 */
const root = resolve(__dirname, '..');

function trackedCode(): string[] {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\n');
  return files.filter((file) => /\.(ts|tsx|mjs|cjs|js)$/.test(file) || file === '.ci/run' || file === 'package.json');
}

const isInside = (path: string) => path === root || path.startsWith(root + sep);

/** Relative paths written as string literals ('../x', "../../y"), resolved from the file. */
export function escapingLiterals(file: string, text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(['"`])((?:\.\.\/)+[^'"`\s*]*)\1/g)) {
    const target = resolve(root, dirname(file), match[2]!);
    if (!isInside(target)) found.push(match[2]!);
  }
  // A folder found from the file (new URL('..', import.meta.url), __dirname), then '..' segments.
  const climbing = /(?:new URL\('((?:\.\.\/?)*|\.\/?)',\s*import\.meta\.url\)\)|__dirname)((?:\s*,\s*'\.\.')+)/g;
  for (const match of text.matchAll(climbing)) {
    const start = resolve(root, dirname(file), match[1] ?? '.');
    const climbs = (match[2]!.match(/'\.\.'/g) ?? []).length;
    if (!isInside(resolve(start, ...Array<string>(climbs).fill('..')))) found.push(match[0]);
  }
  if (/shared\/fixtures|'shared',\s*'fixtures'/.test(text)) found.push('shared/fixtures');
  return found;
}

describe('the repository stands alone', () => {
  it('has no test, benchmark or script that reaches outside it', () => {
    const offenders: string[] = [];
    for (const file of trackedCode()) {
      if (file === 'tests/self-contained.test.ts') continue;
      const text = readFileSync(join(root, file), 'utf8');
      for (const path of escapingLiterals(file, text)) offenders.push(`${file}: ${path}`);
    }
    expect(offenders, 'copy what the code needs into the repository (e.g. tests/fixtures/)').toEqual([]);
  });

  it('would notice a path that climbs out', () => {
    // Spelled in two parts so that no scan of this repository mistakes the example for a real reference.
    const outside = '../../../' + 'shared/fixtures/faces/';
    expect(escapingLiterals('tests/aws/x.ts', `new URL('${outside}', import.meta.url)`)).not.toEqual([]);
    expect(escapingLiterals('bench/x.ts', "resolve(fileURLToPath(new URL('..', import.meta.url)), '..', 'elsewhere', 'a.y4m')")).not.toEqual([]);
    expect(escapingLiterals('tests/x.ts', "join(__dirname, '..', '..', 'shared')")).not.toEqual([]);
    expect(escapingLiterals('bench/x.ts', "resolve(fileURLToPath(new URL('..', import.meta.url)), 'tests', 'fixtures')")).toEqual([]);
    expect(escapingLiterals('tests/aws/x.ts', "import { a } from '../../electron/db/schema';")).toEqual([]);
    expect(relative(root, resolve(root, 'tests', '..'))).toBe('');
  });
});
