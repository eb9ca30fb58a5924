import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { activeAppointmentStatuses, type Change, type EntityData, type Mutation } from '../shared/sync/cloud-api';
import { createRandom } from '../shared/random/seeded-random';
import { computeFreeSlots } from '../shared/schedule/slots';
import { dayOf, type Interval } from '../shared/schedule/wall-clock';
import { cloudClient, replay } from './cloud-client';

/**
 * Online bookings as a patient portal makes them: read the clinic's practitioners,
 * specialties and appointments from the cloud, find free times on the clinic's clock, and
 * push appointments with origin 'online'. A slot taken meanwhile (a conflict) is marked
 * busy and another one is tried, as a portal would offer the next free time.
 *
 * `npm run cloud:book -- --url http://127.0.0.1:8787 --token dev-portal-token [--count 5]
 *  [--zone Europe/Lisbon] [--days 7] [--seed 1]`
 */

export interface BookOnlineOptions {
  url: string;
  token: string;
  count: number;
  /** The clinic's time zone: working hours are on its clock. */
  zone?: string;
  /** How far ahead to look, from today on the clinic's clock. */
  days?: number;
  /** The grid slots start on, in minutes. */
  stepMinutes?: number;
  /** No booking starts before now + this. */
  leadMinutes?: number;
  now?: number;
  seed?: number;
  clientId?: string;
}

export interface OnlineBooking {
  appointmentUid: string;
  patientUid: string;
  practitionerUid: string;
  practitionerName: string;
  roomUid: string | null;
  specialtyUid: string;
  startsAt: number;
  endsAt: number;
}

const FIRST_NAMES = ['Ana', 'Beatriz', 'Carlos', 'Diogo', 'Inês', 'João', 'Leonor', 'Mariana', 'Miguel', 'Pedro', 'Rita', 'Tiago'];
const LAST_NAMES = ['Almeida', 'Carvalho', 'Costa', 'Ferreira', 'Gomes', 'Lopes', 'Martins', 'Oliveira', 'Pereira', 'Santos', 'Silva', 'Sousa'];

type Rows = Map<string, Change>;

function rowsOf<E extends 'specialty' | 'practitioner' | 'patient' | 'appointment'>(rows: Rows, entity: E): Array<{ uid: string; data: EntityData<E> }> {
  return [...rows.values()].filter((row) => row.entity === entity).map((row) => ({ uid: row.uid, data: row.data as EntityData<E> }));
}

const isActive = (status: string) => (activeAppointmentStatuses as readonly string[]).includes(status);

