import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';

/**
 * DNS rebinding defence: a page on another site can point its own name at the desk's
 * address, and the browser then treats the desk as that site (same origin, its cookies
 * sent). The one thing it cannot fake is the Host header, which carries the page's name.
 * So the browser host serves only the names it was set up to serve.
 */

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
/** The interfaces' addresses are read again after this long (a laptop's DHCP lease may change). */
const INTERFACES_TTL_MS = 5_000;

export interface HostCheckOptions {
  /** The address the server listens on, as given (`127.0.0.1`, `0.0.0.0`, `::`, a LAN address, `localhost`). */
  boundHost: string;
  /** The address the server listens on, as the socket reports it. */
  boundAddress: string;
  port: number;
  /** Extra names, read on every request: the CLI's `--host-name`s and the admin's list in the settings. */
  extraNames: () => readonly string[];
}

export function isLoopbackAddress(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || (isIP(host) === 4 && host.startsWith('127.'));
}

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '';
}

/** `name[:port]` or `[v6]:port`, lower-cased and without a trailing dot; null when it is not one. */
export function parseHostHeader(header: string | undefined): { name: string; port: number | null } | null {
  if (!header) return null;
  const value = header.trim().toLowerCase();
  const match = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9.-]+))(?::(\d{1,5}))?$/.exec(value);
  if (!match) return null;
  const name = (match[1] ?? match[2]!).replace(/\.$/, '');
  if (name === '' || (match[1] !== undefined && isIP(name) !== 6)) return null;
  return { name, port: match[3] === undefined ? null : Number(match[3]) };
}

function normalise(name: string): string {
  const lower = name.trim().toLowerCase().replace(/\.$/, '');
  return lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
}

/** This machine's interface addresses, as a Host header names them. */
function interfaceAddresses(): Set<string> {
  const names = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    // A link-local IPv6 address comes with its zone (fe80::1%eth0); a Host header cannot carry one.
    for (const info of list ?? []) names.add(normalise(info.address.replace(/%.*$/, '')));
  }
  return names;
}

/**
 * The names and addresses a host bound to `boundHost` answers to besides its extra names:
 * what its TLS certificate must cover.
 */
export function ownNames(boundHost: string): string[] {
  const names = new Set<string>(LOOPBACK_NAMES);
  if (isWildcard(boundHost)) {
    for (const address of interfaceAddresses()) names.add(address);
  } else {
    names.add(normalise(boundHost));
  }
  return [...names];
}

/** Returns a check of a request's Host header: true when it names this host, on its port. */
export function createHostCheck(options: HostCheckOptions): (hostHeader: string | undefined) => boolean {
  const wildcard = isWildcard(options.boundAddress);
  const fixed = new Set<string>([normalise(options.boundHost), normalise(options.boundAddress)]);
  if (wildcard || isLoopbackAddress(options.boundAddress) || isLoopbackAddress(options.boundHost)) {
    for (const name of LOOPBACK_NAMES) fixed.add(name);
  }
  fixed.delete('0.0.0.0');
  fixed.delete('::');
  fixed.delete('');

  let interfaces: { at: number; names: Set<string> } | null = null;
  const interfaceNames = (): Set<string> => {
    const now = Date.now();
    if (!interfaces || now - interfaces.at > INTERFACES_TTL_MS) interfaces = { at: now, names: interfaceAddresses() };
    return interfaces.names;
  };

  return (hostHeader) => {
    const parsed = parseHostHeader(hostHeader);
    if (!parsed) return false;
    // A browser leaves out the port only when it is the scheme's default (80, or 443 for HTTPS).
    if ((parsed.port ?? (options.port === 443 ? 443 : 80)) !== options.port) return false;
    if (fixed.has(parsed.name)) return true;
    if (wildcard && interfaceNames().has(parsed.name)) return true;
    return options.extraNames().some((name) => normalise(name) === parsed.name);
  };
}
