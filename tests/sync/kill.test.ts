import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DESK_TOKEN, startTestCloud } from '../../cloud/test-fixtures';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { ack, expectInvariants, type Acked } from './invariants';
import { at, seedPractice, startSyncDesk } from './sync-fixtures';

const dataDir = mkdtempSync(join(tmpdir(), 'fd-sync-kill-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

type KillAt = 'after-the-cloud-committed' | 'while-the-request-waits' | 'while-booking';

/** Runs the child until the chosen moment, then SIGKILLs it; returns the uids it acknowledged. */
function runAndKill(proxy: FaultProxy, url: string, now: number, round: number, killAt: KillAt): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'sync-child.ts'), dataDir, url, DESK_TOKEN, String(now), String(round), '40'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: string[] = [];
    let buffer = '';
    let stderr = '';
    const kill = () => {
      if (child.exitCode === null && !child.killed) child.kill('SIGKILL');
    };
    proxy.onServerAnswered = (path) => {
      if (killAt === 'after-the-cloud-committed' && path === '/v1/push') kill();
    };
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const match = /^ack (\S+)$/.exec(line);
        if (match) acked.push(match[1]!);
        if (killAt === 'while-booking' && acked.length >= 17) kill();
        // The proxy holds every request a second: the push is on its way, not yet at the cloud.
        if (killAt === 'while-the-request-waits' && line === 'syncing') setTimeout(kill, 150);
        if (line.startsWith('synced')) kill();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // 'close', not 'exit': the process may be gone while ack lines it wrote are still unread in the pipe.
    child.on('close', (code, signal) => {
      proxy.onServerAnswered = null;
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`the child exited by itself (${code}):\n${stderr}`));
    });
  });
}

describe('a desk killed (SIGKILL) in the middle of a push', () => {
  it('loses no acknowledged booking and applies none twice once it is back', async () => {
    const cloud = await startTestCloud({ servers: 2 });
    const proxy = await startFaultProxy(cloud.server.url);
    const clock = { now: at('2030-01-06T08:00') };
    const acked: Acked = new Map();
    try {
      const setup = await startSyncDesk({ name: 'setup', clock, cloudUrl: proxy.url, token: DESK_TOKEN, dataDir });
      await seedPractice(setup, 4);
      await setup.ok(setup.admin, 'sync.updateSettings', { enabled: true });
      expect(await setup.sync()).toMatchObject({ connection: 'online', pending: 0 });
      await setup.close();

      const moments: KillAt[] = ['after-the-cloud-committed', 'while-the-request-waits', 'while-booking', 'after-the-cloud-committed'];
      for (const [round, killAt] of moments.entries()) {
        proxy.setPlan(killAt === 'while-the-request-waits' ? { delay: 1, delayMinMs: 1_000, delayMs: 1_000 } : {});
        const seqBefore = await cloud.server.lastSeq();
        const uids = await runAndKill(proxy, proxy.url, clock.now, round, killAt);
        expect(uids.length, killAt).toBeGreaterThanOrEqual(killAt === 'while-booking' ? 17 : 40);
        for (const uid of uids) ack(acked, uid, { startsAt: 0, status: 'booked', by: 'child' });
        if (killAt === 'after-the-cloud-committed') expect(await cloud.server.lastSeq(), 'the cloud committed the push').toBeGreaterThan(seqBefore);
        if (killAt === 'while-the-request-waits') expect(await cloud.server.lastSeq(), 'the push never reached the cloud').toBe(seqBefore);
        const sqlite = new BetterSqlite3(join(dataDir, 'front-desk.db'));
        try {
          expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
          // Every acknowledged booking has its outbox entry (written in its transaction), or was already acknowledged by the cloud.
          const waiting = sqlite
            .prepare(
              `SELECT count(*) FROM appointments a WHERE NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE o.uid = a.uid) AND NOT EXISTS (SELECT 1 FROM sync_versions v WHERE v.uid = a.uid)`,
            )
            .pluck()
            .get();
          expect(waiting).toBe(0);
          // A booking can commit in the instant between the kill being sent and the process
          // dying, its ack line never written: committed all the same, so it is held to the
          // same rules (never lost, never doubled). At most the one booking in flight.
          const unacknowledged = (sqlite.prepare('SELECT uid FROM appointments').pluck().all() as string[]).filter((uid) => !acked.has(uid));
          expect(unacknowledged.length, killAt).toBeLessThanOrEqual(1);
          for (const uid of unacknowledged) ack(acked, uid, { startsAt: 0, status: 'booked', by: 'child' });
        } finally {
          sqlite.close();
        }
      }

      proxy.setPlan({});
      const desk = await startSyncDesk({ name: 'restarted', clock, cloudUrl: proxy.url, token: DESK_TOKEN, dataDir });
      try {
        expect(await desk.sync()).toMatchObject({ connection: 'online', pending: 0, problems: 0, conflicts: 0 });
        for (const row of desk.appointments()) {
          const state = acked.get(row.uid);
          // The child printed uids only: the time is the one the desk kept.
          if (state) acked.set(row.uid, { ...state, startsAt: row.startsAt, history: [{ ...state, startsAt: row.startsAt }] });
        }
        expect(desk.appointments()).toHaveLength(acked.size);
        await expectInvariants(cloud, [desk], acked);
      } finally {
        await desk.close();
      }
    } finally {
      await proxy.close();
      await cloud.close();
    }
  }, 180_000);
});
