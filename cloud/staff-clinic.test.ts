import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLINIC_SETTINGS_UID, type EntityData, type MutationResult } from '../shared/sync/cloud-api';
import { only, remove, seedClinic, startTestCloud, upsert, type Clinic, type TestCloud } from './test-fixtures';

/** The reference server's rules for staff accounts and the clinic's settings row. */

let cloud: TestCloud;
let clinic: Clinic;

beforeEach(async () => {
  cloud = await startTestCloud();
  clinic = await seedClinic(cloud.desk);
});
afterEach(async () => {
  await cloud.close();
});

const account = (overrides: Partial<EntityData<'staff'>> = {}): EntityData<'staff'> => ({
  username: 'dr.ana',
  displayName: 'Dr. Ana',
  role: 'doctor',
  passwordHash: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==',
  practitionerUid: null,
  locale: 'pt',
  isDisabled: false,
  ...overrides,
});

const settings: EntityData<'clinic'> = {
  clinicName: 'Clínica',
  timeZone: 'Europe/Lisbon',
  locale: 'pt',
  currency: 'EUR',
  idleLockMinutes: 10,
  slotStepMinutes: 15,
  graceMinutes: 10,
  noShowAfterMinutes: 30,
  kioskEarlyMinutes: 60,
  kioskLateMinutes: 30,
  displayPrivacy: 'initials',
  announcementLanguage: 'clinic',
};

const outcome = (result: MutationResult) => (result.status === 'rejected' ? `${result.reason}: ${result.message}` : result.status);

describe('staff and clinic rows', () => {
  it('needs a live practitioner for a linked account, and keeps it from being deleted', async () => {
    const missing = only((await cloud.desk.push('d', [upsert('staff', randomUUID(), account({ practitionerUid: randomUUID() }))])).results);
    expect(outcome(missing)).toMatch(/^MISSING_REFERENCE/);
    const linked = only((await cloud.desk.push('d', [upsert('staff', randomUUID(), account({ practitionerUid: clinic.practitionerUids[0] }))])).results);
    expect(linked.status).toBe('applied');
    const gone = only((await cloud.desk.push('d', [remove('practitioner', clinic.practitionerUids[0], 1)])).results);
    expect(outcome(gone)).toMatch(/^INVALID: This practitioner is still referred to by staff/);
  });

  it('refuses deleting an account or the settings, a settings row under another uid, and a username another account holds', async () => {
    const uid = randomUUID();
    expect(only((await cloud.desk.push('d', [upsert('staff', uid, account())])).results).status).toBe('applied');
    expect(outcome(only((await cloud.desk.push('d', [remove('staff', uid, 1)])).results))).toMatch(/^INVALID: A staff row cannot be deleted/);

    const taken = only((await cloud.desk.push('d', [upsert('staff', randomUUID(), account({ username: 'DR.ANA' }))])).results);
    expect(outcome(taken)).toMatch(/^INVALID: The username DR.ANA is taken/);
    // The account itself keeps its name on a later change.
    expect(only((await cloud.desk.push('d', [upsert('staff', uid, account({ displayName: 'Ana' }), 1)])).results).status).toBe('applied');

    expect(outcome(only((await cloud.desk.push('d', [upsert('clinic', randomUUID(), settings)])).results))).toMatch(
      /^INVALID: The clinic's settings are the one row/,
    );
    expect(only((await cloud.desk.push('d', [upsert('clinic', CLINIC_SETTINGS_UID, settings)])).results).status).toBe('applied');
    // A second desk sending its own as new: a conflict, with the server's row.
    const second = only((await cloud.desk.push('d2', [upsert('clinic', CLINIC_SETTINGS_UID, { ...settings, clinicName: 'Other' })])).results);
    expect(second).toMatchObject({ status: 'conflict', current: { uid: CLINIC_SETTINGS_UID, version: 1, data: settings } });
    expect(outcome(only((await cloud.desk.push('d', [remove('clinic', CLINIC_SETTINGS_UID, 1)])).results))).toMatch(/^INVALID: A clinic row cannot be deleted/);
  });

  it("keeps the clinic's address and phone, optional (older desks send none), within their length", async () => {
    const contact = { ...settings, clinicAddress: 'Rua Augusta 1, 1100-048 Lisboa', clinicPhone: '+351 210 000 000' };
    expect(only((await cloud.desk.push('d', [upsert('clinic', CLINIC_SETTINGS_UID, contact)])).results).status).toBe('applied');
    const row = (await cloud.desk.pullAll()).changes.find((change) => change.entity === 'clinic');
    expect(row?.data).toMatchObject({ clinicAddress: 'Rua Augusta 1, 1100-048 Lisboa', clinicPhone: '+351 210 000 000' });
    const tooLong = only((await cloud.desk.push('d', [upsert('clinic', CLINIC_SETTINGS_UID, { ...contact, clinicPhone: '9'.repeat(41) }, 1)])).results);
    expect(outcome(tooLong)).toMatch(/^INVALID: .*clinicPhone/);
  });
});
