import type { Migration } from 'kysely';
import * as m0001 from './0001_initial';
import * as m0002 from './0002_patient_search';
import * as m0003 from './0003_appointment_spans';
import * as m0004 from './0004_queue';
import * as m0005 from './0005_secrets';
import * as m0006 from './0006_faces';
import * as m0007 from './0007_sync';
import * as m0008 from './0008_sync_resync';
import * as m0009 from './0009_patient_identity';
import * as m0010 from './0010_queue_truth';
import * as m0011 from './0011_schedule_kept';
import * as m0012 from './0012_sync_lost_state';
import * as m0013 from './0013_staff_sync';
import * as m0014 from './0014_audit_reading';
import * as m0015 from './0015_clinic_holidays';
import * as m0016 from './0016_appointment_series';
import * as m0017 from './0017_reports';
import * as m0019 from './0019_printing';
import * as m0020 from './0020_holiday_sync';

/**
 * Every migration, by name, in order. A static map because a bundled or packaged app
 * cannot scan a migrations folder at run time. Never rename or edit a shipped entry.
 */
export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_patient_search': m0002,
  '0003_appointment_spans': m0003,
  '0004_queue': m0004,
  '0005_secrets': m0005,
  '0006_faces': m0006,
  '0007_sync': m0007,
  '0008_sync_resync': m0008,
  '0009_patient_identity': m0009,
  '0010_queue_truth': m0010,
  '0011_schedule_kept': m0011,
  '0012_sync_lost_state': m0012,
  '0013_staff_sync': m0013,
  '0014_audit_reading': m0014,
  '0015_clinic_holidays': m0015,
  '0016_appointment_series': m0016,
  '0017_reports': m0017,
  '0019_printing': m0019,
  '0020_holiday_sync': m0020,
};
