import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchOptions, BenchResult } from './harness';

/**
 * `npm run bench [-- --json] [--patients N] [--only name,…]`: every figure the issues name,
 * each beside its reference measured in the same run.
 */
const suites: Array<{ name: string; load: () => Promise<{ run(options: BenchOptions): Promise<BenchResult[]> }> }> = [
  { name: 'patients', load: () => import('./patients.bench') },
  { name: 'schedule', load: () => import('./schedule.bench') },
  { name: 'queue', load: () => import('./queue.bench') },
  { name: 'ui', load: () => import('./ui.bench') },
  { name: 'display', load: () => import('./display.bench') },
  { name: 'sync', load: () => import('./sync.bench') },
  { name: 'sync-join', load: async () => ({ run: (await import('./sync.bench')).runJoin }) },
  { name: 'cloud', load: () => import('./cloud.bench') },
  { name: 'faces', load: () => import('./faces.bench') },
  { name: 'reports', load: () => import('./reports.bench') },
];

function printTable(results: BenchResult[]): void {
  const rows = results.map((r) => [
    r.name,
    r.p50_ms.toFixed(3),
    r.p95_ms.toFixed(3),
    r.ref_p95_ms === undefined ? '' : r.ref_p95_ms.toFixed(3),
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`,
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  const header = ['benchmark', 'p50 ms', 'p95 ms', 'ref p95 ms', 'ratio', 'target', 'met'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      patients: { type: 'string', default: '1000000' },
      only: { type: 'string' },
    },
  });
  const patients = Number(values.patients);
  if (!Number.isInteger(patients) || patients < 1 || patients > 20_000_000) {
    console.error('--patients must be a whole number from 1 to 20,000,000');
    process.exit(2);
  }
  const only = values.only ? new Set(values.only.split(',')) : null;
  const workDir = mkdtempSync(join(tmpdir(), 'fd-bench-'));
  const options: BenchOptions = { patients, json: values.json, workDir };
  const results: BenchResult[] = [];
  try {
    for (const suite of suites) {
      if (only && !only.has(suite.name)) continue;
      if (!values.json) console.error(`running ${suite.name} benchmarks (${patients.toLocaleString('en')} patients)…`);
      const { run } = await suite.load();
      for (const result of await run(options)) {
        results.push(result);
        if (values.json) console.log(JSON.stringify(result));
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  if (!values.json) printTable(results);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
