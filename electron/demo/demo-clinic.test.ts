import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../shared/time/units';
import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import { consultationHistory } from '../queue/queue.repository';

// A Monday at 11:00 in Lisbon: the morning half done, the afternoon still to come.
const NOW = DateTime.fromISO('2030-01-07T11:00', { zone: 'Europe/Lisbon' }).toMillis();

describe('the demo clinic', () => {
  let dir: string;
  let desk: FrontDesk;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fd-demo-'));
    desk = await startFrontDesk({ dataDir: dir, demo: true, now: () => NOW });
  });
  afterAll(async () => {
    await desk.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const all = <T>(query: string, ...params: unknown[]) => desk.database.sqlite.prepare(query).all(...params) as T[];

  it('has its practitioners, patients, accounts and a day under way', () => {
    expect(all<{ n: number }>('SELECT count(*) AS n FROM practitioners')[0]!.n).toBe(6);
    expect(all<{ n: number }>('SELECT count(*) AS n FROM patients')[0]!.n).toBe(320);
    expect(all<{ username: string }>('SELECT username FROM staff ORDER BY username').map((row) => row.username)).toEqual(['admin', 'ana.ribeiro', 'reception']);
    const today = all<{ status: string; n: number }>(
      'SELECT status, count(*) AS n FROM appointments WHERE starts_at >= ? AND starts_at < ? GROUP BY status',
      NOW - 11 * HOUR_MS,
      NOW + 13 * HOUR_MS,
    );
    const byStatus = Object.fromEntries(today.map((row) => [row.status, row.n]));
    expect(byStatus.booked).toBeGreaterThan(10);
    expect((byStatus.done ?? 0) + (byStatus.in_consultation ?? 0)).toBeGreaterThan(5);
  });

  it('gives past visits a plausible history, which the wait estimates learn from', () => {
    const past = all<{ starts_at: number; ends_at: number; checked_in_at: number; started_at: number; finished_at: number; status_changed_at: number }>(
      `SELECT starts_at, ends_at, checked_in_at, started_at, finished_at, status_changed_at FROM appointments WHERE status = 'done' AND starts_at < ?`,
      NOW - 11 * HOUR_MS,
    );
    expect(past.length).toBeGreaterThan(100);
    for (const visit of past) {
      expect(visit.checked_in_at).toBeGreaterThanOrEqual(visit.starts_at - 15 * MINUTE_MS);
      expect(visit.started_at).toBeGreaterThanOrEqual(Math.max(visit.starts_at, visit.checked_in_at));
      const booked = visit.ends_at - visit.starts_at;
      expect(visit.finished_at - visit.started_at).toBeGreaterThanOrEqual(booked * 0.7 - 1);
      expect(visit.finished_at - visit.started_at).toBeLessThanOrEqual(booked * 1.3 + 1);
      expect(visit.status_changed_at).toBe(visit.finished_at);
    }
    expect(all(`SELECT id FROM appointments WHERE ticket IS NOT NULL AND starts_at < ?`, NOW - 11 * HOUR_MS)).toEqual([]);
  });

  it('shows today’s finished visits with the time they ended, and the ones under way with their ticket', () => {
    const today = all<{
      id: number;
      status: string;
      ends_at: number;
      ticket: string | null;
      ticket_day: string | null;
      finished_at: number | null;
      status_changed_at: number;
    }>(
      `SELECT id, status, ends_at, ticket, ticket_day, finished_at, status_changed_at FROM appointments
       WHERE starts_at >= ? AND status IN ('done', 'in_consultation')`,
      NOW - 11 * HOUR_MS,
    );
    const done = today.filter((visit) => visit.status === 'done');
    const underWay = today.filter((visit) => visit.status === 'in_consultation');
    expect(done.length).toBeGreaterThan(3);
    expect(underWay.length).toBeGreaterThan(0);
    for (const visit of done) {
      expect(visit.finished_at).not.toBeNull();
      expect(visit.status_changed_at).toBe(visit.finished_at);
      expect(visit.finished_at!).toBeLessThanOrEqual(NOW);
      expect(visit.finished_at!).toBeGreaterThan(visit.ends_at - 30 * MINUTE_MS);
    }
    for (const visit of today) expect([visit.ticket_day, visit.ticket]).toEqual(['2030-01-07', expect.stringMatching(/^[A-Z]-\d{3}$/)]);

    // Each one under way has its ticket (the board shows it), and the next check-in carries on the numbering.
    expect(underWay.every((visit) => visit.ticket !== null)).toBe(true);
    const counters = all<{ prefix: string; last: number }>(`SELECT prefix, last FROM ticket_counters WHERE day = '2030-01-07'`);
    for (const { prefix, last } of counters) {
      const issued = today.filter((visit) => visit.ticket!.startsWith(`${prefix}-`)).length;
      expect(last).toBe(issued);
    }
  });

  it('feeds the consultation history of the last weeks', async () => {
    const practitionerIds = all<{ id: number }>('SELECT id FROM practitioners').map((row) => row.id);
    const history = await consultationHistory(desk.database.db, practitionerIds, NOW - 28 * DAY_MS, NOW);
    expect(new Set(history.map((record) => record.practitionerId)).size).toBe(practitionerIds.length);
  });
});
