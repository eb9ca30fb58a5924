import type { Kysely } from 'kysely';
import type { ParsedInput } from '../../shared/contract/contract';
import { AppError } from '../../shared/contract/errors';
import { hashPassword } from '../auth/password';
import type { Database } from '../db/schema';
import { seedDemoClinic } from '../demo/demo-clinic';
import { readSettings, writeSettings } from '../settings/settings.repository';
import { anyStaffExists, insertStaff } from '../staff/staff.repository';
import type { Joiner } from '../sync/sync.module';
import { fetchClinic } from './join-clinic';

/** First run only: a clinic with a set-up time or any account is set up. */
async function assertNotSetUp(db: Kysely<Database>): Promise<void> {
  const settings = await readSettings(db);
  const hasStaff = await anyStaffExists(db);
  if (settings.setUpAt !== null || hasStaff) throw new AppError('ALREADY_SET_UP', 'This clinic is already set up.');
}

export async function startDemo(db: Kysely<Database>, now: number, input: ParsedInput<'setup.startDemo'>): Promise<void> {
  await assertNotSetUp(db);
  await seedDemoClinic(db, { now, locale: input.locale ?? 'en' });
}

export async function createClinic(db: Kysely<Database>, now: number, input: ParsedInput<'setup.createClinic'>): Promise<void> {
  await assertNotSetUp(db);
  await writeSettings(db, {
    clinicName: input.clinicName,
    timeZone: input.timeZone,
    locale: input.locale,
    currency: input.currency,
    isDemo: false,
    setUpAt: now,
  });
  await insertStaff(db, {
    username: input.admin.username,
    displayName: input.admin.displayName,
    role: 'admin',
    passwordHash: await hashPassword(input.admin.password),
    practitionerId: null,
    locale: input.locale,
    now,
  });
}

/**
 * First run, "join a clinic": the clinic is fetched (join-clinic.ts), then the desk is set up. Whatever the clinic's settings brought, this desk is not the demo.
 */
export async function joinClinic(db: Kysely<Database>, now: () => number, input: ParsedInput<'setup.joinClinic'>, joiner: Joiner): Promise<void> {
  const cloudUrl = input.cloudUrl.replace(/\/+$/, '');
  // Staff a first, interrupted download brought do not stop it from being finished.
  if (!(await joiner.isUnfinished(cloudUrl))) await assertNotSetUp(db);
  else if ((await readSettings(db)).setUpAt !== null) throw new AppError('ALREADY_SET_UP', 'This clinic is already set up.');
  await fetchClinic(joiner, cloudUrl, input.code);
  await writeSettings(db, { isDemo: false, setUpAt: now() });
}
