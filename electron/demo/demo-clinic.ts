import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Database } from '../db/schema';
import { hashPassword } from '../auth/password';
import { insertStaff } from '../staff/staff.repository';
import { writeSettings } from '../settings/settings.repository';
import { generatePatients } from './patient-generator';
import { createRandom } from '../../shared/random/seeded-random';
import { DAY_MS, MINUTE_MS } from '../../shared/time/units';
import { formatTicket } from '../../shared/checkin/tickets';

/** Shown on the sign-in screen, and only in demo mode. */
export const DEMO_ACCOUNTS = [
  { username: 'admin', password: 'demo', role: 'admin' as const, displayName: 'Marta Figueiredo' },
  { username: 'reception', password: 'demo', role: 'receptionist' as const, displayName: 'Carla Nunes' },
];

const DEMO_TIME_ZONE = 'Europe/Lisbon';
const DEMO_PATIENTS = 320;

const specialties = [
  { key: 'massage', nameEn: 'Massage', namePt: 'Massagem', duration: 45, price: 4000, prefix: 'M' },
  { key: 'evaluation', nameEn: 'Evaluation appointment', namePt: 'Consulta de avaliação', duration: 30, price: 4500, prefix: 'A' },
  { key: 'physio', nameEn: 'Musculoskeletal physiotherapy', namePt: 'Fisioterapia músculo-esquelética', duration: 45, price: 5000, prefix: 'F' },
  { key: 'therapeutic', nameEn: 'Therapeutic massage', namePt: 'Massagem terapêutica', duration: 60, price: 5500, prefix: 'T' },
  { key: 'shockwave', nameEn: 'Shock waves', namePt: 'Ondas de choque', duration: 20, price: 3500, prefix: 'O' },
] as const;
type SpecialtyKey = (typeof specialties)[number]['key'];

const practitioners: Array<{
  fullName: string;
  specialties: SpecialtyKey[];
  color: string;
  en: string;
  pt: string;
  saturday: boolean;
}> = [
  {
    fullName: 'Dr.ª Ana Ribeiro',
    specialties: ['evaluation', 'physio'],
    color: '#2563eb',
    saturday: true,
    en: 'Physiotherapist specialised in sports injuries and post-operative rehabilitation.',
    pt: 'Fisioterapeuta especializada em lesões desportivas e reabilitação pós-operatória.',
  },
  {
    fullName: 'Dr. Miguel Sousa',
    specialties: ['physio', 'shockwave', 'evaluation'],
    color: '#059669',
    saturday: false,
    en: 'Physiotherapist; tendinopathies and shock-wave therapy.',
    pt: 'Fisioterapeuta; tendinopatias e terapia por ondas de choque.',
  },
  {
    fullName: 'Inês Carvalho',
    specialties: ['massage', 'therapeutic'],
    color: '#d97706',
    saturday: true,
    en: 'Massage therapist: relaxation, deep tissue and lymphatic drainage.',
    pt: 'Massagista: relaxamento, tecido profundo e drenagem linfática.',
  },
  {
    fullName: 'Tiago Martins',
    specialties: ['massage', 'shockwave'],
    color: '#7c3aed',
    saturday: false,
    en: 'Sports massage and recovery for runners and cyclists.',
    pt: 'Massagem desportiva e recuperação para corredores e ciclistas.',
  },
  {
    fullName: 'Dr.ª Sofia Almeida',
    specialties: ['evaluation', 'physio', 'shockwave'],
    color: '#db2777',
    saturday: true,
    en: 'Clinical director; spine and shoulder assessment.',
    pt: 'Diretora clínica; avaliação da coluna e do ombro.',
  },
  {
    fullName: 'Rui Pereira',
    specialties: ['therapeutic', 'massage'],
    color: '#0891b2',
    saturday: false,
    en: 'Therapeutic massage for chronic pain and postural problems.',
    pt: 'Massagem terapêutica para dor crónica e problemas posturais.',
  },
];

/**
 * Fills an empty database with a realistic physiotherapy clinic in Lisbon: specialties,
 * rooms, practitioners with their hours, a few hundred patients, and appointments for the
 * past week, today and the coming two weeks. Today's past appointments are done (a few
 * no-shows), the current ones in consultation, the rest booked.
 */
