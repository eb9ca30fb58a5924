import type { Generated, GeneratedAlways, Insertable, Selectable, Updateable } from 'kysely';

/** Row types of the current schema, as kysely sees them. Booleans are 0/1 integers. */
export interface SettingsTable {
  key: string;
  value: string;
}

export interface SpecialtiesTable {
  id: Generated<number>;
  name_en: string;
  name_pt: string;
  duration_minutes: number;
  price_cents: number;
  ticket_prefix: string;
  is_active: Generated<number>;
  /** The row's name on the cloud API; set by a trigger on insert when not given (so RETURNING may still show null). */
  uid: Generated<string>;
}

export interface RoomsTable {
  id: Generated<number>;
  name: string;
  is_active: Generated<number>;
  uid: Generated<string>;
}

export interface PractitionersTable {
  id: Generated<number>;
  full_name: string;
  default_room_id: number | null;
  description_en: Generated<string>;
  description_pt: Generated<string>;
  color: Generated<string>;
  is_active: Generated<number>;
  uid: Generated<string>;
}

export interface PractitionerSpecialtiesTable {
  practitioner_id: number;
  specialty_id: number;
}

export interface WorkingHoursTable {
  id: Generated<number>;
  practitioner_id: number;
  weekday: number;
  start_minute: number;
  end_minute: number;
}

export interface TimeOffTable {
  id: Generated<number>;
  practitioner_id: number;
  starts_at: number;
  ends_at: number;
  reason: Generated<string>;
}

export interface StaffTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  role: 'admin' | 'receptionist' | 'doctor';
  password_hash: string;
  practitioner_id: number | null;
  locale: Generated<'en' | 'pt'>;
  is_active: Generated<number>;
  created_at: number;
  /** The account's name on the cloud API (migration 0013); set by a trigger on insert when not given. */
  uid: Generated<string>;
}

export interface PatientsTable {
  id: Generated<number>;
  full_name: string;
  preferred_name: Generated<string>;
  date_of_birth: string;
  sex: Generated<'female' | 'male' | 'other' | 'unknown'>;
  phone: Generated<string>;
  email: Generated<string>;
  tax_id: Generated<string>;
  address: Generated<string>;
  preferred_language: Generated<'en' | 'pt'>;
  notes: Generated<string>;
  name_key: Generated<string>;
  phone_digits: Generated<string>;
  created_at: number;
  updated_at: number;
  uid: Generated<string>;
  /** ISO 3166 alpha-2 country of `tax_id`; 'PT' (a NIF) unless the desk said otherwise. */
  tax_country: Generated<string>;
  /** 1: `phone` could not be read as a number (typed before E.164) and is kept as typed. */
  phone_needs_review: Generated<number>;
  /** Set when this record was a duplicate merged into another; it stays, out of search. */
  merged_into_id: Generated<number | null>;
  merged_at: Generated<number | null>;
}

export type AppointmentStatusColumn = 'booked' | 'checked_in' | 'called' | 'in_consultation' | 'done' | 'no_show' | 'left_unseen' | 'cancelled';

export interface AppointmentsTable {
  id: Generated<number>;
  patient_id: number;
  practitioner_id: number;
  room_id: number | null;
  specialty_id: number;
  starts_at: number;
  ends_at: number;
  status: Generated<AppointmentStatusColumn>;
  status_changed_at: number;
  is_walk_in: Generated<number>;
  cancel_reason: Generated<string>;
  notes: Generated<string>;
  price_cents: Generated<number>;
  created_by: number | null;
  created_at: number;
  updated_at: number;
  /** Six letters and digits for kiosk check-in; set by a trigger on insert (null only if it could not find a free one). */
  code: Generated<string | null>;
  checked_in_at: number | null;
  /** Clinic day of the ticket, 'YYYY-MM-DD'; set together with `ticket`. */
  ticket_day: string | null;
  ticket: string | null;
  called_at: number | null;
  /** The room of the latest call (apart from the booked `room_id`). */
  called_room_id: number | null;
  call_count: Generated<number>;
  started_at: number | null;
  finished_at: number | null;
  uid: Generated<string>;
  /** Where it was booked: '' here, another desk's id, or 'online' (from the cloud). */
  origin: Generated<string>;
  /** 1: booked on purpose at the same time as another of the patient's appointments (a combined visit). */
  is_combined_visit: Generated<number>;
  /** 1: a walk-in for the specialty, not for a practitioner: whoever offers it and is free first may call them (local, not synced). */
  for_specialty: Generated<number>;
  /** The series (a course of sessions) it belongs to, a UUID shared by its sessions; null: none. Synced. */
  series_id: Generated<string | null>;
  /** Its number in the series, from 1; set with `series_id`. */
  series_index: Generated<number | null>;
}

