import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import { readSettings, writeSettings } from '../settings/settings.repository';
import { ownNames } from './host-check';
import { certificateFingerprint, ensureServerCredentials, hostAuthorityFingerprint, hostNamesOf } from './host-tls';
import { startWebHost, type WebHost } from './web-host';

const NOW = Date.UTC(2026, 11, 7, 10, 0);
let dir: string;
let app: FrontDesk;
let host: WebHost;
let caCert: string;

/** An HTTPS request that trusts only the clinic's own authority, to the name given in `servername`. */
function httpsCall(
  port: number,
  path: string,
  init: { method?: string; body?: string; servername?: string; ca?: string; cookie?: string } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const servername = init.servername ?? 'localhost';
    request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: init.method ?? 'GET',
        ca: init.ca ?? caCert,
        servername,
        headers: { host: `${servername}:${port}`, 'content-type': 'application/json', 'x-front-desk': '1', ...(init.cookie ? { cookie: init.cookie } : {}) },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    )
      .on('error', reject)
      .end(init.body);
  });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-host-tls-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Front Desk</title>');
  const dataDir = join(dir, 'data');
  app = await startFrontDesk({ dataDir, demo: true });
  const credentials = async () =>
    ensureServerCredentials(dataDir, hostNamesOf([...ownNames('0.0.0.0'), ...(await readSettings(app.database.db)).hostNames]), 'Clínica Mar Azul', NOW);
  caCert = (await credentials()).caCert;
  host = await startWebHost({ app, rendererDir, host: '0.0.0.0', port: 0, tls: { credentials } });
});

afterEach(async () => {
  await host.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

const portOf = (url: string) => Number(new URL(url).port);

describe('the browser host on the LAN', () => {
  it('speaks HTTPS with a certificate of the clinic’s own authority, and session cookies are Secure', async () => {
    expect(host.isTls).toBe(true);
    expect(host.url).toMatch(/^https:/);
    const status = await httpsCall(portOf(host.url), '/api/rpc/auth.status', { method: 'POST', body: '{}' });
    expect(status.status).toBe(200);
    const signIn = await httpsCall(portOf(host.url), '/api/rpc/auth.signIn', {
      method: 'POST',
      body: JSON.stringify({ username: 'reception', password: 'demo' }),
    });
    expect(signIn.status).toBe(200);
    expect(String(signIn.headers['set-cookie'])).toMatch(/; Secure/);
  });

  it('is not trusted without the clinic’s authority, nor for a name its certificate does not cover', async () => {
    await expect(
      httpsCall(portOf(host.url), '/', {
        ca: readFileSync(join(dir, 'data', 'tls', 'server.crt'), 'utf8').split('-----END CERTIFICATE-----')[0] + '-----END CERTIFICATE-----\n',
      }),
    ).rejects.toThrow();
    await expect(httpsCall(portOf(host.url), '/', { servername: 'elsewhere.example' })).rejects.toThrow(/altnames|Hostname/i);
  });

  it('re-issues the certificate when an admin adds a name, from the same authority', async () => {
    const before = hostAuthorityFingerprint(join(dir, 'data'));
    await writeSettings(app.database.db, { hostNames: ['recepcao.local'] });
    app.bus.publish('settings.changed', {});
    await expect
      .poll(async () => (await httpsCall(portOf(host.url), '/', { servername: 'recepcao.local' }).catch(() => ({ status: 0 }))).status, { timeout: 5_000 })
      .toBe(200);
    expect(hostAuthorityFingerprint(join(dir, 'data'))).toBe(before);
  });

  it('offers its authority at /ca.crt, with the fingerprint the settings show; its keys are readable by this user only', async () => {
    const file = await httpsCall(portOf(host.url), '/ca.crt');
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/x-x509-ca-cert');
    expect(certificateFingerprint(file.body)).toBe(hostAuthorityFingerprint(join(dir, 'data')));
    // The fingerprint as openssl prints it, which is what a person compares.
    const openssl = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: file.body }).toString();
    expect(openssl.trim().split('=')[1]).toBe(certificateFingerprint(file.body));
    const signIn = await httpsCall(portOf(host.url), '/api/rpc/auth.signIn', { method: 'POST', body: JSON.stringify({ username: 'admin', password: 'demo' }) });
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    const shown = await httpsCall(portOf(host.url), '/api/rpc/settings.hostCertificate', { method: 'POST', body: '{}', cookie });
    expect(JSON.parse(shown.body)).toEqual({ ok: true, value: { fingerprint: certificateFingerprint(file.body) } });
    for (const key of ['ca.key', 'server.key']) expect(statSync(join(dir, 'data', 'tls', key)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'data', 'tls')).mode & 0o777).toBe(0o700);
  });

  it('serves plain HTTP to this computer only: anyone else is redirected to HTTPS', async () => {
    const port = portOf(host.url);
    const local = await fetch(`http://127.0.0.1:${port}/`);
    expect(local.status).toBe(200);
    const lan = Object.values(networkInterfaces())
      .flat()
      .find((info) => info && info.family === 'IPv4' && !info.internal);
    if (!lan) return; // A machine without a LAN address has nobody else to redirect.
    const remote = await fetch(`http://${lan.address}:${port}/kiosk?from=lan`, { redirect: 'manual' });
    expect(remote.status).toBe(308);
    expect(remote.headers.get('location')).toBe(`https://${lan.address}:${port}/kiosk?from=lan`);
    // Nothing of the API answers in the clear off this computer.
    const rpc = await fetch(`http://${lan.address}:${port}/api/rpc/auth.signIn`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'x-front-desk': '1', 'content-type': 'application/json' },
      body: '{"username":"reception","password":"demo"}',
    });
    expect(rpc.status).toBe(308);
    expect(rpc.headers.get('set-cookie')).toBeNull();
  });

  it('closes, and lets the host close, a connection that never says a word', async () => {
    const silent = connect(portOf(host.url), '127.0.0.1');
    await new Promise((resolve) => silent.once('connect', resolve));
    const closed = new Promise((resolve) => silent.once('close', resolve));
    await host.close();
    await closed;
  });
});
