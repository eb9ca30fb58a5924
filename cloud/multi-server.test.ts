import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { request, type ClientRequest } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changesEvent } from '../shared/sync/cloud-api';
import { cloudClient } from './cloud-client';
import { connectCloudDb } from './db/cloud-db';
import { runStatement } from './db/cloud.repository';
import { createTestDatabase, type TestDatabase } from './db/test-database';
import { DESK_TOKEN, patient, upsert } from './test-fixtures';

/**
 * Two real cloud processes (`cloud/main.ts`) on one database, as behind a load balancer: a
 * desk's event stream on one hears of a push made through the other, also after the
 * database dropped both processes' listening connections.
 */

interface Child {
  url: string;
  process: ChildProcess;
  output(): string;
}

function startCloudProcess(databaseUrl: string): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'main.ts'), '--port', '0', '--database-url', databaseUrl, '--token', DESK_TOKEN, '--quiet'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ url: match[1]!, process: child, output: () => output });
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.on('exit', (code) => reject(new Error(`the cloud process exited (${code}): ${output}`)));
  });
}

function stop(child: Child): Promise<number | null> {
  if (child.process.exitCode !== null) return Promise.resolve(child.process.exitCode);
  return new Promise((resolve) => {
    child.process.once('exit', (code) => resolve(code));
    child.process.kill('SIGTERM');
  });
}

/** A desk's event stream: the seqs of its `changes` events as they come. */
function openEvents(url: string): { seqs: number[]; request: ClientRequest } {
  const seqs: number[] = [];
  let buffer = '';
  const req = request(`${url}/v1/events`, { headers: { Authorization: `Bearer ${DESK_TOKEN}` } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const data = /^event: changes\ndata: (.*)$/m.exec(buffer.slice(0, end))?.[1];
        buffer = buffer.slice(end + 2);
        if (data !== undefined) seqs.push(changesEvent.parse(JSON.parse(data)).seq);
      }
    });
  });
  req.on('error', () => {});
  req.end();
  return { seqs, request: req };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('two cloud processes on one database', () => {
  let database: TestDatabase;
  let children: Child[] = [];

  beforeEach(async () => {
    database = await createTestDatabase();
    children = await Promise.all([startCloudProcess(database.url), startCloudProcess(database.url)]);
  });
  afterEach(async () => {
    await Promise.all(children.map(stop));
    await database.drop();
  });

  it('tells a desk on one process of a push made through the other, within a few seconds, also after the listeners were dropped', async () => {
    const [one, two] = children as [Child, Child];
    const stream = openEvents(one.url);
    await waitFor(() => stream.seqs.length === 1, 5000);
    expect(stream.seqs).toEqual([0]);

    const through = cloudClient(two.url, DESK_TOKEN);
    const pushedAt = Date.now();
    await through.push('desk-2', [upsert('patient', randomUUID(), patient())]);
    await waitFor(() => stream.seqs.at(-1) === 1, 5000);
    expect(Date.now() - pushedAt).toBeLessThan(5000);

    // The database drops both processes' listening connections (a restart, a failover).
    const admin = connectCloudDb(database.url, 1);
    try {
      const dropped = await runStatement<{ pid: number }>(
        admin,
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'front-desk-cloud-listener'`,
        [],
      );
      expect(dropped).toHaveLength(2);
      await runStatement(admin, 'SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [dropped.map((row) => row.pid)]);
      // Pushed at once, probably before either has listened again: caught up all the same.
      await through.push('desk-2', [upsert('patient', randomUUID(), patient()), upsert('patient', randomUUID(), patient())]);
      await waitFor(() => stream.seqs.at(-1) === 3, 10_000);
      await cloudClient(one.url, DESK_TOKEN).push('desk-1', [upsert('patient', randomUUID(), patient())]);
      await waitFor(() => stream.seqs.at(-1) === 4, 5000);
    } finally {
      await admin.destroy();
    }
    expect(stream.seqs.every((seq, i) => i === 0 || seq > stream.seqs[i - 1]!)).toBe(true);
    stream.request.destroy();

    // Both close cleanly on SIGTERM (their listeners included: the database can be dropped after).
    expect(await Promise.all(children.map(stop))).toEqual([0, 0]);
  });
});
