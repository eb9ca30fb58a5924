import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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

  it('only the Electron shell imports electron', () => {
    for (const folder of ['electron', 'shared', 'renderer']) {
      for (const file of sourceFiles(folder)) {
        if (file.startsWith('electron/shell/')) continue;
        for (const spec of imports(file)) expect(/^electron(\/|$)/.test(spec), `${file} imports ${spec}`).toBe(false);
      }
    }
  });
});
