import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..');
const script = join(repo, 'scripts', 'electronegativity.mjs');
const roots: string[] = [];

function scan(root: string, extra: string[] = []): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, '--root', root, '--offline', ...extra], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: `${stdout}\n${stderr}` });
    });
  });
}

/** A copy of the real shell and IPC bridge, optionally with one file edited. */
function shellCopy(edit?: (windowsTs: string) => string): string {
  const root = mkdtempSync(join(tmpdir(), 'fd-eneg-'));
  roots.push(root);
  for (const folder of ['electron/shell', 'electron/ipc']) cpSync(join(repo, folder), join(root, folder), { recursive: true });
  if (edit) {
    const file = join(root, 'electron/shell/windows.ts');
    const edited = edit(readFileSync(file, 'utf8'));
    writeFileSync(file, edited);
  }
  return root;
}

function replaceOnce(source: string, from: string, to: string): string {
  expect(source).toContain(from);
  return source.replace(from, to);
}

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe.concurrent('scripts/electronegativity.mjs', () => {
  it('passes the real shell, with its reviewed findings', async () => {
    const result = await scan(shellCopy());
    expect(result.output).not.toContain('FAIL');
    expect(result.output).toContain('electronegativity: passed');
    expect(result.output).toContain('ok     CSP_GLOBAL_CHECK');
    expect(result.code).toBe(0);
  });

  it('fails when a window turns the sandbox off', async () => {
    const result = await scan(shellCopy((source) => replaceOnce(source, 'sandbox: true,', 'sandbox: false,')));
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/FAIL {3}SANDBOX_JS_CHECK \(MEDIUM.* at electron\/shell\/windows\.ts:\d+/);
  });

  it('fails on nodeIntegration: true, which the tool itself rates only INFORMATIONAL', async () => {
    const root = shellCopy((source) => replaceOnce(replaceOnce(source, '      sandbox: true,\n', ''), 'nodeIntegration: false,', 'nodeIntegration: true,'));
    const result = await scan(root);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/FAIL {3}NODE_INTEGRATION_JS_CHECK \(INFORMATIONAL.* at electron\/shell\/windows\.ts:\d+/);
  });

  it('fails when context isolation is turned off', async () => {
    const result = await scan(shellCopy((source) => replaceOnce(source, 'contextIsolation: true,', 'contextIsolation: false,')));
    expect(result.code).toBe(1);
    expect(result.output).toContain('FAIL   CONTEXT_ISOLATION_JS_CHECK (HIGH');
  });

  it('fails on a bare BrowserWindow with nodeIntegration: true, as in a careless new window', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fd-eneg-'));
    roots.push(root);
    mkdirSync(join(root, 'electron'));
    writeFileSync(
      join(root, 'electron', 'main.js'),
      "const { BrowserWindow } = require('electron');\nconst w = new BrowserWindow({ webPreferences: { nodeIntegration: true } });\nw.loadURL('https://example.com');\n",
    );
    const result = await scan(root);
    expect(result.code).toBe(1);
    expect(result.output).toContain('FAIL   LIMIT_NAVIGATION_GLOBAL_CHECK');
    expect(result.output).toContain('electronegativity: FAILED');
  });

  it('refuses a reviewed-findings file whose entries do not say why', async () => {
    const reviewed = join(shellCopy(), 'reviewed.json');
    writeFileSync(reviewed, JSON.stringify({ reviewed: [{ check: 'CSP_GLOBAL_CHECK', file: 'N/A' }] }));
    const result = await scan(shellCopy(), ['--reviewed', reviewed]);
    expect(result.code).toBe(1);
    expect(result.output).toContain('needs "check", "file" and a one-line "why"');
  });
});
