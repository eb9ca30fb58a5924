import { randomUUID } from 'node:crypto';
import { test as base, expect } from '@playwright/test';
import type { EntityData, Mutation, MutationResult } from '../../shared/sync/cloud-api';
import { cloudClient, replay } from '../../cloud/cloud-client';
import { createTestDatabase, type TestDatabase } from '../../cloud/db/test-database';
import { startCloudServer, type CloudServer } from '../../cloud/server';
import { bookToday, clinicNow, ClinicApi, createPatient, setUpTodayClinic, type TodayClinic } from './clinic-api';
import { startHost, type RunningHost } from './host';
import { FrontDeskApp } from './page-models/app';
import { BoardPage } from './page-models/board';
import { SyncPage } from './page-models/sync';

const DESK_TOKEN = 'e2e-desk-token';
const PORTAL_TOKEN = 'e2e-portal-token';
const PULL_SECONDS = 5;

/** The reference cloud server on a port of its own, stoppable and restartable on the same port and data. */
class Cloud {
  private server: CloudServer | null = null;
  private port = 0;
  private database: TestDatabase | null = null;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.database ??= await createTestDatabase();
    this.server = await startCloudServer({
      port: this.port,
      host: '127.0.0.1',
      databaseUrl: this.database.url,
      tokens: { desk: [DESK_TOKEN], portal: [PORTAL_TOKEN] },
    });
    this.port = this.server.port;
  }

  async stop(): Promise<void> {
    await this.server?.close();
    this.server = null;
  }

  async overlaps() {
    return (await this.server?.overlaps()) ?? [];
  }

  portal() {
    return cloudClient(this.url, PORTAL_TOKEN);
  }

  async dispose(): Promise<void> {
    await this.stop();
    await this.database?.drop();
  }
}

const test = base.extend<{ cloud: Cloud; host: RunningHost; app: FrontDeskApp; admin: ClinicApi; clinic: TodayClinic }>({
  cloud: async ({}, use) => {
    const cloud = new Cloud();
    await cloud.start();
    await use(cloud);
    await cloud.dispose();
  },
  // The cloud by the environment (a desk may also seal a token, or join with a code: join-clinic.spec.ts).
  host: async ({ cloud }, use) => {
    // Some tests book hours ahead today: near midnight the host runs at noon instead.
    const host = await startHost({ demo: true, minutesOfToday: 240, env: { FRONT_DESK_CLOUD_URL: cloud.url, FRONT_DESK_CLOUD_TOKEN: DESK_TOKEN } });
    await use(host);
    await host.stop();
  },
  admin: async ({ host }, use) => {
    await use(await ClinicApi.signIn(host.url, 'admin', 'demo'));
  },
  // A practitioner working all of today, set up before sync is on: the first upload takes them to the cloud.
  clinic: async ({ admin }, use) => {
    // A specialty of its own: "another practitioner" then means the colleague below, whatever the hour.
    await use(await setUpTodayClinic(admin, undefined, 'own'));
  },
  app: async ({ page, host }, use) => {
    const app = new FrontDeskApp(page, host.url);
    await app.open();
    await use(app);
  },
});

/** An online booking as the patient portal makes one: a new patient and an appointment with origin 'online'. */
async function bookOnline(cloud: Cloud, practitionerName: string, startsAt: number, patientName: string): Promise<MutationResult> {
  const portal = cloud.portal();
  const rows = [...replay((await portal.pullAll()).changes).values()];
  const practitioner = rows.find((row) => row.entity === 'practitioner' && (row.data as EntityData<'practitioner'>).fullName === practitionerName);
  if (!practitioner) throw new Error(`${practitionerName} is not on the cloud yet`);
  const data = practitioner.data as EntityData<'practitioner'>;
  const specialtyUid = data.specialtyUids[0]!;
  const specialty = rows.find((row) => row.entity === 'specialty' && row.uid === specialtyUid)!.data as EntityData<'specialty'>;
  const patientUid = randomUUID();
  const patient: EntityData<'patient'> = {
    fullName: patientName,
    preferredName: '',
    dateOfBirth: '1979-05-17',
    sex: 'female',
    phone: '+351 917 000 111',
    email: '',
    taxId: '',
    address: '',
    preferredLanguage: 'pt',
    notes: 'Booked online.',
  };
  const appointment: EntityData<'appointment'> = {
    patientUid,
    practitionerUid: practitioner.uid,
    roomUid: data.defaultRoomUid,
    specialtyUid,
    startsAt,
    endsAt: startsAt + specialty.durationMinutes * 60_000,
    status: 'booked',
    cancelReason: '',
    notes: '',
    priceCents: specialty.priceCents,
    isWalkIn: false,
    origin: 'online',
  };
  const mutations: Mutation[] = [
    { mutationId: randomUUID(), entity: 'patient', uid: patientUid, op: 'upsert', baseVersion: null, data: patient },
    { mutationId: randomUUID(), entity: 'appointment', uid: randomUUID(), op: 'upsert', baseVersion: null, data: appointment },
  ];
  const { results } = await portal.push('patient-portal', mutations);
  return results[1]!;
}

