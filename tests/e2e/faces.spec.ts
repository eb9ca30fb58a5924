import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, test as base, expect, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';
import { startLocalAws, type LocalAws } from '../aws/local-aws';
import { fixtureJpegBase64 } from '../aws/face-fixtures';
import { bookToday, ClinicApi, createPatient, setUpTodayClinic, type TestPatient, type TodayClinic } from './clinic-api';
import { startHost, type RunningHost } from './host';
import { FrontDeskApp } from './page-models/app';
import { DisplayScreen } from './page-models/display';
import { FaceSettingsPage, KioskFaceCamera, PatientFacePanel } from './page-models/faces';
import { KioskScreen } from './page-models/kiosk';
import { TICKET } from './page-models/queue';

/**
 * Face check-in end to end: the real AWS SDK clients in the browser host, pointed at the local
 * Rekognition fake and s3rver (tests/aws), and Chromium's fake camera fed from the face
 * fixtures in tests/fixtures/faces: one browser per camera file.
 */
const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const fixturesDir = resolve(repoRoot, 'tests', 'fixtures', 'faces');
type CameraFile = 'astronaut' | 'cameraman' | 'empty';

const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const DESK = { viewport: { width: 1440, height: 900 } };
const TV = { viewport: { width: 1920, height: 1080 } };
const TABLET = { viewport: { width: 1280, height: 800 }, hasTouch: true };

/** Keeps every camera stream the page opens, so a test can check that none is left running. */
const TRACK_STREAMS = `
  window.__cameraStreams = [];
  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await open(constraints);
      window.__cameraStreams.push(stream);
      return stream;
    };
  }
`;

/** Camera tracks still running in the page. */
function liveCameraTracks(page: Page): Promise<number> {
  return page.evaluate<number>('window.__cameraStreams.flatMap((stream) => stream.getTracks()).filter((track) => track.readyState === "live").length');
}

const test = base.extend<{ aws: LocalAws; host: RunningHost; withCamera: (camera: CameraFile, options?: BrowserContextOptions) => Promise<Page> }>({
  aws: async ({}, use) => {
    const aws = await startLocalAws();
    await use(aws);
    await aws.stop();
  },
  // The host reads the SDK's standard variables (keys, region, endpoints) like the app would from the environment.
  host: async ({ aws }, use) => {
    // Patients are booked ten minutes from now: near midnight the host runs at noon instead.
    const host = await startHost({ demo: true, env: aws.env, minutesOfToday: 45 });
    await use(host);
    await host.stop();
  },
  withCamera: async ({}, use) => {
    const browsers: Browser[] = [];
    await use(async (camera, options = {}) => {
      const browser = await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: [
          ...BASE_ARGS,
          '--use-fake-device-for-media-stream',
          '--use-fake-ui-for-media-stream',
          `--use-file-for-fake-video-capture=${resolve(fixturesDir, `${camera}-640x480.y4m`)}`,
        ],
      });
      browsers.push(browser);
      const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Lisbon', permissions: ['camera'], ...options });
      await context.addInitScript(TRACK_STREAMS);
      return context.newPage();
    });
    for (const browser of browsers) await browser.close();
  },
});

const patientFields = { fullName: 'Eileen Marie Collins', dateOfBirth: '1976-11-19', phone: '+351 913 555 208', preferredLanguage: 'en' as const };

interface Clinic {
  admin: ClinicApi;
  clinic: TodayClinic;
  patient: TestPatient;
}

/** The test's own practitioner working all day, and the patient booked ten minutes from now (inside the kiosk's window). */
async function clinicWithAppointment(host: RunningHost): Promise<Clinic> {
  const admin = await ClinicApi.signIn(host.url, 'admin', 'demo');
  const clinic = await setUpTodayClinic(admin);
  const patient = await createPatient(admin, patientFields);
  await bookToday(admin, clinic, patient, 10);
  return { admin, clinic, patient };
}

/** The AWS set-up without the UI, for the tests about the kiosk. */
async function configureAws(admin: ClinicApi, aws: LocalAws): Promise<void> {
  await admin.call('faces.updateSettings', {
    enabled: true,
    region: aws.region,
    collectionId: aws.collectionId,
    bucket: aws.s3.bucket,
    credentialSource: 'default',
  });
  const test = await admin.call('faces.testConnection', {});
  expect(test.ok).toBe(true);
}

async function pairKiosk(admin: ClinicApi, page: Page, baseUrl: string): Promise<KioskScreen> {
  const { code } = await admin.call('devices.createPairingCode', { role: 'kiosk', name: 'Entrance tablet' });
  const kiosk = new KioskScreen(page, baseUrl);
  await kiosk.pair(code);
  return kiosk;
}

