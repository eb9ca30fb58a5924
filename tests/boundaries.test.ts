import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');

function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, folder))) {
    const path = join(folder, entry);
    if (statSync(join(root, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx)$/.test(entry) && !/\.test\.tsx?$/.test(entry)) out.push(path);
  }
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"`]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (match) => match[1] ?? match[2] ?? match[3]!,
  );
}

const nodeOrNative = /^(node:|electron$|electron\/|better-sqlite3|kysely|@aws-sdk|fs$|path$|os$|child_process$|crypto$|http$|net$)/;

/**
 * Who may do what in the UI comes from the contract's `access`, through may()/useMay()
 * (renderer/auth/may.ts, use-may.ts), never from a role list kept in a component. These
 * spot a copy coming back: a staff role's name written out ('admin' …), a lookup of the
 * role in a list (`.includes(role)`), a list of roles (`Role[]`).
 */
const roleChecks: ReadonlyArray<{ what: string; pattern: RegExp }> = [
  { what: 'names a staff role', pattern: /(['"`])(?:admin|receptionist|doctor)\1/g },
  { what: 'looks the role up in a list', pattern: /\.includes\(\s*[\w.?]*\brole\s*\)/g },
  { what: 'keeps a list of roles', pattern: /\bRole\[\]/g },
];

/** The few places a role is looked at for a reason other than permission (matched by path end, so a file may change folders). */
const roleCheckAllowed: ReadonlyArray<{ file: string; line: string; why: string }> = [
  { file: 'auth/may.ts', line: 'access.includes(role)', why: 'the one place the contract’s access is read' },
  { file: 'auth/own-queue.ts', line: "role === 'doctor'", why: 'a doctor’s queue screen is their own: a view, not a permission' },
  {
    file: '/staff-section.tsx',
    line: "values.role === 'doctor' && !values.practitionerId",
    why: 'the staff form: a doctor account being created or edited needs a practitioner',
  },
  { file: '/staff-section.tsx', line: "role: 'receptionist'", why: 'the staff form: the new account’s default role' },
];

function roleChecksIn(file: string, text: string): Array<{ at: string; what: string; allowed: (typeof roleCheckAllowed)[number] | undefined }> {
  const lines = text.split('\n');
  const found: Array<{ at: string; what: string; allowed: (typeof roleCheckAllowed)[number] | undefined }> = [];
  for (const { what, pattern } of roleChecks) {
    for (const match of text.matchAll(pattern)) {
      const index = text.slice(0, match.index).split('\n').length - 1;
      const line = lines[index]!;
      const allowed = roleCheckAllowed.find((entry) => file.endsWith(entry.file) && line.includes(entry.line));
      found.push({ at: `${file}:${index + 1}: ${line.trim()} (${what})`, what, allowed });
    }
  }
  return found;
}

/** `electron/<feature>/…` → the feature; paths with `/` whatever the platform. */
const posix = (path: string) => path.split(sep).join('/');
const featureOf = (file: string) => posix(file).split('/')[1];

/** A query: a Kysely builder, a sql`` template (typed or not), a raw compiled query, a raw better-sqlite3 statement. */
const query =
  /\.(selectFrom|insertInto|updateTable|deleteFrom)\(|\bsql(<[^`]*?>)?`|CompiledQuery\.raw\(|\.prepare\(\s*[`'"]\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/;

/**
 * Where a query may be written besides a *.repository.ts, and why:
 * - electron/db/: the database itself (opening it, the migrations with their views and
 *   triggers, the prepared-query helper the repositories use);
 * - electron/demo/: seeding the demo clinic, a bulk fill of every feature's tables in an empty
 *   database (the patient generator even sets indexes aside), not a feature's own data access;
 * - *fixtures.ts: helpers of the tests that are not *.test.ts files themselves.
 */
function mayWriteQueries(file: string): boolean {
  const path = posix(file);
  return path.endsWith('.repository.ts') || path.startsWith('electron/db/') || path.startsWith('electron/demo/') || path.endsWith('fixtures.ts');
}

describe('architecture boundaries', () => {
  it('shared/ imports neither Node, Electron, the database nor AWS', () => {
    for (const file of sourceFiles('shared')) {
      for (const spec of imports(file)) {
        expect(nodeOrNative.test(spec), `${file} imports ${spec}`).toBe(false);
        expect(spec.includes('/electron/') || spec.includes('/renderer/'), `${file} imports ${spec}`).toBe(false);
      }
    }
  });

  it('renderer/ imports only shared/ and UI libraries', () => {
    for (const file of sourceFiles('renderer')) {
      for (const spec of imports(file)) {
        expect(nodeOrNative.test(spec), `${file} imports ${spec}`).toBe(false);
        if (spec.startsWith('.')) {
          const target = relative(root, join(root, file, '..', spec));
          expect(target.startsWith('renderer') || target.startsWith('shared'), `${file} imports ${spec}`).toBe(true);
        }
      }
    }
  });

  it('renderer/ decides who may do what through may()/useMay(), not by comparing roles', () => {
    const used = new Set<(typeof roleCheckAllowed)[number]>();
    const copies: string[] = [];
    for (const file of sourceFiles('renderer')) {
      for (const check of roleChecksIn(file, readFileSync(join(root, file), 'utf8'))) {
        if (check.allowed) used.add(check.allowed);
        else copies.push(check.at);
      }
    }
    expect(copies, 'ask useMay(method) (components) or may(role, method) (plain code) about the method the element calls').toEqual([]);
    // An allowance no longer needed goes, so it cannot cover a new copy later.
    expect(roleCheckAllowed.filter((entry) => !used.has(entry)).map((entry) => `${entry.file}: ${entry.line}`)).toEqual([]);
  });

  it('spots a role check or a role list, and lets a method check through', () => {
    const spotted = (text: string) => roleChecksIn('renderer/x/view.tsx', text).map((check) => check.what);
    expect(spotted('const canEdit = role === \'admin\' || role === "receptionist";')).toEqual(['names a staff role', 'names a staff role']);
    expect(spotted('const desk: readonly Role[] = DESK;\nif (desk.includes(staff?.role)) show();')).toEqual([
      'looks the role up in a list',
      'keeps a list of roles',
    ]);
    expect(spotted('roles: [\n  `doctor`,\n]')).toEqual(['names a staff role']);
    expect(spotted("const canEdit = useMay('patients.update');\nt(`roles.${role}`);\nrole === 'display';")).toEqual([]);
  });

  it('only the Electron shell imports electron', () => {
    for (const folder of ['electron', 'shared', 'renderer']) {
      for (const file of sourceFiles(folder)) {
        if (file.startsWith('electron/shell/')) continue;
        for (const spec of imports(file)) expect(/^electron(\/|$)/.test(spec), `${file} imports ${spec}`).toBe(false);
      }
    }
  });

  it("a feature's handlers never import another feature's handlers (shared logic lives in a service)", () => {
    for (const file of sourceFiles('electron').filter((path) => path.endsWith('.handlers.ts'))) {
      for (const spec of imports(file)) {
        if (!spec.startsWith('.')) continue;
        const target = relative(root, join(root, file, '..', spec));
        const isOtherHandlers = /\.handlers(\.ts)?$/.test(target) && featureOf(target) !== featureOf(file);
        expect(isOtherHandlers, `${file} imports ${spec}`).toBe(false);
      }
    }
  });

  it('queries are written only in repositories (and the few places listed)', () => {
    const offenders = sourceFiles('electron')
      .filter((file) => !mayWriteQueries(file) && query.test(readFileSync(join(root, file), 'utf8')))
      .map(posix);
    expect(offenders, "move these queries into the feature's *.repository.ts").toEqual([]);
  });

  it('spots a query, built, templated or raw, and lets other code through', () => {
    const queries = [
      "db.selectFrom('staff')",
      'trx.insertInto(table)',
      "db.updateTable('x')",
      "trx.deleteFrom('x')",
      'sql`SELECT 1`',
      'sql<{ n: number }>`SELECT 1`',
      'CompiledQuery.raw(text, [])',
      'sqlite.prepare(`SELECT id FROM devices`)',
    ];
    for (const text of queries) expect(query.test(text), text).toBe(true);
    for (const text of ['findStaffById(db, id)', 'const sqlText = `x`', 'pattern.exec(text)', 'sqlite.prepare(statement)', "selectFrom('staff')"])
      expect(query.test(text), text).toBe(false);
  });
});
