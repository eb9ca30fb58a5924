import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import type { Caller } from '../rpc/dispatch';
import { callAs, localCaller } from '../rpc/local-caller';

/** A doctor reads only the patients they have seen or are due to see; every read of a record is audited. */

let dir: string;
let desk: FrontDesk;
let doctor: Caller;
let reception: Caller;
let own: { id: number; fullName: string; appointmentId: number };
let other: { id: number; fullName: string; appointmentId: number };
let unlinked: Caller;

const one = <T>(sql: string, ...params: unknown[]) => desk.database.sqlite.prepare(sql).get(...params) as T;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-reach-'));
  desk = await startFrontDesk({ dataDir: dir, demo: true, noShowTimer: false, syncWorker: false });
  doctor = localCaller(desk.sessions, 'consultorio-2');
  await callAs(desk.dispatch, doctor, 'auth.signIn', { username: 'ana.ribeiro', password: 'demo' });
  reception = localCaller(desk.sessions, 'rececao-1');
  await callAs(desk.dispatch, reception, 'auth.signIn', { username: 'reception', password: 'demo' });
  const practitionerId = one<{ practitioner_id: number }>(`SELECT practitioner_id FROM staff WHERE username = 'ana.ribeiro'`).practitioner_id;
  own = one(
    `SELECT p.id, p.full_name AS fullName, a.id AS appointmentId FROM appointments a JOIN patients p ON p.id = a.patient_id
     WHERE a.practitioner_id = ? AND a.status != 'cancelled' ORDER BY a.id LIMIT 1`,
    practitionerId,
  );
  other = one(
    `SELECT p.id, p.full_name AS fullName, a.id AS appointmentId FROM appointments a JOIN patients p ON p.id = a.patient_id
     WHERE a.practitioner_id != ? AND NOT EXISTS (SELECT 1 FROM appointments mine WHERE mine.patient_id = p.id AND mine.practitioner_id = ? AND mine.status != 'cancelled')
     ORDER BY a.id LIMIT 1`,
    practitionerId,
    practitionerId,
  );
  // A doctor's account that no practitioner is linked to.
  const admin = localCaller(desk.sessions, 'admin-desk');
  await callAs(desk.dispatch, admin, 'auth.signIn', { username: 'admin', password: 'demo' });
  await callAs(desk.dispatch, admin, 'staff.create', {
    username: 'locum',
    displayName: 'Locum',
    role: 'doctor',
    password: 'a long locum password',
    locale: 'en',
  });
  unlinked = localCaller(desk.sessions, 'consultorio-3');
  await callAs(desk.dispatch, unlinked, 'auth.signIn', { username: 'locum', password: 'a long locum password' });
}, 60_000);

afterAll(async () => {
  await desk.close();
  rmSync(dir, { recursive: true, force: true });
});

const reads = () =>
  desk.database.sqlite
    .prepare(`SELECT staff_id AS staffId, workstation, entity, entity_id AS entityId, detail FROM audit_log WHERE action = 'patients.read' ORDER BY id`)
    .all();

describe("a doctor's reach", () => {
  it("reads their own patient's record and appointments, and each read is audited with who, which record and where", async () => {
    const before = reads().length;
    expect((await callAs(desk.dispatch, doctor, 'patients.get', { id: own.id })).id).toBe(own.id);
    expect((await callAs(desk.dispatch, doctor, 'appointments.listForPatient', { patientId: own.id })).length).toBeGreaterThan(0);
    expect((await callAs(desk.dispatch, doctor, 'appointments.get', { id: own.appointmentId })).patientId).toBe(own.id);
    const staffId = (desk.database.sqlite.prepare(`SELECT id FROM staff WHERE username = 'ana.ribeiro'`).get() as { id: number }).id;
    expect(reads().slice(before)).toEqual([
      { staffId, workstation: 'consultorio-2', entity: 'patient', entityId: own.id, detail: 'record' },
      { staffId, workstation: 'consultorio-2', entity: 'patient', entityId: own.id, detail: 'appointments' },
    ]);
  });

  it("is refused anyone else's record, appointments and face check-in status, and finds only their own in search", async () => {
    for (const [method, input] of [
      ['patients.get', { id: other.id }],
      ['appointments.listForPatient', { patientId: other.id }],
      ['appointments.get', { id: other.appointmentId }],
      ['faces.status', { patientId: other.id }],
    ] as const) {
      const answer = await desk.dispatch(doctor, method, input);
      expect(answer, method).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { reason: 'NOT_YOUR_PATIENT' } } });
    }
    const search = async (caller: Caller, name: string) =>
      (await callAs(desk.dispatch, caller, 'patients.search', { query: name, limit: 50 })).results.map((r) => r.id);
    expect(await search(doctor, other.fullName)).not.toContain(other.id);
    expect(await search(doctor, own.fullName)).toContain(own.id);
    expect(await search(reception, other.fullName)).toContain(other.id);
  });

  it('a doctor linked to no practitioner reads nobody; the desk reads everyone, audited', async () => {
    expect(await desk.dispatch(unlinked, 'patients.get', { id: own.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await callAs(desk.dispatch, unlinked, 'patients.search', { query: own.fullName, limit: 50 })).results).toEqual([]);
    const before = reads().length;
    expect((await callAs(desk.dispatch, reception, 'patients.get', { id: other.id })).id).toBe(other.id);
    expect(reads().slice(before)).toMatchObject([{ workstation: 'rececao-1', entityId: other.id, detail: 'record' }]);
  });
});