test('an admin sets up AWS, the desk enrols a consenting patient, the kiosk checks them in by face and the call reaches the display; withdrawal deletes everything', async ({
  aws,
  host,
  withCamera,
  browser,
}, testInfo) => {
  test.setTimeout(180_000);
  const { admin, clinic, patient } = await clinicWithAppointment(host);

  // The administrator, in Settings: region, collection, bucket, the endpoints of the local peers.
  const desk = await withCamera('astronaut', DESK);
  const app = new FrontDeskApp(desk, host.url);
  await app.open();
  await app.signIn('admin', 'demo');
  const settings = new FaceSettingsPage(desk);
  await settings.open();
  // The browser host seals secrets with its own key in the data folder (no OS keyring): keys may be typed here.
  await settings.form().getByTestId('face-credentials-stored').check();
  await expect(settings.form().getByTestId('face-secure-storage-problem')).toHaveCount(0);
  await expect(settings.form().getByTestId('face-access-key')).toBeEnabled();
  await settings.configure({
    region: aws.region,
    collectionId: aws.collectionId,
    bucket: aws.s3.bucket,
    rekognitionEndpoint: aws.env.AWS_ENDPOINT_URL_REKOGNITION,
    s3Endpoint: aws.env.AWS_ENDPOINT_URL_S3,
  });
  const checks = await settings.testConnection();
  expect(checks).toEqual([
    { target: 'credentials', status: 'ok', problem: null },
    { target: 'collection', status: 'created', problem: null },
    { target: 'bucket', status: 'ok', problem: null },
  ]);
  expect(aws.rekognition.collections()).toContain(aws.collectionId);
  await desk.screenshot({ path: testInfo.outputPath('face-settings.png'), fullPage: true });
  await desk.getByRole('button', { name: 'Sign out', exact: true }).click();

  // The receptionist: consent in the patient's language (and the other one on request), then three photos.
  await app.signIn('reception', 'demo');
  const face = new PatientFacePanel(desk);
  await face.openPatient(patient.fullName);
  await expect(face.status()).toHaveAttribute('data-state', 'off');
  await desk.getByTestId('face-set-up').click();
  await expect(face.consentDialog().getByTestId('face-consent-text')).toHaveAttribute('data-locale', 'en');
  await face.switchConsentLanguage('pt');
  await face.switchConsentLanguage('en');
  await face.consentDialog().getByTestId('face-consent-agree').click();
  await expect(face.consentDialog()).toBeHidden();
  await expect(face.status()).toHaveAttribute('data-state', 'consented');
  await expect(desk.getByTestId('face-consent-details')).toContainText('recorded by');

  await expect(face.captureDialog()).toBeVisible();
  await face.waitForCamera();
  await face.takePhotoWithButton();
  await face.takePhotoWithKeyboard();
  await face.takePhotoWithKeyboard();
  await desk.screenshot({ path: testInfo.outputPath('face-capture.png') });
  expect(await liveCameraTracks(desk)).toBe(1);
  await face.savePhotos();
  // The dialog is closed: its camera is off.
  expect(await liveCameraTracks(desk)).toBe(0);
  await expect(face.status()).toHaveAttribute('data-state', 'enrolled');
  await expect(desk.getByTestId('face-enrolled-details')).toContainText('3 photos');
  expect(aws.rekognition.users(aws.collectionId)).toHaveLength(1);
  expect(aws.rekognition.faces(aws.collectionId)).toHaveLength(3);
  const photoKeys = await aws.s3.listKeys();
  expect(photoKeys).toHaveLength(3);
  // Keys are opaque: nothing of the patient's name or id in them.
  for (const key of photoKeys) expect(key).not.toMatch(/eileen|collins/i);
  // Private and encrypted at rest.
  for (const put of aws.s3.requests().filter((request) => request.method === 'PUT' && request.key)) expect(put.serverSideEncryption).not.toBeNull();

  // The waiting room, and the kiosk at the entrance with the same face in front of its camera.
  const { code: displayCode } = await admin.call('devices.createPairingCode', { role: 'display', name: 'Waiting room TV' });
  const display = new DisplayScreen(await (await browser.newContext(TV)).newPage(), host.url);
  await display.pair(displayCode);
  const kioskPage = await withCamera('astronaut', TABLET);
  const kiosk = await pairKiosk(admin, kioskPage, host.url);
  const camera = new KioskFaceCamera(kioskPage);
  await expect(kioskPage.getByText('Look at the camera')).toBeVisible();
  await expect(kioskPage.getByTestId('kiosk-start')).toBeVisible();
  await expect(kiosk.result()).toHaveAttribute('data-outcome', 'checkedIn', { timeout: 20_000 });
  const ticket = (await kioskPage.getByTestId('kiosk-ticket').textContent())!.trim();
  expect(ticket).toMatch(TICKET);
  await expect(kiosk.result()).toContainText('Eileen');
  await expect(kiosk.result()).not.toContainText('Collins');
  await expect(kioskPage.getByTestId('kiosk-room')).toHaveText(clinic.roomName);
  // The camera is off on the result screen.
  await expect(camera.camera()).toHaveCount(0);
  expect(await liveCameraTracks(kioskPage)).toBe(0);
  await kioskPage.screenshot({ path: testInfo.outputPath('kiosk-face-result.png') });
  expect(aws.rekognition.requestCounts()['SearchUsersByImage']).toBe(1);
  const sent = aws.rekognition.requests('SearchUsersByImage')[0]!;
  expect(sent.imageBytes).toBeLessThanOrEqual(100 * 1024);

  await expect(display.waiting(ticket)).toBeVisible();
  const { called } = await admin.call('queue.callNext', { practitionerId: clinic.practitionerId });
  expect(called?.ticket).toBe(ticket);
  await expect(display.current()).toHaveAttribute('data-ticket', ticket);
  await expect(display.currentRoom()).toHaveText(clinic.roomName);

  // Back at the start with the same person there: the cooldown keeps them from a second check-in.
  await kiosk.done();
  await camera.waitForLive();
  await kioskPage.waitForTimeout(3_000);
  expect(aws.rekognition.requestCounts()['SearchUsersByImage']).toBe(1);

  // Withdrawal at the desk: the Rekognition user, its faces and the photos in S3 are gone.
  await face.withdraw();
  await expect(face.status()).toHaveAttribute('data-state', 'off');
  await expect(desk.getByTestId('face-set-up')).toBeVisible();
  expect(aws.rekognition.users(aws.collectionId)).toEqual([]);
  expect(aws.rekognition.faces(aws.collectionId)).toEqual([]);
  expect(await aws.s3.listKeys()).toEqual([]);
  const withdrawn = await admin.call('faces.status', { patientId: patient.id });
  expect(withdrawn.state).toBe('off');
});

