import { mkdirSync, readFileSync } from 'node:fs';
import { ClinicApi, clinicNow, createPatient, setUpTodayClinic, bookToday } from './clinic-api';
import { test, expect } from './fixtures';

const SCREENS = '/work/screens/reports';

test.use({ minutesOfToday: 90 });

test('an admin opens Reports, switches period, reads a chart and its table, and exports CSV; a receptionist sees only their own day', async ({
  app,
  page,
  host,
}) => {
  mkdirSync(SCREENS, { recursive: true });
  // Every CSP refusal, however the browser reports it: the charts must draw under the app's policy.
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => console.error(`Refused to: CSP ${event.violatedDirective} ${event.blockedURI}`));
  });

  const admin = await ClinicApi.signIn(host.url, 'admin', 'demo');
  const clinic = await setUpTodayClinic(admin, { practitioner: 'Dr. Rita Relatório', room: 'Sala R' }, 'own');
  const desk = await ClinicApi.signIn(host.url, 'reception', 'demo');
  const kept = await createPatient(desk, { fullName: 'Inês Estatística', dateOfBirth: '1977-07-07', phone: '936 555 021' });
  const dropped = await createPatient(desk, { fullName: 'Rui Cancelado', dateOfBirth: '1980-08-08', phone: '936 555 022' });
  await bookToday(desk, clinic, kept, 30);
  const cancelled = await bookToday(desk, clinic, dropped, 60);
  await desk.call('appointments.cancel', { id: cancelled, reason: 'Patient phoned' });
  const today = clinicNow().toISODate()!;
  // The contract, not only the UI, keeps the clinic's figures from a receptionist.
  expect((await desk.raw('reports.get', { from: today, to: today })).body.error?.code).toBe('FORBIDDEN');

  await app.signIn('admin', 'demo');
  await app.goTo('reports');
  const view = page.getByTestId('reports-view');
  await expect(view.getByRole('heading', { name: 'Reports', level: 1 })).toBeVisible();
  await expect(view.getByTestId('reports-period-week')).toHaveAttribute('aria-pressed', 'true');
  const row = view.getByTestId('reports-practitioners').getByRole('row', { name: /Dr\. Rita Relatório/ });
  // Booked 2, attended 0, cancelled 1, at this desk 1, elsewhere 0.
  await expect(row.getByRole('cell').nth(0)).toHaveText('2');
  await expect(row.getByRole('cell').nth(2)).toHaveText('1');
  await expect(row.getByRole('cell').nth(3)).toHaveText('1');

  // The chart draws (recharts' SVG), and its numbers are a table for screen readers, shown on demand.
  const chart = view.getByTestId('report-over-time');
  await expect(chart.locator('.recharts-wrapper > svg.recharts-surface')).toBeVisible();
  await expect(chart.locator('.recharts-bar-rectangle').first()).toBeAttached();
  const table = view.getByTestId('report-over-time-table');
  await expect(table).toHaveClass(/visually-hidden/);
  await expect(page.getByRole('table', { name: 'Appointments per period: booked, attended, no-shows, cancelled and walk-ins' })).toBeAttached();
  await view.getByTestId('report-over-time-toggle').click();
  await expect(view.getByTestId('report-over-time-toggle')).toHaveAttribute('aria-expanded', 'true');
  await expect(table).toBeVisible();
  await expect(table.getByRole('row')).toHaveCount(1 + 7);

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${SCREENS}/reports-week-1280.png` });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: `${SCREENS}/reports-week-1440.png` });
  await view.getByTestId('reports-specialties').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENS}/reports-week-1440-tables.png` });

  // Print: the browser's own, with the app's frame left out of the page.
  await page.evaluate(() => {
    window.print = () => document.body.setAttribute('data-printed', 'yes');
  });
  await view.getByTestId('reports-print').click();
  await expect(page.locator('body')).toHaveAttribute('data-printed', 'yes');
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.sidebar')).toBeHidden();
  await expect(view.getByTestId('reports-export')).toBeHidden();
  await expect(view.getByTestId('reports-cards')).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/reports-print-1440.png`, fullPage: true });
  await page.emulateMedia({ media: 'screen' });

  // A day: the chart goes by the hour.
  await view.getByTestId('reports-period-day').click();
  await expect(view.getByTestId('reports-period-day')).toHaveAttribute('aria-pressed', 'true');
  await expect(table.getByRole('row').nth(1).getByRole('rowheader')).toHaveText('00:00');
  await expect(row.getByRole('cell').nth(0)).toHaveText('2');
  // A month, by the day.
  await view.getByTestId('reports-period-month').click();
  await expect(table.getByRole('row')).toHaveCount(1 + clinicNow().daysInMonth!);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${SCREENS}/reports-month-1280.png` });

  const [download] = await Promise.all([page.waitForEvent('download'), view.getByTestId('reports-export').click()]);
  expect(download.suggestedFilename()).toMatch(/^report-\d{4}-\d{2}-01-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv.startsWith('\uFEFF"Section","Name","From","To","Booked","Attended","Cancelled"')).toBe(true);
  expect(csv).toMatch(/"Practitioner","Dr\. Rita Relatório","[\d-]+","[\d-]+","2","0","1","1","0"/);
  await expect(app.toast()).toContainText('Exported');

  // A receptionist: their own bookings of today, nothing to pick.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await app.signIn('reception', 'demo');
  await app.goTo('reports');
  await expect(view.getByText('Your figures for today: the appointments you booked.')).toBeVisible();
  await expect(view.getByTestId('reports-period-week')).toHaveCount(0);
  await expect(
    view
      .getByTestId('reports-practitioners')
      .getByRole('row', { name: /Dr\. Rita Relatório/ })
      .getByRole('cell')
      .nth(0),
  ).toHaveText('2');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${SCREENS}/reports-receptionist-1280.png` });

  expect(violations).toEqual([]);
});
