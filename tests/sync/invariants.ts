import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { EntityData, PushRequest, PushResponse } from '../../shared/sync/cloud-api';
import { replay } from '../../cloud/cloud-client';
import type { TestCloud } from '../../cloud/test-fixtures';
import type { FaultProxy } from './fault-proxy';
import type { AppointmentView, SyncDesk } from './sync-fixtures';

/** The cloud's appointments, as the desks' `appointments()` shows theirs. */
export async function serverAppointments(cloud: TestCloud): Promise<AppointmentView[]> {
  const rows = replay((await cloud.desk.pullAll(null, 1000)).changes);
  return [...rows.values()]
    .filter((row) => row.entity === 'appointment')
    .map((row) => {
      const data = row.data as EntityData<'appointment'>;
      return {
        uid: row.uid,
        patientUid: data.patientUid,
        practitionerUid: data.practitionerUid,
        roomUid: data.roomUid,
        specialtyUid: data.specialtyUid,
        startsAt: data.startsAt,
        endsAt: data.endsAt,
        status: data.status,
      };
    })
    .sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
}

export interface AckedState {
  startsAt: number;
  status: string;
  /** Which desk (or 'online') was told it succeeded. */
  by: string;
}

/** What desks and the portal were told succeeded: per appointment, the last acknowledged state, the count, and every one in order. */
export type Acked = Map<string, AckedState & { writes: number; history: AckedState[] }>;

export function ack(acked: Acked, uid: string, state: AckedState): void {
  const before = acked.get(uid);
  acked.set(uid, { ...state, writes: (before?.writes ?? 0) + 1, history: [...(before?.history ?? []), state] });
}

/**
 * Syncs every desk until nothing is waiting, resolving each appointment the cloud refused
 * the way staff would ("cancel and tell the patient"), and recording the cancel as acknowledged.
 */
export async function settle(desks: readonly SyncDesk[], acked: Acked, rounds = 12): Promise<number> {
  let resolved = 0;
  for (let round = 0; round < rounds; round++) {
    let isQuiet = true;
    for (const desk of desks) {
      const status = await desk.sync();
      if (status.connection !== 'online' || status.pending > 0) isQuiet = false;
      const { conflicts } = await desk.ok(desk.reception, 'sync.issues', {});
      for (const conflict of conflicts) {
        isQuiet = false;
        const cancelled = await desk.ok(desk.reception, 'appointments.cancel', { id: conflict.appointmentId, reason: 'Slot taken online; patient told' });
        ack(acked, desk.uidOf('appointments', cancelled.id), { startsAt: cancelled.startsAt, status: 'cancelled', by: desk.name });
        resolved += 1;
      }
    }
    if (isQuiet && round > 0) {
      // One more pass: everyone has pulled what the last pushes brought.
      for (const desk of desks) await desk.sync();
      return resolved;
    }
  }
  throw new Error('the desks did not settle');
}

const overlapsSql = (kind: 'practitioner_id' | 'room_id') => `
  SELECT count(*) AS n FROM appointments a JOIN appointments b
    ON a.id < b.id AND a.${kind} = b.${kind} AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
  WHERE a.status NOT IN ('cancelled', 'no_show') AND b.status NOT IN ('cancelled', 'no_show')`;

/**
 * After settling: all replicas equal (every desk and the cloud), no overlap anywhere, every
 * acknowledged write present in its acknowledged state, none applied twice (each applied
 * answer the cloud recorded is exactly one change in its log; no desk met its own change as
 * a stale conflict), nothing left waiting.
 */
/** Appointment states the cloud applied from desks' pushes, by uid (as the proxies saw the answers). */
export function appliedStates(proxies: readonly FaultProxy[]): Map<string, Array<{ startsAt: number; status: string }>> {
  const states = new Map<string, Array<{ startsAt: number; status: string }>>();
  for (const proxy of proxies) {
    for (const exchange of proxy.pushes) {
      const request = exchange.request as PushRequest;
      const results = new Map((exchange.response as PushResponse).results.map((result) => [result.mutationId, result]));
      for (const mutation of request.mutations) {
        if (mutation.entity !== 'appointment' || mutation.data === null || results.get(mutation.mutationId)?.status !== 'applied') continue;
        const data = mutation.data as EntityData<'appointment'>;
        states.set(mutation.uid, [...(states.get(mutation.uid) ?? []), { startsAt: data.startsAt, status: data.status }]);
      }
    }
  }
  return states;
}

