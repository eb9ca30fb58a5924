import { DateTime } from 'luxon';
import { z } from 'zod';

/**
 * easypay API 2.0 on the wire, as its OpenAPI description and guides give it (see
 * docs/cloud-api/payments-easypay.md for the pages and what is assumed). Requests are
 * strict (the peer refuses what the reference does not define, so a typo in the adapter
 * fails a test instead of being ignored); responses are read tolerantly (extra fields
 * pass) but every field the adapter relies on is checked.
 */

export const EASYPAY_SANDBOX_URL = 'https://api.test.easypay.pt/2.0';
export const EASYPAY_PRODUCTION_URL = 'https://api.prod.easypay.pt/2.0';

/** easypay prints times as Lisbon wall-clock text ("2026-12-08 14:05"); its cut-offs are given in Europe/Lisbon. */
export const EASYPAY_ZONE = 'Europe/Lisbon';

export const SINGLE_METHODS = ['cc', 'mb', 'mbw', 'dd', 'vi', 'uf', 'sc', 'ap', 'gp'] as const;

/** payment_status of a single payment (SinglePaymentStatus, plus "voided" from its description). */
export const PAYMENT_STATUSES = ['pending', 'paid', 'authorised', 'error', 'deleted', 'failed', 'active', 'voided'] as const;
export type EasypayPaymentStatus = (typeof PAYMENT_STATUSES)[number];

const text = (max: number) => z.string().min(1).max(max);
/** A JSON number for euros: non-negative, at most two decimals (checked by the peer with eurosToCents). */
const euros = z.number().nonnegative().finite();
const rfc3339 = z.iso.datetime({ offset: true });

export const customerRequest = z.strictObject({
  id: z.uuid().optional(),
  name: text(255).optional(),
  email: z.email().optional(),
  phone: text(32).optional(),
  phone_indicative: z
    .string()
    .regex(/^\+?\d{1,4}$/)
    .optional(),
  fiscal_number: text(32).optional(),
  key: text(255).optional(),
  language: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
});

export const singlePostRequest = z.strictObject({
  type: z.enum(['sale', 'authorisation']).optional(),
  capture: z.strictObject({ transaction_key: text(255).optional(), descriptive: text(255).optional(), capture_date: z.string().optional() }).optional(),
  /** Deprecated by easypay in favour of multibanco.expiration_time. */
  expiration_time: z.string().optional(),
  currency: z.literal('EUR').optional(),
  value: euros,
  method: z.enum(SINGLE_METHODS),
  key: text(255).optional(),
  customer: customerRequest.optional(),
  multibanco: z.strictObject({ expiration_time: rfc3339, start_time: rfc3339.optional() }).optional(),
  sdd_mandate: z.record(z.string(), z.unknown()).optional(),
});
export type SinglePostRequest = z.infer<typeof singlePostRequest>;

export const refundPostRequest = z.strictObject({
  transaction_key: text(255).optional(),
  value: euros,
  iban: text(34).optional(),
  email: z.email().optional(),
  phone: text(32).optional(),
  account_holder: text(255).optional(),
  revert: z.record(z.string(), z.unknown()).optional(),
});
export type RefundPostRequest = z.infer<typeof refundPostRequest>;

/** The examples print the entity as a string, the generated schema as an integer: both are read. */
const entity = z.union([z.string(), z.number().int()]).transform((value) => String(value));

export const singleCreated = z.object({
  status: z.literal('ok'),
  id: text(100),
  method: z.object({
    type: z.string().transform((value) => value.toLowerCase()),
    status: z.string().optional(),
    entity: entity.optional(),
    reference: z.string().optional(),
  }),
  capture: z.object({ id: z.string() }).optional(),
});
export type SingleCreated = z.infer<typeof singleCreated>;

export const singleDetails = z.object({
  id: text(100),
  key: z.string().nullish(),
  value: euros,
  payment_status: z.enum(PAYMENT_STATUSES),
  method: z.object({
    type: z.string().transform((value) => value.toLowerCase()),
    status: z.string().nullish(),
    entity: entity.nullish(),
    reference: z.string().nullish(),
  }),
  expiration_time: z.string().nullish(),
  paid_at: z.string().nullish(),
  created_at: z.string().nullish(),
  capture: z.object({ id: z.string(), status: z.string().nullish() }).nullish(),
});
export type SingleDetails = z.infer<typeof singleDetails>;

export const refundCreated = z.object({ status: z.literal('ok'), id: text(100) });

/** The reference's examples give `message` as a list; the error-handling guide as one string with a `code`. */
export const errorBody = z.object({
  status: z.string().optional(),
  message: z.union([z.string(), z.array(z.string())]).optional(),
  code: z.string().optional(),
});

/** The generic notification: a hint that something changed, never the truth about it. */
export const genericNotification = z.object({
  id: text(100),
  key: z.string().nullish(),
  type: text(64),
  status: text(64),
  messages: z.array(z.string()).nullish(),
  date: z.string().nullish(),
});
export type GenericNotification = z.infer<typeof genericNotification>;

const LISBON_FORMATS = ['yyyy-MM-dd HH:mm:ss', 'yyyy-MM-dd HH:mm'];

/** A time as easypay prints it (Lisbon wall clock, or RFC 3339), or null when it is none. */
export function parseEasypayTime(value: string | null | undefined): Date | null {
  if (!value) return null;
  for (const format of LISBON_FORMATS) {
    const parsed = DateTime.fromFormat(value, format, { zone: EASYPAY_ZONE });
    if (parsed.isValid) return parsed.toJSDate();
  }
  const iso = DateTime.fromISO(value, { setZone: true });
  return iso.isValid && /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? iso.toJSDate() : null;
}

/** "2026-12-08 14:05:00" in Lisbon. */
export function formatEasypayTime(at: Date, withSeconds = true): string {
  return DateTime.fromJSDate(at, { zone: EASYPAY_ZONE }).toFormat(withSeconds ? LISBON_FORMATS[0]! : LISBON_FORMATS[1]!);
}