/** Waits until this desk has nothing left to push and the last round reached the cloud. */
async function waitUntilSynced(api: ClinicApi): Promise<void> {
  await expect
    .poll(
      async () => {
        const status = await api.call('sync.status', {});
        return `${status.connection} ${status.pending}`;
      },
      { timeout: 60_000 },
    )
    .toBe('online 0');
}

test('online bookings reach the board; desk bookings wait while the cloud is down and go out when it is back', async ({
  app,
  page,
  cloud,
  clinic,
  admin,
}, testInfo) => {
  test.setTimeout(180_000);
  const sync = new SyncPage(page);
  const board = new BoardPage(page);

  await app.signIn('admin', 'demo');
  // Sync is off by default: the header says nothing about it.
  await expect(app.nav('today')).toHaveAttribute('aria-current', 'page');
  await expect(sync.indicator()).toHaveCount(0);

  await sync.enableInSettings({ pullIntervalSeconds: PULL_SECONDS });
  // The first round uploads the whole demo clinic.
  await sync.expectState('synced', { timeout: 60_000 });
  await sync.expectPending(0);
  await page.screenshot({ path: testInfo.outputPath('sync-settings.png'), fullPage: true });

  // An online booking made on the portal appears on the board by itself.
  await app.goTo('today');
  const onlineStartsAt = clinicNow().startOf('minute').plus({ minutes: 60 }).toMillis();
  const online = await bookOnline(cloud, clinic.practitionerName, onlineStartsAt, 'Helena Online Ramos');
  expect(online.status).toBe('applied');
  await expect(board.appointment('Helena Online Ramos')).toHaveCount(1, { timeout: (PULL_SECONDS + 10) * 1000 });
  await page.screenshot({ path: testInfo.outputPath('sync-online-booking.png'), fullPage: true });

  // The cloud goes away: the desk keeps booking, and says its changes are waiting.
  await cloud.stop();
  const reception = await ClinicApi.signIn(app.baseUrl, 'reception', 'demo');
  const patient = await createPatient(reception, { fullName: 'Rui Desk Offline', dateOfBirth: '1990-02-03', phone: '+351 913 222 333' });
  const deskAppointment = await reception.call('appointments.get', { id: await bookToday(reception, clinic, patient, 120) });
  await expect(board.appointment('Rui Desk Offline')).toHaveCount(1);
  await sync.expectState('offline', { timeout: 30_000 });
  await expect(sync.indicator().getByTestId('sync-pending')).toBeVisible();
  expect(Number(await sync.indicator().getAttribute('data-pending'))).toBeGreaterThan(0);
  await sync.openPanel();
  await expect(sync.panel().getByTestId('sync-panel-state')).toHaveAttribute('data-state', 'offline');
  await page.screenshot({ path: testInfo.outputPath('sync-offline.png'), fullPage: true });

  // Back: "Sync now" sends what waited.
  await cloud.start();
  await sync.syncNow();
  await expect(sync.panel().getByTestId('sync-panel-pending')).toHaveText('0', { timeout: 30_000 });
  await sync.closePanel();
  await sync.expectState('synced', { timeout: 30_000 });
  await sync.expectPending(0);

  // The desk's booking is on the cloud now, and nothing overlaps there. It is told apart by
  // its practitioner as well as its time: a demo appointment may start at the same minute.
  const cloudRows = [...replay((await cloud.portal().pullAll()).changes).values()];
  const practitionerUid = cloudRows.find(
    (row) => row.entity === 'practitioner' && (row.data as EntityData<'practitioner'>).fullName === clinic.practitionerName,
  )?.uid;
  const onCloud = cloudRows.flatMap((row) => (row.entity === 'appointment' ? [row.data as EntityData<'appointment'>] : []));
  expect(practitionerUid).toBeDefined();
  expect(onCloud.filter((row) => row.startsAt === deskAppointment.startsAt && row.practitionerUid === practitionerUid && row.origin !== 'online')).toHaveLength(
    1,
  );
  expect(await cloud.overlaps()).toEqual([]);
  await expect(admin.call('sync.issues', {})).resolves.toEqual({ conflicts: [], problems: [] });
});

