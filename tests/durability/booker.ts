/**
 * Child process of the durability test: opens the clinic database and books appointments
 * through the real dispatcher as fast as it can, printing `ack <id>` for each booking the
 * dispatcher acknowledged. The parent kills it with SIGKILL at a random moment.
 */
import { DateTime } from 'luxon';
import { startFrontDesk } from '../../electron/app/front-desk';
import { callAs, localCaller } from '../../electron/rpc/local-caller';

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  const round = Number(process.argv[3] ?? 0);
  if (!dataDir) throw new Error('usage: booker.ts DATA_DIR ROUND');
  const app = await startFrontDesk({ dataDir, demo: true });
  const caller = localCaller(app.sessions, 'durability');
  await callAs(app.dispatch, caller, 'auth.signIn', { username: 'reception', password: 'demo' });
  const settings = await callAs(app.dispatch, caller, 'settings.get', {});
  const specialties = await callAs(app.dispatch, caller, 'specialties.list', {});
  const patients = (app.database.sqlite.prepare('SELECT id FROM patients ORDER BY id LIMIT 50').all() as Array<{ id: number }>).map((row) => row.id);
  const shortest = [...specialties].sort((a, b) => a.durationMinutes - b.durationMinutes)[0]!;

  // Each round books further into the future, so rounds never compete for the same slots.
  let day = DateTime.now()
    .setZone(settings.timeZone)
    .plus({ days: 20 + round * 14 })
    .startOf('day');
  let booked = 0;
  process.stdout.write('ready\n');
  for (;;) {
    const { slots } = await callAs(app.dispatch, caller, 'schedule.freeSlots', { specialtyId: shortest.id, day: day.toISODate()!, days: 1 });
    for (const slot of slots) {
      const appointment = await callAs(app.dispatch, caller, 'appointments.book', {
        patientId: patients[booked % patients.length]!,
        specialtyId: shortest.id,
        practitionerId: slot.practitionerId,
        startsAt: slot.startsAt,
      }).catch((error: unknown) => {
        // Another practitioner's slot can share a room; a refusal is fine, a lost ack is not.
        if ((error as { code?: string }).code === 'SLOT_TAKEN') return null;
        throw error;
      });
      if (appointment) {
        booked += 1;
        process.stdout.write(`ack ${appointment.id}\n`);
      }
    }
    day = day.plus({ days: 1 });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