export interface TicketCountersTable {
  day: string;
  prefix: string;
  last: number;
}

export interface QueueMovesTable {
  id: Generated<number>;
  appointment_id: number;
  at: number;
  direction: 'up' | 'down';
  /** JSON array of appointment ids. */
  past: string;
  reason: string;
  staff_id: number | null;
}

export interface DevicesTable {
  id: Generated<number>;
  name: string;
  role: 'display' | 'kiosk';
  token_hash: string;
  created_by: number | null;
  created_at: number;
  last_seen_at: number | null;
  revoked_at: number | null;
  /** 1: a kiosk with a ticket printer beside it (it prints each patient's ticket). Per desk, never synced. */
  has_printer: Generated<0 | 1>;
}

export interface PairingCodesTable {
  id: Generated<number>;
  code_hash: string;
  role: 'display' | 'kiosk';
  name: string;
  created_by: number | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  device_id: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  staff_id: number | null;
  workstation: Generated<string>;
  action: string;
  entity: Generated<string>;
  entity_id: number | null;
  detail: Generated<string>;
  /** Whose record the entry is about (the patient's, or their appointment's): 0014. */
  patient_id: Generated<number | null>;
}

export interface SecretsTable {
  name: string;
  /** What the secret cipher made of the value: never the value itself. */
  sealed: Uint8Array;
  updated_at: number;
}

export interface FaceSettingsTable {
  id: number;
  enabled: number;
  region: string;
  collection_id: string;
  bucket: string;
  key_prefix: string;
  match_threshold: number;
  credential_source: 'default' | 'stored';
  rekognition_endpoint: string | null;
  s3_endpoint: string | null;
  retention_months: number;
  updated_at: number;
}

export interface FaceConsentsTable {
  id: Generated<number>;
  patient_id: number;
  version: string;
  locale: 'en' | 'pt';
  agreed_at: number;
  staff_id: number | null;
  withdrawn_at: number | null;
  withdrawn_by: number | null;
  withdrawal_reason: 'patient' | 'retention' | null;
}

/** Only identifiers: the opaque key (Rekognition user id, S3 folder), never an image or a name. */
export interface FaceEnrolmentsTable {
  patient_id: number;
  opaque_key: string;
  state: 'enrolled' | 'withdrawing';
  region: string;
  collection_id: string;
  bucket: string;
  user_id: string | null;
  enrolled_at: number;
  enrolled_by: number | null;
  user_deleted: Generated<number>;
  faces_deleted: Generated<number>;
  photos_deleted: Generated<number>;
  withdrawal_started_at: number | null;
}

export interface FacePhotosTable {
  patient_id: number;
  position: number;
  face_id: string | null;
  s3_key: string | null;
}

export interface SyncStateTable {
  id: number;
  client_id: string;
  enabled: number;
  /** The outbox triggers record changes (set when sync is first enabled). */
  tracking: number;
  /** Set by the pull while it writes the server's rows, so the triggers do not echo them. */
  applying: number;
  cloud_url: string;
  pull_interval_seconds: number;
  cursor: string | null;
  last_synced_at: number | null;
  /** The resync under way began because the cloud lost what this desk knows: it sends back, never deletes. */
  resync_lost: Generated<number>;
  /** No request to the cloud before this instant (its Retry-After). */
  not_before: number | null;
}

