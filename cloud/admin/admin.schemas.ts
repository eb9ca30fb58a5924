import { z } from 'zod';
import { providerUrlProblem } from '../payments/providers';

/**
 * What the console and the admin API accept and answer. Time zones, languages and currencies
 * are checked against what this Node's ICU knows (the database checks the time zone again
 * against its own list).
 */

export const clinicSlug = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/, 'a slug is 1 to 40 lowercase letters, digits and dashes, not starting or ending with a dash');

/**
 * An IANA zone under its own name: "Europe/Lisbon" (not "europe/lisbon", which ICU would take,
 * nor an abbreviation like "WET"), or "UTC".
 */
export function isIanaTimeZone(zone: string): boolean {
  if (!/^(UTC|[A-Z][A-Za-z]*(\/[A-Z][A-Za-z0-9_+-]*)+)$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A BCP 47 tag in its canonical form ("pt-PT", "en"). */
export function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag)[0] === tag;
  } catch {
    return false;
  }
}

const currencies = new Set(Intl.supportedValuesOf('currency'));

export const timeZone = z.string().refine(isIanaTimeZone, { message: 'not an IANA time zone (e.g. Europe/Lisbon)' });
export const languages = z
  .array(z.string().refine(isLanguageTag, { message: 'not a language tag (e.g. pt-PT, en)' }))
  .min(1)
  .max(10)
  .refine((tags) => new Set(tags).size === tags.length, { message: 'a language is listed twice' });
export const currency = z.string().refine((code) => /^[A-Z]{3}$/.test(code) && currencies.has(code), { message: 'not an ISO 4217 currency code (e.g. EUR)' });
const clinicName = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .refine((name) => !name.includes('\u0000'), { message: 'no NUL characters' });

/** How soon a patient may book online, in minutes (a week at most), and how many days ahead. */
export const portalMinNoticeMinutes = z.number().int().min(0).max(10080);
export const portalHorizonDays = z.number().int().min(1).max(366);

export const clinicSettings = z.strictObject({
  name: clinicName,
  timeZone,
  languages,
  currency,
  portalMinNoticeMinutes: portalMinNoticeMinutes.optional(),
  portalHorizonDays: portalHorizonDays.optional(),
});
export const newClinic = clinicSettings.extend({ slug: clinicSlug });
export const clinicChange = clinicSettings.partial().refine((change) => Object.keys(change).length > 0, { message: 'nothing to change' });

export const tokenKind = z.enum(['desk', 'portal']);
export const newToken = z.strictObject({
  deskName: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .refine((name) => !name.includes('\u0000'), { message: 'no NUL characters' }),
  kind: tokenKind.default('desk'),
});

export const clinicView = z.strictObject({
  slug: z.string(),
  name: z.string(),
  timeZone: z.string(),
  languages: z.array(z.string()),
  currency: z.string(),
  portalMinNoticeMinutes: z.number(),
  portalHorizonDays: z.number(),
  createdAt: z.number(),
  updatedAt: z.number().nullable(),
});
export type ClinicView = z.infer<typeof clinicView>;

export const tokenView = z.strictObject({
  id: z.number(),
  deskName: z.string(),
  kind: tokenKind,
  source: z.enum(['join', 'admin']),
  createdAt: z.number(),
  lastSeenAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
  hashPrefix: z.string(),
});
export type TokenView = z.infer<typeof tokenView>;

export const issuedToken = z.strictObject({ token: z.string(), record: tokenView });

/** A refusal the caller can act on: the API answers it with its status and INVALID_REQUEST, the console with exit code 1. */
export class AdminError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

const secret = z
  .string()
  .min(1)
  .max(500)
  .refine((value) => ![...value].some((c) => c.charCodeAt(0) < 0x20), { message: 'no control characters' });
const printable = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((value) => !value.includes(':') && ![...value].some((c) => c.charCodeAt(0) < 0x20), { message: 'no control characters or colons' });

/** A clinic's payment provider account. The two secrets are sealed before they are stored and never shown again. */
export const paymentProviderInput = z.strictObject({
  provider: z.enum(['easypay']).default('easypay'),
  baseUrl: z.string().refine((url) => providerUrlProblem(url) === null, { message: 'an https URL (plain http only to this machine)' }),
  accountId: printable,
  apiKey: secret,
  webhookUsername: printable,
  webhookPassword: secret,
});

export const paymentProviderView = z.strictObject({
  provider: z.string(),
  baseUrl: z.string(),
  accountId: z.string(),
  webhookUsername: z.string(),
  apiKeySet: z.literal(true),
  webhookPasswordSet: z.literal(true),
  updatedAt: z.number(),
  /** Where the provider sends its notifications for this clinic (on this server). */
  webhookPath: z.string(),
});
