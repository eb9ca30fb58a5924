import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

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
}

export interface RoomsTable {
  id: Generated<number>;
  name: string;
  is_active: Generated<number>;
}

export interface PractitionersTable {
  id: Generated<number>;
  full_name: string;
  default_room_id: number | null;
  description_en: Generated<string>;
  description_pt: Generated<string>;
  color: Generated<string>;
  is_active: Generated<number>;
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
}

export type AppointmentStatusColumn =
  | 'booked'
  | 'checked_in'
  | 'called'
  | 'in_consultation'
  | 'done'
  | 'no_show'
  | 'left_unseen'
  | 'cancelled';

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
}

export interface SecretsTable {
  name: string;
  /** What the secret cipher made of the value: never the value itself. */
  sealed: Uint8Array;
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
}

export type PatientRow = Selectable<PatientsTable>;
export type NewPatientRow = Insertable<PatientsTable>;
export type PatientUpdate = Updateable<PatientsTable>;
export type AppointmentRow = Selectable<AppointmentsTable>;
export type NewAppointmentRow = Insertable<AppointmentsTable>;
export type StaffRow = Selectable<StaffTable>;
export type DeviceRow = Selectable<DevicesTable>;
