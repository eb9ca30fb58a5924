import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, MethodInput, MethodName, MethodOutput } from '../../shared/contract/contract';
import type { ErrorBody } from '../../shared/contract/errors';
import type { Role } from '../../shared/contract/method';
import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import { hashPassword } from '../auth/password';
import { insertStaff } from '../staff/staff.repository';
import type { Session, SessionBinding } from '../rpc/context';
import type { Caller } from '../rpc/dispatch';

const NOW = Date.UTC(2026, 5, 15, 9, 0);

let dir: string;
let desk: FrontDesk;
const events: Array<{ event: EventName; payload: unknown }> = [];
const callers = {} as Record<Role, Caller>;

/** A member of staff, signed in without a password round trip: the sign-in flow is not under test. */
async function signedIn(role: Role): Promise<Caller> {
  const row = await insertStaff(desk.database.db, {
    username: `${role}-user`,
    displayName: role,
    role,
    passwordHash: await hashPassword('not-used', { N: 1024, r: 8, p: 1 }),
    practitionerId: null,
    locale: 'en',
    now: NOW,
  });
  const session: Session = { token: role, staffId: row.id, username: row.username, role, practitionerId: null, lastActiveAt: NOW, isLocked: false };
  const auth: SessionBinding = {
    current: () => session,
    signIn: () => session,
    signOut: () => undefined,
  };
  return { transport: 'ipc', workstation: `desk-${role}`, auth };
}

async function ok<M extends MethodName>(caller: Caller, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const result = await desk.dispatch(caller, method, input);
  if (!result.ok) throw new Error(`${method} failed: ${JSON.stringify(result.error)}`);
  return result.value as MethodOutput<M>;
}

async function fail(caller: Caller, method: MethodName, input: unknown): Promise<ErrorBody> {
  const result = await desk.dispatch(caller, method, input);
  if (result.ok) throw new Error(`${method} should have failed, returned ${JSON.stringify(result.value)}`);
  return result.error;
}

const conceicao = {
  fullName: 'Maria da Conceição Antunes',
  dateOfBirth: '1958-09-21',
  phone: '+351 936 123 987',
  email: 'conceicao.antunes@sapo.pt',
  taxId: '187654328',
  notes: 'Alergia à penicilina.',
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-'));
  desk = await startFrontDesk({ dataDir: dir, now: () => NOW });
  desk.bus.subscribe((event, payload) => events.push({ event, payload }));
  for (const role of ['admin', 'receptionist', 'doctor'] as const) callers[role] = await signedIn(role);
});

afterAll(async () => {
  await desk.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('patients through the dispatcher', () => {
  it('creates, announces and audits a patient without writing personal data to the log', async () => {
    events.length = 0;
    const created = await ok(callers.receptionist, 'patients.create', { fields: conceicao });
    expect(created).toMatchObject({
      ...conceicao,
      phone: '+351936123987',
      phoneIsPtMobile: true,
      preferredName: '',
      sex: 'unknown',
      preferredLanguage: 'pt',
      createdAt: NOW,
    });
    expect(events).toEqual([{ event: 'patients.changed', payload: { patientIds: [created.id] } }]);
    const audit = desk.database.sqlite.prepare(`SELECT * FROM audit_log WHERE action = 'patients.create'`).all() as Array<Record<string, unknown>>;
    expect(audit).toEqual([expect.objectContaining({ entity: 'patient', entity_id: created.id, workstation: 'desk-receptionist', at: NOW })]);
    const logged = JSON.stringify(audit);
    for (const personal of ['Conceição', 'Antunes', '936', 'sapo', '187654328', '1958', 'penicilina']) expect(logged).not.toContain(personal);
  });

  it('searches, gets and updates; a doctor who has not seen the patient may neither read nor write', async () => {
    const [found] = (await ok(callers.receptionist, 'patients.search', { query: 'conceicao ant' })).results;
    expect(found).toMatchObject({ fullName: conceicao.fullName, phone: '+351936123987' });
    expect(await ok(callers.receptionist, 'patients.get', { id: found!.id })).toMatchObject({ notes: conceicao.notes });
    // This doctor's account is linked to no practitioner: nobody is their patient (patient-reach.test.ts has the rest).
    expect((await ok(callers.doctor, 'patients.search', { query: 'conceicao ant' })).results).toEqual([]);
    expect((await fail(callers.doctor, 'patients.get', { id: found!.id })).code).toBe('FORBIDDEN');
    expect((await fail(callers.doctor, 'patients.update', { id: found!.id, fields: conceicao })).code).toBe('FORBIDDEN');

    events.length = 0;
    const updated = await ok(callers.admin, 'patients.update', { id: found!.id, fields: { ...conceicao, preferredName: 'São', phone: '936 123 000' } });
    expect(updated).toMatchObject({ preferredName: 'São', phone: '+351936123000' });
    expect(events).toEqual([{ event: 'patients.changed', payload: { patientIds: [found!.id] } }]);
    const detail = desk.database.sqlite.prepare(`SELECT detail FROM audit_log WHERE action = 'patients.update'`).pluck().get();
    expect(detail).toBe('changed: preferredName, phone');
    expect((await ok(callers.receptionist, 'patients.search', { query: 'são' })).results.map((patient) => patient.id)).toEqual([found!.id]);
  });

  it('answers NOT_FOUND and VALIDATION with codes, and writes nothing', async () => {
    events.length = 0;
    expect((await fail(callers.receptionist, 'patients.get', { id: 424242 })).code).toBe('NOT_FOUND');
    expect((await fail(callers.receptionist, 'patients.update', { id: 424242, fields: conceicao })).code).toBe('NOT_FOUND');
    const invalid = await fail(callers.receptionist, 'patients.create', { fields: { ...conceicao, email: 'not an email', dateOfBirth: '1958-02-30' } });
    expect(invalid.code).toBe('VALIDATION');
    expect((await fail(callers.receptionist, 'patients.search', { query: 'x'.repeat(201) })).code).toBe('VALIDATION');
    expect(events).toEqual([]);
  });

  it('warns of a possible duplicate with the matches, and creates it once confirmed', async () => {
    const duplicate = { ...conceicao, fullName: 'MARIA DA CONCEICAO ANTUNES', phone: '' };
    const warning = await fail(callers.receptionist, 'patients.create', { fields: duplicate });
    expect(warning.code).toBe('POSSIBLE_DUPLICATE');
    // The same NIF too: the duplicate was typed from the same card.
    expect(warning.details).toEqual({ matches: [expect.objectContaining({ fullName: conceicao.fullName })], sameTaxId: [expect.any(Number)] });
    const { matches } = await ok(callers.receptionist, 'patients.findDuplicates', { fullName: duplicate.fullName, dateOfBirth: duplicate.dateOfBirth });
    expect(matches).toHaveLength(1);
    const created = await ok(callers.receptionist, 'patients.create', { fields: duplicate, confirmedNotDuplicate: true });
    expect(created.id).not.toBe(matches[0]!.id);
    expect(desk.database.sqlite.prepare(`SELECT detail FROM audit_log WHERE entity_id = ? AND action = 'patients.create'`).pluck().get(created.id)).toBe(
      'confirmed not a duplicate',
    );
  });

  it('needs a session', async () => {
    const anonymous: Caller = {
      transport: 'http',
      workstation: 'kiosk',
      auth: {
        current: () => null,
        signIn: () => {
          throw new Error('no');
        },
        signOut: () => undefined,
      },
    };
    expect((await fail(anonymous, 'patients.search', { query: 'maria' })).code).toBe('UNAUTHENTICATED');
  });
});
