/**
 * Child process of the enrolment recovery test: opens a desk's data folder (AWS endpoints
 * and keys come from the environment) and enrols one patient, printing `enrolling` first.
 * The parent kills it with SIGKILL while AWS holds an answer back.
 */
import { fixtureJpegBase64 } from '../../tests/aws/face-fixtures';
import { startFrontDesk } from '../app/front-desk';

async function main(): Promise<void> {
  const [dataDir, nowText, patientText, staffText] = process.argv.slice(2);
  if (!dataDir || !nowText || !patientText || !staffText) throw new Error('usage: enrolment-recovery.child.ts DIR NOW PATIENT STAFF');
  const now = Number(nowText);
  const desk = await startFrontDesk({ dataDir, now: () => now });
  const photos = [
    fixtureJpegBase64('astronaut'),
    fixtureJpegBase64('astronaut', { quality: 70, scale: 0.9 }),
    fixtureJpegBase64('astronaut', { brightness: 8 }),
  ];
  process.stdout.write('enrolling\n');
  const actor = { staffId: Number(staffText), role: 'receptionist', practitionerId: null, workstation: 'child desk' } as const;
  const status = await desk.faces.services.enrolment.enrol(Number(patientText), photos, actor);
  process.stdout.write(`enrolled ${status.state}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
