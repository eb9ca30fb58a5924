/**
 * Where the clinic's secrets may be sent. The cloud token and the AWS keys travel with every
 * request to the service they were entered for, so its address must be encrypted (HTTPS)
 * unless it is this computer itself (the local peers of tests and development), and a
 * secret is kept only for the origin it was entered for.
 */

/** scheme://host[:port], then a path; no user:password@ part (a secret in the address itself). */
const SERVICE_URL = /^(https?):\/\/(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?(?:[/?#]\S*)?$/i;

interface ParsedServiceUrl {
  scheme: 'http' | 'https';
  host: string;
  port: number | null;
}

function parse(text: string): ParsedServiceUrl | null {
  const match = SERVICE_URL.exec(text.trim());
  if (!match) return null;
  const port = match[3] === undefined ? null : Number(match[3]);
  if (port !== null && (port < 1 || port > 65535)) return null;
  return { scheme: match[1]!.toLowerCase() as 'http' | 'https', host: match[2]!.toLowerCase(), port };
}

/** This computer: `localhost`, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The origin (`https://cloud.example.pt`, default port dropped), or null when `text` is not an http(s) URL. */
export function serviceOrigin(text: string): string | null {
  const url = parse(text);
  if (!url) return null;
  const defaultPort = url.scheme === 'https' ? 443 : 80;
  return `${url.scheme}://${url.host}${url.port === null || url.port === defaultPort ? '' : `:${url.port}`}`;
}

/** Whether secrets may be sent to this address: HTTPS, or plain HTTP to this computer only. */
export function isSecureServiceUrl(text: string): boolean {
  const url = parse(text);
  return url !== null && (url.scheme === 'https' || isLoopbackHost(url.host));
}

export const SERVICE_URL_HINT = 'an https:// address (plain http:// only to this computer)';
