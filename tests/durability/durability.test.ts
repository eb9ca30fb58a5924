import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'fd-durability-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs the booker until it has acknowledged a random number of bookings, then SIGKILLs it. */
function bookThenKill(round: number, killAfterAcks: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'booker.ts'), dataDir, String(round)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: number[] = [];
    let buffer = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const match = /^ack (\d+)$/.exec(line);
        if (match) acked.push(Number(match[1]));
        // Kill in the middle of work: the next booking is already on its way to the disk.
        if (acked.length >= killAfterAcks && child.exitCode === null) child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`booker exited by itself (${code}):\n${stderr}`));
    });
  });
}

describe('durability', () => {
  it('loses no acknowledged booking when the process is killed with SIGKILL, and the file stays sound', async () => {
    const allAcked: number[] = [];
    for (let round = 0; round < 5; round++) {
      const killAfter = 5 + Math.floor(Math.random() * 40);
      const acked = await bookThenKill(round, killAfter);
      expect(acked.length).toBeGreaterThanOrEqual(killAfter);
      allAcked.push(...acked);

      const sqlite = new BetterSqlite3(join(dataDir, 'front-desk.db'));
      try {
        expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
        const found = new Set(
          (sqlite.prepare(`SELECT id FROM appointments WHERE id IN (${allAcked.map(() => '?').join(',')})`).all(...allAcked) as Array<{ id: number }>).map(
            (row) => row.id,
          ),
        );
        const lost = allAcked.filter((id) => !found.has(id));
        expect(lost).toEqual([]);
        const overlaps = sqlite
          .prepare(
            `SELECT count(*) AS n FROM appointments a JOIN appointments b
               ON a.id < b.id AND a.practitioner_id = b.practitioner_id
              AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
              AND a.status NOT IN ('cancelled','no_show') AND b.status NOT IN ('cancelled','no_show')`,
          )
          .get() as { n: number };
        expect(overlaps.n).toBe(0);
      } finally {
        sqlite.close();
      }
    }
  }, 180_000);
});
