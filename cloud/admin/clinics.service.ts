import { randomBytes } from 'node:crypto';
import type { CloudDb } from '../db/cloud-db';
import * as repo from '../db/admin.repository';
import { asAdmin, inClinic } from '../db/tenancy.repository';
import { AdminError, type ClinicView } from './admin.schemas';
import type { ClinicSettings } from '../db/admin.repository';

/**
 * The clinics a cloud serves and the cloud's own record of their settings: name, time zone,
 * languages, currency (what the cloud needs without a desk, e.g. to offer online slots). The
 * desks' synced `clinic` row stays the clinic's word on its working settings; see
 * docs/cloud-api/README.md, "Tenancy".
 */

const view = ({ id: _id, ...record }: repo.ClinicRecord): ClinicView => record;

/** The database's own refusal of a time zone its list lacks (our trigger), as the caller's mistake. */
async function refusingUnknownZone<T>(work: Promise<T>, zone: string | undefined): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if ((error as { code?: string }).code === '22023') throw new AdminError(400, `The database does not know the time zone ${zone ?? ''}.`);
    throw error;
  }
}

export async function createClinic(db: CloudDb, slug: string, settings: ClinicSettings, now: number): Promise<ClinicView> {
  const made = await refusingUnknownZone(
    asAdmin(db, (trx) => repo.insertClinic(trx, slug, settings, randomBytes(6).toString('hex'), now)),
    settings.timeZone,
  );
  if (!made) throw new AdminError(409, `A clinic with the slug "${slug}" exists already.`);
  return view(made);
}

/** The id of the clinic of `slug`; a 404 when there is none. */
export async function clinicId(db: CloudDb, slug: string): Promise<number> {
  const id = await asAdmin(db, (trx) => repo.clinicIdBySlug(trx, slug));
  if (id === undefined) throw new AdminError(404, `There is no clinic with the slug "${slug}".`);
  return id;
}

export async function setClinic(db: CloudDb, slug: string, change: Partial<ClinicSettings>, now: number): Promise<ClinicView> {
  const id = await clinicId(db, slug);
  const updated = await refusingUnknownZone(
    inClinic(db, id, (trx) => repo.updateClinic(trx, id, change, now)),
    change.timeZone,
  );
  if (!updated) throw new AdminError(404, `There is no clinic with the slug "${slug}".`);
  return view(updated);
}

export async function listClinics(db: CloudDb): Promise<ClinicView[]> {
  return (await asAdmin(db, (trx) => repo.listClinics(trx))).map(view);
}

export async function getClinic(db: CloudDb, slug: string): Promise<ClinicView> {
  const found = await clinicSettingsOf(db, await clinicId(db, slug));
  if (!found) throw new AdminError(404, `There is no clinic with the slug "${slug}".`);
  return found;
}

/** The settings of one clinic, in its own transaction (for the slot computation and the like). */
export async function clinicSettingsOf(db: CloudDb, id: number): Promise<ClinicView | undefined> {
  const record = await inClinic(db, id, (trx) => repo.clinicRecord(trx, id));
  return record && view(record);
}