export interface SyncOutboxTable {
  seq: Generated<number>;
  mutation_id: string;
  entity: string;
  uid: string;
  op: 'upsert' | 'delete';
  /** JSON of the wire format's entity data; null for a delete. */
  data: string | null;
  created_at: number;
  attempts: Generated<number>;
  /** Fixed at the first send; null before it, or for a row new to the server. */
  base_version: number | null;
  last_attempt_at: number | null;
}

export interface SyncVersionsTable {
  entity: string;
  uid: string;
  version: number;
}

export interface SyncConflictsTable {
  appointment_uid: string;
  clash_kind: 'practitioner' | 'room';
  clash_uid: string;
  clash_starts_at: number;
  clash_ends_at: number;
  refused_at: number;
  /** Where the appointment in the way was booked: 'online', a desk's id, or null (not said). */
  clash_origin: string | null;
}

export interface SyncProblemsTable {
  id: Generated<number>;
  entity: string;
  uid: string;
  op: 'upsert' | 'delete';
  reason: string;
  message: string;
  at: number;
}

export interface SyncParkedTable {
  entity: string;
  uid: string;
  version: number;
  deleted: number;
  data: string | null;
  reason: string;
  parked_at: number;
}

/** Rows the full resync under way has delivered (empty when none is). */
export interface SyncResyncSeenTable {
  entity: string;
  uid: string;
  /** Delivered in a state older than this desk's (a cloud that lost it): sent back at the end (0012). */
  resend: Generated<number>;
}

/** An admin's deliberate keep of an appointment left outside its practitioner's time (0011). */
export interface ScheduleKeptTable {
  appointment_id: number;
  practitioner_id: number;
  starts_at: number;
  ends_at: number;
  kept_by: number | null;
  kept_at: number;
}

export interface ClinicHolidaysTable {
  id: Generated<number>;
  /** The clinic's calendar day, YYYY-MM-DD. */
  day: string;
  name_en: string;
  name_pt: string;
  is_national: Generated<number>;
  /** 0: no longer a holiday, kept because its uid is the day's (migration 0020). */
  is_active: Generated<number>;
  /** The day's uid on the wire (a generated column, shared/sync/cloud-api.ts `holidayUid`). */
  uid: GeneratedAlways<string>;
  created_at: number;
  updated_at: number;
}

export interface Database {
  settings: SettingsTable;
  specialties: SpecialtiesTable;
  rooms: RoomsTable;
  practitioners: PractitionersTable;
  practitioner_specialties: PractitionerSpecialtiesTable;
  working_hours: WorkingHoursTable;
  time_off: TimeOffTable;
  staff: StaffTable;
  patients: PatientsTable;
  appointments: AppointmentsTable;
  audit_log: AuditLogTable;
  ticket_counters: TicketCountersTable;
  queue_moves: QueueMovesTable;
  devices: DevicesTable;
  pairing_codes: PairingCodesTable;
  secrets: SecretsTable;
  face_settings: FaceSettingsTable;
  face_consents: FaceConsentsTable;
  face_enrolments: FaceEnrolmentsTable;
  face_photos: FacePhotosTable;
  sync_state: SyncStateTable;
  sync_outbox: SyncOutboxTable;
  sync_versions: SyncVersionsTable;
  sync_conflicts: SyncConflictsTable;
  sync_problems: SyncProblemsTable;
  sync_parked: SyncParkedTable;
  sync_resync_seen: SyncResyncSeenTable;
  schedule_kept: ScheduleKeptTable;
  clinic_holidays: ClinicHolidaysTable;
}

export type PatientRow = Selectable<PatientsTable>;
export type NewPatientRow = Insertable<PatientsTable>;
export type PatientUpdate = Updateable<PatientsTable>;
export type AppointmentRow = Selectable<AppointmentsTable>;
export type NewAppointmentRow = Insertable<AppointmentsTable>;
export type StaffRow = Selectable<StaffTable>;
export type DeviceRow = Selectable<DevicesTable>;
