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
}

export type PatientRow = Selectable<PatientsTable>;
export type NewPatientRow = Insertable<PatientsTable>;
export type PatientUpdate = Updateable<PatientsTable>;
export type AppointmentRow = Selectable<AppointmentsTable>;
export type NewAppointmentRow = Insertable<AppointmentsTable>;
export type StaffRow = Selectable<StaffTable>;