test('a kiosk whose camera sees nobody sends nothing to Rekognition', async ({ aws, host, withCamera }, testInfo) => {
  const admin = await ClinicApi.signIn(host.url, 'admin', 'demo');
  await configureAws(admin, aws);
  const kioskPage = await withCamera('empty', TABLET);
  await pairKiosk(admin, kioskPage, host.url);
  const camera = new KioskFaceCamera(kioskPage);
  await camera.waitForLive();
  // Three throttle periods with frames arriving all along.
  await kioskPage.waitForTimeout(6_500);
  await kioskPage.screenshot({ path: testInfo.outputPath('kiosk-face-start.png') });
  expect(await camera.sentCount()).toBe(0);
  expect(aws.rekognition.requests('SearchUsersByImage')).toEqual([]);
  await expect(kioskPage.getByTestId('kiosk-result')).toHaveCount(0);
});

test('a face that matches nobody is sent to the birth-date check-in, with nobody else’s data on screen', async ({ aws, host, withCamera }, testInfo) => {
  const { admin, patient } = await clinicWithAppointment(host);
  await configureAws(admin, aws);
  await admin.call('faces.recordConsent', {
    patientId: patient.id,
    version: (await admin.call('faces.consentText', { patientId: patient.id })).version,
    agreed: true,
  });
  const photo = fixtureJpegBase64('astronaut');
  await admin.call('faces.enrol', { patientId: patient.id, photos: [photo, photo, photo] });

  const kioskPage = await withCamera('cameraman', TABLET);
  const kiosk = await pairKiosk(admin, kioskPage, host.url);
  await expect(kiosk.result()).toHaveAttribute('data-outcome', 'notRecognised', { timeout: 20_000 });
  await expect(kioskPage.getByTestId('kiosk-face-fallback-reason')).toHaveAttribute('data-reason', 'noMatch');
  await expect(kioskPage.getByText('We could not recognise you')).toBeVisible();
  await kioskPage.screenshot({ path: testInfo.outputPath('kiosk-face-fallback.png') });
  for (const secret of ['Eileen', 'Collins']) await expect(kioskPage.locator('body')).not.toContainText(secret);
  await expect(kioskPage.getByTestId('kiosk-face')).toHaveCount(0);
  expect(aws.rekognition.requests('SearchUsersByImage')).toHaveLength(1);

  await kioskPage.getByTestId('kiosk-face-fallback').tap();
  await expect(kioskPage.getByTestId('kiosk-dob-day')).toBeFocused();
  await kiosk.typeBirthDateAndPhone(patient.dateOfBirth, patient.phone.replace(/\D/g, '').slice(-4));
  await kiosk.submit();
  await expect(kiosk.result()).toHaveAttribute('data-outcome', 'checkedIn');
});