export async function seedDemoClinic(db: Kysely<Database>, options: { now: number; locale: 'en' | 'pt' }): Promise<void> {
  const random = createRandom(20261121);
  const now = options.now;

  await writeSettings(db, {
    clinicName: 'Clínica Mar Azul',
    clinicAddress: 'Avenida da Liberdade 100, 1250-146 Lisboa',
    clinicPhone: '+351 210 000 000',
    timeZone: DEMO_TIME_ZONE,
    locale: options.locale,
    currency: 'EUR',
    idleLockMinutes: 10,
    slotStepMinutes: 15,
    isDemo: true,
    setUpAt: now,
  });

  const specialtyIds = new Map<SpecialtyKey, { id: number; duration: number; price: number }>();
  for (const specialty of specialties) {
    const row = await db
      .insertInto('specialties')
      .values({
        name_en: specialty.nameEn,
        name_pt: specialty.namePt,
        duration_minutes: specialty.duration,
        price_cents: specialty.price,
        ticket_prefix: specialty.prefix,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    specialtyIds.set(specialty.key, { id: row.id, duration: specialty.duration, price: specialty.price });
  }

  const roomIds: number[] = [];
  for (let index = 1; index <= practitioners.length; index++) {
    const row = await db
      .insertInto('rooms')
      .values({ name: `Sala ${index}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    roomIds.push(row.id);
  }

  const practitionerIds: number[] = [];
  for (const [index, practitioner] of practitioners.entries()) {
    const row = await db
      .insertInto('practitioners')
      .values({
        full_name: practitioner.fullName,
        default_room_id: roomIds[index]!,
        description_en: practitioner.en,
        description_pt: practitioner.pt,
        color: practitioner.color,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    practitionerIds.push(row.id);
    await db
      .insertInto('practitioner_specialties')
      .values(practitioner.specialties.map((key) => ({ practitioner_id: row.id, specialty_id: specialtyIds.get(key)!.id })))
      .execute();
    const hours: Array<{ weekday: number; start: number; end: number }> = [];
    for (let weekday = 1; weekday <= 5; weekday++) {
      hours.push({ weekday, start: 9 * 60, end: 13 * 60 }, { weekday, start: 14 * 60, end: 19 * 60 });
    }
    if (practitioner.saturday) hours.push({ weekday: 6, start: 9 * 60, end: 13 * 60 });
    await db
      .insertInto('working_hours')
      .values(hours.map((h) => ({ practitioner_id: row.id, weekday: h.weekday, start_minute: h.start, end_minute: h.end })))
      .execute();
  }

  const demoPassword = await hashPassword('demo');
  for (const account of DEMO_ACCOUNTS) {
    await insertStaff(db, {
      username: account.username,
      displayName: account.displayName,
      role: account.role,
      passwordHash: demoPassword,
      practitionerId: null,
      locale: options.locale,
      now,
    });
  }
  await insertStaff(db, {
    username: 'ana.ribeiro',
    displayName: 'Dr.ª Ana Ribeiro',
    role: 'doctor',
    passwordHash: demoPassword,
    practitionerId: practitionerIds[0]!,
    locale: options.locale,
    now,
  });

  const patientIds: number[] = [];
  const patients = generatePatients(DEMO_PATIENTS, 7);
  for (let start = 0; start < patients.length; start += 100) {
    const rows = await db
      .insertInto('patients')
      .values(patients.slice(start, start + 100).map((patient) => ({ ...patient, created_at: now, updated_at: now })))
      .returning('id')
      .execute();
    patientIds.push(...rows.map((row) => row.id));
  }

  // Appointments: each practitioner's working day filled to about 65 %, in whole slots.
  const today = DateTime.fromMillis(now, { zone: DEMO_TIME_ZONE }).startOf('day');
  // A stream of its own, so the visits' history does not change which appointments are made.
  const historyRandom = createRandom(20261122);
  const history = (startsAt: number, minutes: number) => {
    // Arrivals from 15 minutes early to 10 late; consultations within ±30 % of the booked length.
    const checkedInAt = startsAt + Math.round((historyRandom() * 25 - 15) * MINUTE_MS);
    const startedAt = Math.max(startsAt, checkedInAt) + Math.round(historyRandom() * 8 * MINUTE_MS);
    const finishedAt = startedAt + Math.round(minutes * (0.7 + historyRandom() * 0.6) * MINUTE_MS);
    return { checked_in_at: checkedInAt, called_at: startedAt, call_count: 1, started_at: startedAt, finished_at: finishedAt, status_changed_at: finishedAt };
  };
  for (let offset = -7; offset <= 14; offset++) {
    const day = today.plus({ days: offset });
    for (const [index, practitioner] of practitioners.entries()) {
      const practitionerId = practitionerIds[index]!;
      const intervals: Array<[number, number]> =
        day.weekday <= 5
          ? [
              [9 * 60, 13 * 60],
              [14 * 60, 19 * 60],
            ]
          : day.weekday === 6 && practitioner.saturday
            ? [[9 * 60, 13 * 60]]
            : [];
      const fill = offset === 0 ? 0.65 : offset < 0 ? 0.7 : Math.max(0.15, 0.6 - offset * 0.03);
      for (const [from, to] of intervals) {
        let minute = from;
        while (minute < to) {
          const key = practitioner.specialties[Math.floor(random() * practitioner.specialties.length)]!;
          const specialty = specialtyIds.get(key)!;
          if (minute + specialty.duration > to) break;
          if (random() < fill) {
            const startsAt = day.set({ hour: Math.floor(minute / 60), minute: minute % 60 }).toMillis();
            const endsAt = startsAt + specialty.duration * MINUTE_MS;
            const status = endsAt <= now ? (random() < 0.08 ? 'no_show' : 'done') : startsAt <= now ? 'in_consultation' : 'booked';
            await db
              .insertInto('appointments')
              .values({
                patient_id: patientIds[Math.floor(random() * patientIds.length)]!,
                practitioner_id: practitionerId,
                room_id: roomIds[index]!,
                specialty_id: specialty.id,
                starts_at: startsAt,
                ends_at: endsAt,
                status,
                status_changed_at: Math.min(now, status === 'booked' ? now - DAY_MS : startsAt),
                // Past days' visits carry how they went, so wait estimates learn from the demo
                // as they would from a clinic's own weeks (today's are given theirs below).
                ...(status === 'done' && offset < 0 ? history(startsAt, specialty.duration) : {}),
                price_cents: specialty.price,
                created_at: now - DAY_MS * 3,
                updated_at: now,
              })
              .execute();
            minute += specialty.duration;
          } else {
            minute += 15;
          }
        }
      }
    }
  }

  await giveTodayItsQueue(db, today.toISODate()!, today.toMillis(), now);
}

/**
 * Today's visits so far as the desk would have left them: those done with their end time
 * (the board says "Done 10:42", not the start), the ones under way with the ticket they
 * were called by; tickets numbered by arrival, per specialty, and the day's counters set
 * after them so that the next check-in carries on from there.
 */
async function giveTodayItsQueue(db: Kysely<Database>, day: string, dayStart: number, now: number): Promise<void> {
  const random = createRandom(20261207);
  const visits = await db
    .selectFrom('appointments')
    .innerJoin('specialties', 'specialties.id', 'appointments.specialty_id')
    .select(['appointments.id', 'appointments.status', 'appointments.starts_at', 'appointments.ends_at', 'specialties.ticket_prefix'])
    .where('appointments.starts_at', '>=', dayStart)
    .where('appointments.starts_at', '<=', now)
    .where('appointments.status', 'in', ['done', 'in_consultation'])
    .orderBy('appointments.starts_at')
    .orderBy('appointments.id')
    .execute();
  const arrivals = visits
    .map((visit) => ({ ...visit, checkedInAt: Math.max(dayStart, visit.starts_at - Math.round(random() * 12 * MINUTE_MS)) }))
    .sort((a, b) => a.checkedInAt - b.checkedInAt || a.id - b.id);
  const last = new Map<string, number>();
  for (const visit of arrivals) {
    const sequence = (last.get(visit.ticket_prefix) ?? 0) + 1;
    last.set(visit.ticket_prefix, sequence);
    const startedAt = Math.min(now, visit.starts_at + Math.round(random() * 4 * MINUTE_MS));
    const booked = visit.ends_at - visit.starts_at;
    const finishedAt = visit.status === 'done' ? Math.min(now, Math.max(startedAt + MINUTE_MS, startedAt + Math.round(booked * (0.8 + random() * 0.2)))) : null;
    await db
      .updateTable('appointments')
      .set({
        checked_in_at: visit.checkedInAt,
        ticket_day: day,
        ticket: formatTicket(visit.ticket_prefix, sequence),
        // Not called on the waiting-room screen: it starts with no calls of the demo's own,
        // so that the first call anyone makes is the one it shows.
        called_at: null,
        call_count: 0,
        started_at: startedAt,
        finished_at: finishedAt,
        status_changed_at: finishedAt ?? startedAt,
      })
      .where('id', '=', visit.id)
      .execute();
  }
  for (const [prefix, sequence] of last) await db.insertInto('ticket_counters').values({ day, prefix, last: sequence }).execute();
}
