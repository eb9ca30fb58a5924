import type { Migration } from 'kysely';
import * as m0001 from './0001_initial';
import * as m0002 from './0002_tenancy';
import * as m0003 from './0003_holidays';
import * as m0004 from './0004_payments';
import * as m0005 from './0005_portal_booking';

/**
 * The cloud's migrations, by name, in order: a static map, as on the desk (a bundle cannot
 * scan a folder at run time). Never rename or edit a shipped entry.
 */
export const cloudMigrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_tenancy': m0002,
  '0003_holidays': m0003,
  '0004_payments': m0004,
  '0005_portal_booking': m0005,
};
