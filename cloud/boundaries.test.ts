import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');

/** The cloud is another program: it shares the wire contract (shared/), never the app's code. */
describe('cloud/ boundaries', () => {
  it('imports only shared/, its own files, Node and its libraries', () => {
    const files = readdirSync(join(root, 'cloud')).filter((name) => /\.ts$/.test(name));
    expect(files.length).toBeGreaterThan(5);
    for (const name of files) {
      const text = readFileSync(join(root, 'cloud', name), 'utf8');
      for (const [, spec] of text.matchAll(/from\s+'([^']+)'/g)) {
        if (!spec!.startsWith('.')) {
          expect(/^(node:|better-sqlite3$|zod$|luxon$|vitest$|fast-check$|js-yaml$)/.test(spec!), `${name} imports ${spec}`).toBe(true);
          continue;
        }
        const target = relative(root, join(root, 'cloud', spec!));
        expect(target.startsWith('cloud') || target.startsWith('shared'), `${name} imports ${spec}`).toBe(true);
      }
    }
  });
});
