/// <reference lib="dom" />
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { startFrontDesk } from '../electron/app/front-desk';
import { insertPatientsBulk, patientRows } from '../electron/demo/patient-generator';
import { startWebHost } from '../electron/host/web-host';
import { compare, type BenchOptions, type BenchResult, type Timing, percentile } from './harness';

/**
 * Installed in the page before the last key: resolves with the time from that key's
 * keydown to the next frame after the results for the query are in the DOM.
 */
const MEASURE_NEXT_RESULTS = `
  window.__measure = new Promise((resolve) => {
    let keyAt;
    const field = document.querySelector('[data-testid="patient-search"]');
    field.addEventListener('keydown', () => { keyAt = performance.now(); }, { once: true, capture: true });
    const observer = new MutationObserver(() => {
      const shown = document.querySelector('[data-results-for]')?.getAttribute('data-results-for');
      if (keyAt !== undefined && shown === QUERY) {
        observer.disconnect();
        requestAnimationFrame(() => resolve(performance.now() - keyAt));
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  // The script's value must not be the promise, or evaluate() would wait for the key not yet pressed.
  undefined;
`;

const rendererDir = fileURLToPath(new URL('../dist/renderer', import.meta.url));

/** What a receptionist types: surname and first-name prefixes, the end of a phone number, a NIF. */
function queries(sample: Array<{ full_name: string; phone_digits: string; tax_id: string }>): string[] {
  const out: string[] = [];
  for (const [index, patient] of sample.entries()) {
    const words = patient.full_name.split(' ');
    const surname = words[words.length - 1]!;
    switch (index % 4) {
      case 0:
        out.push(surname.slice(0, 4));
        break;
      case 1:
        out.push(`${words[0]!.slice(0, 3)} ${surname.slice(0, 3)}`);
        break;
      case 2:
        out.push(patient.phone_digits.slice(-5));
        break;
      default:
        out.push(patient.tax_id.slice(0, 6));
    }
  }
  // The last key is pressed as a real keydown, which Playwright can do only for keys on a US layout.
  return out.filter((query) => query.trim().length >= 2 && /[A-Za-z0-9]$/.test(query));
}

function timing(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), samples: sorted.length };
}

/**
 * `ui.searchKeystroke`: in Chromium against the browser host with N patients, from the
 * keydown of the last character typed in the search box to the results for that query in
 * the DOM and painted (the next animation frame). Reference: the same search as a bare
 * `fetch` of the HTTP API from the same page, i.e. everything except the UI's own work.
 */
export async function run(options: BenchOptions): Promise<BenchResult[]> {
  if (!existsSync(join(rendererDir, 'index.html'))) throw new Error('ui bench: the renderer is not built (npm run build)');
  const dataDir = join(options.workDir, 'ui');
  const app = await startFrontDesk({ dataDir, demo: true });
  const existing = (app.database.sqlite.prepare('SELECT count(*) AS n FROM patients').get() as { n: number }).n;
  const extra = Math.max(0, options.patients - existing);
  const sample: Array<{ full_name: string; phone_digits: string; tax_id: string }> = [];
  let index = 0;
  const sampleEvery = Math.max(1, Math.floor(extra / 120));
  insertPatientsBulk(
    app.database.sqlite,
    (function* () {
      for (const row of patientRows(extra, 424242)) {
        if (index++ % sampleEvery === 0) sample.push(row);
        yield row;
      }
    })(),
  );
  const host = await startWebHost({ app, rendererDir, port: 0 });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(host.url);
    await page.getByLabel('Username').fill('reception');
    await page.getByLabel('Password', { exact: true }).fill('demo');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('nav-patients').click();
    const input = page.getByTestId('patient-search');
    await input.waitFor();

    const ui: number[] = [];
    const api: number[] = [];
    for (const query of queries(sample).slice(0, 100)) {
      const prefix = query.slice(0, -1);
      await input.fill(prefix);
      await page.locator(`[data-results-for=${JSON.stringify(prefix.trim())}]`).waitFor({ state: 'attached' });
      await input.focus();
      // Passed as text: tsx's transform would wrap inline functions in a helper the page lacks.
      await page.evaluate(MEASURE_NEXT_RESULTS.replace('QUERY', JSON.stringify(query.trim())));
      await page.keyboard.press(query.slice(-1) === ' ' ? 'Space' : query.slice(-1));
      ui.push(await page.evaluate<number>('window.__measure'));
      api.push(
        await page.evaluate(`(async () => {
          const start = performance.now();
          const response = await fetch('/api/rpc/patients.search', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-front-desk': '1' },
            body: JSON.stringify({ query: ${JSON.stringify(query)} }),
          });
          await response.json();
          return performance.now() - start;
        })()`),
      );
    }
    return [compare('ui.searchKeystroke', timing(ui), timing(api), 'p95 ≤ 100 ms', (r) => r.p95_ms <= 100)].map((result) => ({
      ...result,
      patients: existing + extra,
      reference: 'fetch of /api/rpc/patients.search from the page',
    }));
  } finally {
    await browser.close();
    await host.close();
    await app.close();
  }
}