export async function expectInvariants(
  cloud: TestCloud,
  desks: readonly SyncDesk[],
  acked: Acked,
  options: { isConcurrent?: boolean; proxies?: readonly FaultProxy[] } = {},
): Promise<void> {
  const server = await serverAppointments(cloud);
  for (const desk of desks) {
    expect(desk.appointments(), `${desk.name} equals the cloud`).toEqual(server);
    const sqlite = desk.desk.database.sqlite;
    expect(sqlite.prepare(overlapsSql('practitioner_id')).get(), `${desk.name} practitioner overlaps`).toEqual({ n: 0 });
    expect(sqlite.prepare(overlapsSql('room_id')).get(), `${desk.name} room overlaps`).toEqual({ n: 0 });
    expect(sqlite.prepare('SELECT count(*) AS n FROM sync_parked').get(), `${desk.name} parked rows`).toEqual({ n: 0 });
    const status = await desk.ok(desk.reception, 'sync.status', {});
    expect(status, `${desk.name} status`).toMatchObject({ pending: 0, conflicts: 0, ...(options.isConcurrent ? {} : { problems: 0 }) });
  }
  expect(await cloud.server.overlaps()).toEqual([]);

  const byUid = new Map(server.map((row) => [row.uid, row]));
  const isSame = (row: AppointmentView | undefined, state: AckedState) => row !== undefined && row.startsAt === state.startsAt && row.status === state.status;
  if (!options.isConcurrent) {
    const lost = [...acked].filter(([uid, state]) => !isSame(byUid.get(uid), state));
    expect(lost, 'acknowledged writes missing or not in their acknowledged state').toEqual([]);
  } else {
    // Desks edited the same appointments: the cloud's state is one somebody was told they
    // made, and each desk's last word on an appointment reached the cloud (it may have been
    // changed again since by someone who saw it), or the desk was told it did not.
    const invented = [...acked].filter(([uid, state]) => !state.history.some((one) => isSame(byUid.get(uid), one)));
    expect(invented, 'appointments in a state nobody made').toEqual([]);
    const applied = appliedStates(options.proxies ?? []);
    for (const desk of desks) {
      const superseded = new Set(
        (
          desk.desk.database.sqlite.prepare(`SELECT uid FROM sync_problems WHERE entity = 'appointment' AND reason = 'SUPERSEDED'`).all() as Array<{
            uid: string;
          }>
        ).map((row) => row.uid),
      );
      const silentlyLost = [...acked].filter(([uid, state]) => {
        const own = state.history.filter((one) => one.by === desk.name).at(-1);
        const reached = (applied.get(uid) ?? []).some((state) => state.startsAt === own?.startsAt && state.status === own.status);
        return own !== undefined && !isSame(byUid.get(uid), own) && !reached && !superseded.has(uid);
      });
      expect(silentlyLost, `${desk.name}: own writes lost without a word`).toEqual([]);
    }
  }
  // No appointment the cloud has that nobody was told about (a duplicate would be one).
  expect(server.filter((row) => !acked.has(row.uid)).map((row) => row.uid)).toEqual([]);

  // A change applied twice would leave a row at a version above the writes that made it
  // (consecutive unsent writes of a row fold into one change, so it may be below). A row
  // created after tombstones were purged starts above the highest purged version: counted
  // from there (for a row older than the last purge this only undercounts).
  const floor = await cloud.purgedVersion();
  const versions = new Map(
    (
      await cloud.server.query<{ uid: string; version: number }>(`SELECT uid, version FROM rows WHERE clinic_id = $1 AND entity = 'appointment'`, [
        cloud.server.clinicId,
      ])
    ).map((row) => [row.uid, row.version > floor ? row.version - floor : row.version]),
  );
  const overApplied = [...acked]
    .filter(([uid, state]) => (versions.get(uid) ?? 0) > state.writes)
    .map(([uid, state]) => ({ uid, writes: state.writes, version: versions.get(uid) }));
  expect(overApplied, 'rows changed more often on the cloud than they were written').toEqual([]);

  const applied = await cloud.appliedAnswers();
  expect(applied, 'applied answers = changes in the log').toBe(await cloud.server.lastSeq());
}

/** An online booking as the patient portal makes it (a new patient, origin 'online'); null when the slot is taken. */
export async function bookOnline(
  cloud: TestCloud,
  refs: { practitionerUid: string; roomUid: string | null; specialtyUid: string },
  startsAt: number,
  minutes = 30,
): Promise<string | null> {
  const patientUid = randomUUID();
  const appointmentUid = randomUUID();
  const { results } = await cloud.portal.push('portal', [
    {
      mutationId: randomUUID(),
      entity: 'patient',
      uid: patientUid,
      op: 'upsert',
      baseVersion: null,
      data: {
        fullName: 'Online Patient',
        preferredName: '',
        dateOfBirth: '1991-03-03',
        sex: 'unknown',
        phone: '',
        email: '',
        taxId: '',
        address: '',
        preferredLanguage: 'pt',
        notes: '',
      },
    },
    {
      mutationId: randomUUID(),
      entity: 'appointment',
      uid: appointmentUid,
      op: 'upsert',
      baseVersion: null,
      data: {
        patientUid,
        practitionerUid: refs.practitionerUid,
        roomUid: refs.roomUid,
        specialtyUid: refs.specialtyUid,
        startsAt,
        endsAt: startsAt + minutes * 60_000,
        status: 'booked',
        cancelReason: '',
        notes: '',
        priceCents: 4000,
        isWalkIn: false,
        origin: 'online',
      },
    },
  ]);
  return results[1]?.status === 'applied' ? appointmentUid : null;
}