test('an appointment the cloud refused is flagged on the board, with one-click ways out', async ({ app, page, cloud, clinic, admin }, testInfo) => {
  test.setTimeout(180_000);
  const sync = new SyncPage(page);
  const board = new BoardPage(page);

  // A colleague offering the same specialty today, for "another practitioner".
  const colleague = await setUpTodayClinic(admin, { practitioner: 'Dr.ª Inês Faria', room: 'Sala 8' }, { id: clinic.specialtyId });
  await admin.call('sync.updateSettings', { enabled: true, pullIntervalSeconds: PULL_SECONDS });
  await waitUntilSynced(admin);

  // Sync paused: a desk booking waits here while the portal takes the same time online.
  await admin.call('sync.updateSettings', { enabled: false });
  const reception = await ClinicApi.signIn(app.baseUrl, 'reception', 'demo');
  const patient = await createPatient(reception, {
    fullName: 'Marta Desk Conflito',
    dateOfBirth: '1985-06-07',
    phone: '+351 912 345 678',
    preferredLanguage: 'pt',
  });
  const appointmentId = await bookToday(reception, clinic, patient, 90);
  const { startsAt } = await reception.call('appointments.get', { id: appointmentId });
  const online = await bookOnline(cloud, clinic.practitionerName, startsAt, 'Paulo Online Primeiro');
  expect(online.status).toBe('applied');

  await admin.call('sync.updateSettings', { enabled: true });
  await expect.poll(async () => (await admin.call('sync.issues', {})).conflicts.map((c) => c.appointmentId), { timeout: 30_000 }).toEqual([appointmentId]);

  await app.signIn('reception', 'demo');
  const card = board.appointment('Marta Desk Conflito');
  await expect(card).toHaveAttribute('data-conflict', 'true');
  const flag = sync.conflictOn(card);
  await expect(flag).toContainText('Sync conflict');
  // Practitioner and room are both taken: the practitioner is named.
  await expect(flag.getByTestId('sync-conflict-clash')).toHaveText(
    new RegExp(`^Taken online meanwhile: \\d\\d:\\d\\d–\\d\\d:\\d\\d \\(${clinic.practitionerName}\\)$`),
  );
  await expect(sync.indicator().getByTestId('sync-conflicts')).toHaveText('1 conflict');
  await page.screenshot({ path: testInfo.outputPath('sync-conflict.png'), fullPage: true });

  // "Cancel and tell the patient": the reason is written, and how to reach them is shown.
  await card.getByRole('button', { name: 'Cancel and tell the patient: Marta Desk Conflito' }).click();
  const cancel = page.getByTestId('cancel-dialog');
  await expect(cancel.getByLabel('Reason')).toHaveValue(/taken online meanwhile/);
  await expect(cancel.getByTestId('patient-contact-phone')).toHaveText('+351 912 345 678');
  await expect(cancel.getByTestId('patient-contact-language')).toHaveText('Portuguese');
  await page.screenshot({ path: testInfo.outputPath('sync-conflict-cancel.png') });
  await cancel.getByRole('button', { name: 'Keep the appointment' }).click();
  await expect(cancel).toBeHidden();

  // "Another practitioner": the choice is open, on anyone else who offers the specialty.
  await card.getByRole('button', { name: 'Another practitioner: Marta Desk Conflito' }).click();
  const reschedule = page.getByTestId('reschedule-dialog');
  const practitionerChoice = reschedule.getByLabel('Practitioner');
  await expect(practitionerChoice).toBeFocused();
  await expect(practitionerChoice.locator('option:checked')).toHaveText('Any other practitioner');
  await expect(reschedule.getByTestId('slot-group').first()).toBeVisible();
  await expect(reschedule.getByTestId('slot-group')).toHaveCount(1);
  await expect(reschedule.getByTestId('slot-group')).toHaveAttribute('data-practitioner-id', String(colleague.practitionerId));
  await reschedule.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(reschedule).toBeHidden();

  // "Another time": the next free time of the same practitioner is already chosen.
  await card.getByRole('button', { name: 'Another time: Marta Desk Conflito' }).click();
  const move = reschedule.getByRole('button', { name: /^Move to / });
  await expect(move).toBeEnabled();
  const chosen = reschedule.locator('[data-testid="slot"][aria-pressed="true"]');
  await expect(chosen).toHaveAttribute('data-practitioner-id', String(clinic.practitionerId));
  // Not the time the cloud refused: from the end of the clash on.
  const { clash } = (await admin.call('sync.issues', {})).conflicts[0]!;
  expect(Number(await chosen.getAttribute('data-starts-at'))).toBeGreaterThanOrEqual(clash.endsAt);
  await page.screenshot({ path: testInfo.outputPath('sync-conflict-reschedule.png') });
  await move.click();
  await expect(reschedule).toBeHidden();

  // Moved and pushed: the flag goes, and the online booking that held the time shows too.
  await expect(card).not.toHaveAttribute('data-conflict', 'true', { timeout: 30_000 });
  await expect(sync.indicator().getByTestId('sync-conflicts')).toHaveCount(0, { timeout: 30_000 });
  await expect(board.appointment('Paulo Online Primeiro')).toHaveCount(1, { timeout: (PULL_SECONDS + 15) * 1000 });
  await waitUntilSynced(admin);
  expect(await cloud.overlaps()).toEqual([]);
});
