import type { Kysely } from 'kysely';
import type { ClinicSettings } from '../../shared/settings/settings.contract';
import { preparedQuery } from '../db/prepared-query';
import type { Database } from '../db/schema';

export const defaultSettings: ClinicSettings = {
  clinicName: '',
  clinicAddress: '',
  clinicPhone: '',
  timeZone: 'Europe/Lisbon',
  locale: 'en',
  currency: 'EUR',
  idleLockMinutes: 10,
  slotStepMinutes: 15,
  isDemo: false,
  graceMinutes: 10,
  noShowAfterMinutes: 30,
  kioskEarlyMinutes: 60,
  kioskLateMinutes: 30,
  displayPrivacy: 'firstNameLastInitial',
  announcementLanguage: 'clinic',
  displayOnSecondScreen: true,
  hostNames: [],
};

type SettingKey = keyof ClinicSettings | 'setUpAt';

// Read by every booking and check-in: prepared, as it sits on the hot path.
const allSettingsQuery = preparedQuery((db) => db.selectFrom('settings').select(['key', 'value']));

export async function readSettings(db: Kysely<Database>): Promise<ClinicSettings & { setUpAt: number | null }> {
  const rows = await allSettingsQuery(db, {});
  const stored = Object.fromEntries(rows.map((row) => [row.key, JSON.parse(row.value) as unknown]));
  return {
    ...defaultSettings,
    ...(stored as Partial<ClinicSettings>),
    setUpAt: typeof stored.setUpAt === 'number' ? stored.setUpAt : null,
  };
}

export async function writeSettings(db: Kysely<Database>, values: Partial<ClinicSettings & { setUpAt: number }>): Promise<void> {
  for (const [key, value] of Object.entries(values) as Array<[SettingKey, unknown]>) {
    if (value === undefined) continue;
    await db
      .insertInto('settings')
      .values({ key, value: JSON.stringify(value) })
      .onConflict((conflict) => conflict.column('key').doUpdateSet({ value: JSON.stringify(value) }))
      .execute();
  }
}

/**
 * The few settings read on every call (the idle-lock time) are kept here, refreshed
 * whenever settings are written, so the dispatcher never waits on the database for them.
 */
export class SettingsCache {
  private current: ClinicSettings = defaultSettings;

  set(settings: ClinicSettings): void {
    this.current = settings;
  }

  get(): ClinicSettings {
    return this.current;
  }
}