export async function bookOnline(options: BookOnlineOptions): Promise<OnlineBooking[]> {
  const zone = options.zone ?? 'Europe/Lisbon';
  const days = options.days ?? 7;
  const now = options.now ?? Date.now();
  const random = createRandom(options.seed ?? now);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const client = cloudClient(options.url, options.token);
  const clientId = options.clientId ?? 'patient-portal';

  const rows = replay((await client.pullAll()).changes);
  const specialties = new Map(rowsOf(rows, 'specialty').map((s) => [s.uid, s.data]));
  const practitioners = rowsOf(rows, 'practitioner').filter(
    (p) => p.data.isActive && p.data.workingHours.length > 0 && p.data.specialtyUids.some((uid) => specialties.get(uid)?.isActive),
  );
  // A portal token sees no patient register; a desk token does, and then some bookings are for known patients.
  const knownPatients = rowsOf(rows, 'patient').map((p) => p.uid);
  if (practitioners.length === 0) throw new Error('No active practitioner with working hours and an active specialty on the server.');

  const busyOf = new Map<string, Interval[]>();
  const roomBusy = new Map<string, Interval[]>();
  const addBusy = (map: Map<string, Interval[]>, key: string, interval: Interval) => {
    const list = map.get(key) ?? [];
    list.push(interval);
    map.set(key, list);
  };
  for (const { data } of rowsOf(rows, 'appointment')) {
    if (!isActive(data.status)) continue;
    addBusy(busyOf, data.practitionerUid, data);
    if (data.roomUid) addBusy(roomBusy, data.roomUid, data);
  }
  for (const p of practitioners) for (const off of p.data.timeOff) addBusy(busyOf, p.uid, off);

  // computeFreeSlots numbers practitioners and rooms: index them.
  const roomUids = [...new Set(practitioners.map((p) => p.data.defaultRoomUid).filter((uid): uid is string => uid !== null))];
  const fromDay = dayOf(zone, now);
  const notBefore = now + (options.leadMinutes ?? 60) * 60_000;

  const booked: OnlineBooking[] = [];
  let attemptsLeft = options.count * 10;
  while (booked.length < options.count && attemptsLeft-- > 0) {
    const practitioner = pick(practitioners);
    const specialtyUid = pick(practitioner.data.specialtyUids.filter((uid) => specialties.get(uid)?.isActive));
    const specialty = specialties.get(specialtyUid)!;
    const roomUid = practitioner.data.defaultRoomUid;
    const slots = computeFreeSlots({
      timeZone: zone,
      fromDay,
      days,
      stepMinutes: options.stepMinutes ?? 15,
      durationMinutes: specialty.durationMinutes,
      notBefore,
      practitioners: [
        {
          practitionerId: 0,
          roomId: roomUid === null ? null : roomUids.indexOf(roomUid),
          workingHours: practitioner.data.workingHours,
          busy: busyOf.get(practitioner.uid) ?? [],
        },
      ],
      roomBusy: new Map(roomUid === null ? [] : [[roomUids.indexOf(roomUid), roomBusy.get(roomUid) ?? []]]),
    });
    if (slots.length === 0) continue;
    const slot = pick(slots);

    const mutations: Mutation[] = [];
    let patientUid: string;
    if (knownPatients.length > 0 && random() < 0.5) {
      patientUid = pick(knownPatients);
    } else {
      patientUid = randomUUID();
      const patient: EntityData<'patient'> = {
        fullName: `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)} ${pick(LAST_NAMES)}`,
        preferredName: '',
        dateOfBirth: `${1940 + Math.floor(random() * 80)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
        sex: pick(['female', 'male'] as const),
        phone: `+351 9${Math.floor(random() * 1e8)
          .toString()
          .padStart(8, '0')}`,
        email: '',
        taxId: '',
        address: '',
        preferredLanguage: pick(['pt', 'en'] as const),
        notes: 'Booked online.',
      };
      mutations.push({ mutationId: randomUUID(), entity: 'patient', uid: patientUid, op: 'upsert', baseVersion: null, data: patient });
    }
    const appointment: EntityData<'appointment'> = {
      patientUid,
      practitionerUid: practitioner.uid,
      roomUid,
      specialtyUid,
      startsAt: slot.startsAt,
      endsAt: slot.endsAt,
      status: 'booked',
      cancelReason: '',
      notes: '',
      priceCents: specialty.priceCents,
      isWalkIn: false,
      origin: 'online',
    };
    const appointmentUid = randomUUID();
    mutations.push({ mutationId: randomUUID(), entity: 'appointment', uid: appointmentUid, op: 'upsert', baseVersion: null, data: appointment });

    const { results } = await client.push(clientId, mutations);
    const result = results[results.length - 1]!;
    if (mutations.length === 2 && results[0]!.status === 'applied') knownPatients.push(patientUid);
    if (result.status === 'applied') {
      booked.push({
        appointmentUid,
        patientUid,
        practitionerUid: practitioner.uid,
        practitionerName: practitioner.data.fullName,
        roomUid,
        specialtyUid,
        startsAt: slot.startsAt,
        endsAt: slot.endsAt,
      });
      addBusy(busyOf, practitioner.uid, slot);
      if (roomUid) addBusy(roomBusy, roomUid, slot);
    } else if (result.status === 'conflict' && result.clash) {
      // Taken meanwhile (at a desk, or by another portal request): that time is busy now.
      const busy = { startsAt: result.clash.startsAt, endsAt: result.clash.endsAt };
      if (result.clash.kind === 'practitioner') addBusy(busyOf, practitioner.uid, busy);
      else if (roomUid) addBusy(roomBusy, roomUid, busy);
    } else {
      throw new Error(`The server refused an online booking: ${JSON.stringify(result)}`);
    }
  }
  return booked;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8787' },
      token: { type: 'string', default: process.env.CLOUD_PORTAL_TOKEN ?? 'dev-portal-token' },
      count: { type: 'string', default: '1' },
      zone: { type: 'string', default: 'Europe/Lisbon' },
      days: { type: 'string', default: '7' },
      seed: { type: 'string' },
    },
  });
  const count = Number(values.count);
  const days = Number(values.days);
  if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new Error(`--count must be 1–10000, not ${values.count}`);
  if (!Number.isInteger(days) || days < 1 || days > 366) throw new Error(`--days must be 1–366, not ${values.days}`);
  const booked = await bookOnline({
    url: values.url,
    token: values.token,
    count,
    zone: values.zone,
    days,
    ...(values.seed === undefined ? {} : { seed: Number(values.seed) }),
  });
  const format = new Intl.DateTimeFormat('en-GB', { timeZone: values.zone, dateStyle: 'medium', timeStyle: 'short' });
  for (const booking of booked) {
    console.log(
      `booked ${format.format(booking.startsAt)}–${format.format(booking.endsAt).slice(-5)} with ${booking.practitionerName} (appointment ${booking.appointmentUid.slice(0, 8)})`,
    );
  }
  console.log(`${booked.length} of ${count} online booking(s) made.`);
  if (booked.length < count) process.exitCode = 2;
}

const isEntry = process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (isEntry) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
