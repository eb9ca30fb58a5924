#!/usr/bin/env node
// Electronegativity over the app's own code (electron/ and renderer/, tests left out), failing
// on every finding of MEDIUM severity or above that security/electronegativity-reviewed.json
// does not explain. The tool itself always exits 0, so its findings are read and judged here.
//
//   node scripts/electronegativity.mjs [--root <dir>] [--reviewed <file>] [--offline]
//
// --offline skips the one check that needs the network (Electron's release list, to see
// whether a security fix is out for our version). Without it, a failed connection is
// reported by the tool and does not fail the run.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const requireFromRepo = createRequire(join(repo, 'package.json'));

const SCANNED_FOLDERS = ['electron', 'renderer'];
const SCANNED_FILE = /\.(m?js|cjs|jsx|ts|tsx|html?)$/;
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;
const MEDIUM = 2;
// The tool rates an explicit `nodeIntegration: true` as INFORMATIONAL (it assumes the page is
// trusted); in Front Desk node integration in a renderer is never acceptable.
const ALWAYS_FAILS = new Set(['NODE_INTEGRATION_JS_CHECK', 'NODE_INTEGRATION_HTML_CHECK', 'NODE_INTEGRATION_ATTACH_EVENT_JS_CHECK']);

function option(name) {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

function fail(message) {
  console.error(`electronegativity: ${message}`);
  process.exit(1);
}

const root = resolve(option('--root') ?? repo);
const reviewedFile = resolve(option('--reviewed') ?? join(repo, 'security', 'electronegativity-reviewed.json'));
const offline = process.argv.includes('--offline');

function readReviewed() {
  let entries;
  try {
    entries = JSON.parse(readFileSync(reviewedFile, 'utf8')).reviewed;
  } catch (error) {
    return fail(`cannot read ${relative(repo, reviewedFile)}: ${error.message}`);
  }
  if (!Array.isArray(entries)) fail(`${relative(repo, reviewedFile)} must hold { "reviewed": [ ... ] }.`);
  for (const entry of entries) {
    const ok = entry && typeof entry.check === 'string' && typeof entry.file === 'string' && typeof entry.why === 'string' && entry.why.trim().length >= 10;
    if (!ok) fail(`every reviewed finding needs "check", "file" and a one-line "why"; this one does not: ${JSON.stringify(entry)}`);
  }
  return entries;
}

/** Copies the scanned sources, without tests, so that paths in findings are relative to the root. */
function stage() {
  const staging = mkdtempSync(join(tmpdir(), 'fd-electronegativity-'));
  let files = 0;
  const walk = (folder) => {
    for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== '__tests__') walk(path);
      } else if (SCANNED_FILE.test(entry.name) && !TEST_FILE.test(entry.name)) {
        cpSync(join(root, path), join(staging, path));
        files += 1;
      }
    }
  };
  for (const folder of SCANNED_FOLDERS) if (existsSync(join(root, folder))) walk(folder);
  // package.json lets the tool find the Electron version and look for security releases.
  if (existsSync(join(root, 'package.json'))) cpSync(join(root, 'package.json'), join(staging, 'package.json'));
  return { staging, files };
}

const reviewed = readReviewed();
const electronVersion = JSON.parse(readFileSync(requireFromRepo.resolve('electron/package.json'), 'utf8')).version;
// The tool's messages follow LANG; English keeps the report and the reviewed file in one language.
process.env.LANG = 'en-US';
const run = requireFromRepo('@doyensec/electronegativity');

const { staging, files } = stage();
let result;
try {
  if (files === 0) fail(`nothing to scan under ${root} (looked in ${SCANNED_FOLDERS.join(', ')}).`);
  // The runner's return value rather than its CSV/SARIF file: the CSV writer appends rows
  // without waiting for the header write, and SARIF drops the severity we judge by.
  result = await run(
    {
      input: staging,
      output: undefined,
      isSarif: false,
      customScan: [],
      excludeFromScan: offline ? ['availablesecurityfixesglobalcheck'] : [],
      severitySet: undefined,
      confidenceSet: undefined,
      isRelative: true,
      isVerbose: false,
      electronUpgrade: undefined,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    },
    false,
  );
} finally {
  rmSync(staging, { recursive: true, force: true });
}

const toPosix = (file) => file.split(sep).join('/');
const findings = result.issues.map((issue) => ({
  check: issue.id,
  severity: issue.severity.name,
  severityValue: issue.severity.value,
  confidence: issue.confidence.name,
  file: toPosix(issue.file),
  line: issue.location?.line ?? 0,
  column: issue.location?.column ?? 0,
  description: issue.description,
}));
const isReviewed = (finding) => reviewed.some((entry) => entry.check === finding.check && entry.file === finding.file);
const counts = (finding) => finding.severityValue >= MEDIUM || ALWAYS_FAILS.has(finding.check);

const failing = findings.filter((finding) => counts(finding) && !isReviewed(finding));
const accepted = findings.filter((finding) => counts(finding) && isReviewed(finding));
const minor = findings.filter((finding) => !counts(finding));
// A file the parser could not read was not checked at all: that is a failure, not a pass.
const unparsed = result.errors.filter((error) => !error.tolerable).map((error) => ({ file: toPosix(relative(staging, error.file)), message: error.message }));
const stale = reviewed.filter((entry) => !findings.some((finding) => finding.check === entry.check && finding.file === entry.file));

const where = (finding) => (finding.file === 'N/A' ? 'whole app' : `${finding.file}:${finding.line}:${finding.column}`);
for (const finding of minor) console.log(`  note   ${finding.check} (${finding.severity}) at ${where(finding)}`);
for (const finding of accepted) console.log(`  ok     ${finding.check} (${finding.severity}) at ${where(finding)}: reviewed`);
for (const entry of stale)
  console.log(`  stale  ${entry.check} in ${entry.file} is reviewed but no longer found; remove it from ${relative(repo, reviewedFile)}`);
for (const finding of failing)
  console.log(`  FAIL   ${finding.check} (${finding.severity}, ${finding.confidence}) at ${where(finding)}: ${finding.description}`);
for (const error of unparsed) console.log(`  FAIL   could not parse ${error.file}: ${error.message}`);

const summary = `${files} files, ${result.atomicChecks + result.globalChecks} checks, Electron ${electronVersion}${offline ? ', release check skipped (--offline)' : ''}`;
if (failing.length > 0 || unparsed.length > 0) {
  console.error(
    `electronegativity: FAILED: ${failing.length} unreviewed finding(s) of MEDIUM or above or enabling node integration${unparsed.length ? `, ${unparsed.length} unparsed file(s)` : ''} (${summary}). ` +
      `Fix them, or add { check, file, why } to ${relative(repo, reviewedFile)} if they are safe.`,
  );
  process.exit(1);
}
console.log(`electronegativity: passed (${summary}; ${accepted.length} reviewed, ${minor.length} below MEDIUM).`);
