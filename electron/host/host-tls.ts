import { createHash, webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

/**
 * The browser host's HTTPS on the clinic's LAN. On first run it makes a certificate
 * authority of its own (one per installation, its key never leaves the data folder) and,
 * signed by it, a certificate for the names and addresses the host answers to. The clinic's
 * tablets and TVs trust the authority once (the file at /ca.crt, checked by its fingerprint),
 * and then every certificate it issues, including the one re-issued when a name is added.
 */

const CURVE = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;
/** The authority outlives many server certificates; renewing it means every screen trusts it again. */
const CA_LIFETIME_DAYS = 3650;
/** Apple and Chrome cap TLS server certificates at 398 days. */
const SERVER_LIFETIME_DAYS = 397;
const RENEW_BEFORE_DAYS = 30;

export const CA_CERT_FILE = 'ca.crt';
export const TLS_DIR = 'tls';

export interface HostNames {
  /** DNS names (recepcao.local, localhost). */
  dns: string[];
  /** IP addresses (192.168.1.20, 127.0.0.1, ::1). */
  ips: string[];
}

export interface ServerCredentials {
  key: string;
  cert: string;
  /** The authority's certificate, PEM, for the screens to trust. */
  caCert: string;
  /** SHA-256 of the authority's certificate, as AA:BB:…, to check the downloaded file by. */
  caFingerprint: string;
}

function pem(label: string, der: ArrayBuffer): string {
  const base64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${base64.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
}

function derOf(text: string): Buffer {
  return Buffer.from(text.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

/** SHA-256 of a PEM certificate's DER bytes, as the browsers and `openssl x509 -fingerprint -sha256` show it. */
export function certificateFingerprint(certPem: string): string {
  return createHash('sha256').update(derOf(certPem)).digest('hex').toUpperCase().match(/.{2}/g)!.join(':');
}

/** Writes a file readable only by this user, atomically: a crash never leaves half a key. */
function writePrivate(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
  chmodSync(path, 0o600);
}

async function importKey(pkcs8Pem: string): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', derOf(pkcs8Pem), CURVE, true, ['sign']);
}

interface Authority {
  cert: x509.X509Certificate;
  certPem: string;
  key: webcrypto.CryptoKey;
}

async function loadOrCreateAuthority(dir: string, clinicName: string, now: number): Promise<Authority> {
  const certPath = join(dir, CA_CERT_FILE);
  const keyPath = join(dir, 'ca.key');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const certPem = readFileSync(certPath, 'utf8');
    return { cert: new x509.X509Certificate(certPem), certPem, key: await importKey(readFileSync(keyPath, 'utf8')) };
  }
  const keys = (await webcrypto.subtle.generateKey(CURVE, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const name = `CN=Front Desk ${clinicName.replace(/[,=+<>#;"\\]/g, ' ').slice(0, 40)} local authority, O=Front Desk`;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name,
    keys,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + CA_LIFETIME_DAYS * DAY_MS),
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const certPem = cert.toString('pem');
  writePrivate(keyPath, pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)));
  writeFileSync(certPath, certPem, { mode: 0o644 });
  return { cert, certPem, key: keys.privateKey };
}

function sanKey(names: HostNames): string {
  return JSON.stringify([[...new Set(names.dns.map((n) => n.toLowerCase()))].sort(), [...new Set(names.ips)].sort()]);
}

/** What the server certificate on disk covers and until when, or null when there is none. */
function readServer(dir: string): { cert: string; key: string; covers: string; notAfter: number } | null {
  const certPath = join(dir, 'server.crt');
  const keyPath = join(dir, 'server.key');
  const coversPath = join(dir, 'server.names.json');
  if (![certPath, keyPath, coversPath].every((path) => existsSync(path))) return null;
  const cert = readFileSync(certPath, 'utf8');
  return { cert, key: readFileSync(keyPath, 'utf8'), covers: readFileSync(coversPath, 'utf8'), notAfter: new x509.X509Certificate(cert).notAfter.getTime() };
}

/**
 * The host's key and certificate for `names`, from the data folder: made the first time,
 * re-issued (by the same authority) when the names change or it nears its end.
 */
export async function ensureServerCredentials(dataDir: string, names: HostNames, clinicName: string, now: number): Promise<ServerCredentials> {
  const dir = join(dataDir, TLS_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const authority = await loadOrCreateAuthority(dir, clinicName, now);
  const covers = sanKey(names);
  const existing = readServer(dir);
  const credentials = (cert: string, key: string): ServerCredentials => ({
    key,
    cert: `${cert.trimEnd()}\n${authority.certPem.trimEnd()}\n`,
    caCert: authority.certPem,
    caFingerprint: certificateFingerprint(authority.certPem),
  });
  if (existing && existing.covers === covers && existing.notAfter - now > RENEW_BEFORE_DAYS * DAY_MS) return credentials(existing.cert, existing.key);

  const keys = (await webcrypto.subtle.generateKey(CURVE, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const [dns, ips] = JSON.parse(covers) as [string[], string[]];
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${dns[0] ?? ips[0] ?? 'front-desk'}`,
    issuer: authority.cert.subject,
    publicKey: keys.publicKey,
    signingKey: authority.key,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(Math.min(now + SERVER_LIFETIME_DAYS * DAY_MS, authority.cert.notAfter.getTime())),
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension([
        ...dns.map((value) => ({ type: 'dns' as const, value })),
        ...ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(authority.cert),
    ],
  });
  const certPem = cert.toString('pem');
  const keyPem = pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  writePrivate(join(dir, 'server.key'), keyPem);
  writeFileSync(join(dir, 'server.crt'), certPem, { mode: 0o644 });
  writeFileSync(join(dir, 'server.names.json'), covers, { mode: 0o644 });
  return credentials(certPem, keyPem);
}

/** The authority's fingerprint, or null when this host has not made one (it serves this computer only). */
export function hostAuthorityFingerprint(dataDir: string): string | null {
  const path = join(dataDir, TLS_DIR, CA_CERT_FILE);
  return existsSync(path) ? certificateFingerprint(readFileSync(path, 'utf8')) : null;
}

/** Splits names into DNS names and IP addresses (IPv6 without brackets). */
export function hostNamesOf(names: readonly string[]): HostNames {
  const dns: string[] = [];
  const ips: string[] = [];
  for (const raw of names) {
    const name = raw.replace(/^\[|\]$/g, '');
    if (isIP(name)) ips.push(name);
    else dns.push(name.toLowerCase());
  }
  return { dns, ips };
}