test('at the desk, a photo without a face is named and retaken; a computer without a camera says so', async ({ aws, host, withCamera, page }) => {
  const admin = await ClinicApi.signIn(host.url, 'admin', 'demo');
  await configureAws(admin, aws);
  const patient = await createPatient(admin, { ...patientFields, preferredLanguage: 'pt' });

  const desk = await withCamera('empty', DESK);
  const app = new FrontDeskApp(desk, host.url);
  await app.open();
  await app.signIn('reception', 'demo');
  const face = new PatientFacePanel(desk);
  await face.openPatient(patient.fullName);
  // The patient reads Portuguese: the consent text starts in it.
  await face.recordConsent('pt');
  await face.waitForCamera();
  await face.takePhotoWithButton();
  await face.takePhotoWithKeyboard();
  await face.takePhotoWithKeyboard();
  await face.captureDialog().getByTestId('face-save-photos').click();
  const problem = face.captureDialog().getByTestId('face-photo-problem');
  await expect(problem).toHaveText('Photo 1 cannot be used: no face was found in it. Retake it.');
  await expect(problem).toHaveAttribute('data-photo', '0');
  await expect(face.photos().nth(0)).toHaveAttribute('data-problem', 'true');
  // Nothing was kept of a refused enrolment.
  expect(aws.rekognition.users(aws.collectionId)).toEqual([]);
  expect(await aws.s3.listKeys()).toEqual([]);
  await face.photos().nth(0).getByTestId('face-photo-retake').click();
  await expect(face.takenPhotos()).toHaveCount(2);
  await expect(problem).toHaveCount(0);
  await desk.keyboard.press('Escape');
  await expect(face.captureDialog()).toBeHidden();
  expect(await liveCameraTracks(desk)).toBe(0);
  await expect(face.status()).toHaveAttribute('data-state', 'consented');

  // The test runner's own browser has no camera at all.
  const other = new FrontDeskApp(page, host.url);
  await other.open();
  await other.signIn('reception', 'demo');
  const noCamera = new PatientFacePanel(page);
  await noCamera.openPatient(patient.fullName);
  await page.getByTestId('face-take-photos').click();
  await expect(noCamera.captureDialog().getByTestId('face-camera-problem')).toBeVisible();
  await expect(noCamera.captureDialog().getByTestId('face-take-photo')).toBeDisabled();
});

test('a withdrawal that stops halfway is shown as such and finished from the patient’s page', async ({ aws, host, page }) => {
  const admin = await ClinicApi.signIn(host.url, 'admin', 'demo');
  await configureAws(admin, aws);
  const patient = await createPatient(admin, patientFields);
  await admin.call('faces.recordConsent', {
    patientId: patient.id,
    version: (await admin.call('faces.consentText', { patientId: patient.id })).version,
    agreed: true,
  });
  const photo = fixtureJpegBase64('astronaut');
  await admin.call('faces.enrol', { patientId: patient.id, photos: [photo, photo, photo] });

  const app = new FrontDeskApp(page, host.url);
  await app.open();
  await app.signIn('reception', 'demo');
  const face = new PatientFacePanel(page);
  await face.openPatient(patient.fullName);
  await expect(face.status()).toHaveAttribute('data-state', 'enrolled');

  // AWS fails after the user is deleted, through all of the desk's three attempts.
  aws.rekognition.failNext('DeleteFaces', { type: 'InternalServerError', status: 500, times: 3 });
  await page.getByTestId('face-withdraw').click();
  const dialog = page.getByTestId('face-withdraw-dialog');
  await dialog.getByTestId('face-withdraw-confirm').click();
  await expect(dialog.getByTestId('error-message')).toHaveAttribute('data-error-code', 'WITHDRAWAL_UNFINISHED');
  await expect(dialog.getByTestId('error-message')).toContainText('face search entry removed');
  await page.keyboard.press('Escape');
  await expect(face.status()).toHaveAttribute('data-state', 'withdrawing');
  expect(aws.rekognition.faces(aws.collectionId)).toHaveLength(3);

  await page.getByTestId('face-finish-withdrawal').click();
  await expect(face.status()).toHaveAttribute('data-state', 'off', { timeout: 20_000 });
  expect(aws.rekognition.users(aws.collectionId)).toEqual([]);
  expect(aws.rekognition.faces(aws.collectionId)).toEqual([]);
  expect(await aws.s3.listKeys()).toEqual([]);
});
