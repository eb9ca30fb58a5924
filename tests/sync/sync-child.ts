/**
 * Child process of the kill test: opens a desk's data folder, books appointments (printing
 * `ack <uid>` for each one the desk acknowledged), then syncs (printing `syncing` first).
 * The parent kills it with SIGKILL in the middle of a push.
 */
import { DateTime } from 'luxon';
import { startSyncDesk, TIME_ZONE } from './sync-fixtures';

async function main(): Promise<void> {
  const [dataDir, cloudUrl, token, clockText, roundText, countText] = process.argv.slice(2);
  if (!dataDir || !cloudUrl || !token || !clockText || !roundText || !countText) throw new Error('usage: sync-child.ts DIR URL TOKEN NOW ROUND COUNT');
  const clock = { now: Number(clockText) };
  const desk = await startSyncDesk({ name: `child${roundText}`, clock, cloudUrl, token, dataDir });
  const practitioners = (desk.desk.database.sqlite.prepare('SELECT id FROM practitioners ORDER BY id').all() as Array<{ id: number }>).map((row) => row.id);
  const patients = (desk.desk.database.sqlite.prepare('SELECT id FROM patients ORDER BY id').all() as Array<{ id: number }>).map((row) => row.id);
  const specialty = desk.desk.database.sqlite.prepare('SELECT id FROM specialties ORDER BY id LIMIT 1').pluck().get() as number;
  // Each round books its own week: rounds never compete for slots.
  const monday = DateTime.fromISO('2030-01-07T09:00', { zone: TIME_ZONE }).plus({ weeks: Number(roundText) });
  for (let index = 0; index < Number(countText); index++) {
    const startsAt = monday.plus({ days: Math.floor(index / 16) % 5, minutes: 30 * (Math.floor(index / 2) % 8) }).toMillis();
    const booked = await desk.ok(desk.reception, 'appointments.book', {
      patientId: patients[index % patients.length]!,
      specialtyId: specialty,
      practitionerId: practitioners[index % practitioners.length]!,
      startsAt,
    });
    process.stdout.write(`ack ${desk.uidOf('appointments', booked.id)}\n`);
  }
  process.stdout.write('syncing\n');
  for (;;) {
    const status = await desk.sync();
    process.stdout.write(`synced ${status.pending}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
