import { z } from 'zod';
import { ADMIN, STAFF, method } from '../contract/method';
import { empty, locale, requiredText, timeZone } from '../contract/common';
import { displayPrivacy } from '../display/display.contract';

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const MAX_HOST_NAMES = 20;

/** A DNS name (`recepcao.local`), an IPv4 address or an IPv6 address, without port or brackets. */
function isHostName(value: string): boolean {
  if (value.includes(':')) return z.ipv6().safeParse(value).success;
  const labels = value.split('.');
  if (labels.every((label) => /^\d+$/.test(label))) return IPV4.test(value);
  return labels.every((label) => DNS_LABEL.test(label));
}

/** A name the browser host answers to, lower-cased: screens on the LAN reach it by this name. */
export const hostName = z.string().trim().toLowerCase().min(1).max(253).refine(isHostName, 'expected a host name or an IP address, without a port');

/** The names the browser host answers to besides its own address: each once, at most 20. */
export const hostNames = z
  .array(hostName)
  .max(MAX_HOST_NAMES)
  .refine((names) => new Set(names).size === names.length, 'each name only once');

/** The clinic's postal address and phone number, as printed on appointment slips ('' when unset). */
export const MAX_CLINIC_ADDRESS_LENGTH = 300;
export const MAX_CLINIC_PHONE_LENGTH = 40;
const clinicAddress = z.string().trim().max(MAX_CLINIC_ADDRESS_LENGTH);
const clinicPhone = z
  .string()
  .trim()
  .max(MAX_CLINIC_PHONE_LENGTH)
  .regex(/^[0-9+()./ -]*$/, 'expected digits, spaces and + ( ) . / -');

export const clinicSettings = z.strictObject({
  clinicName: z.string(),
  clinicAddress: z.string(),
  clinicPhone: z.string(),
  timeZone: z.string(),
  locale,
  currency: z.string(),
  idleLockMinutes: z.number().int(),
  slotStepMinutes: z.number().int(),
  isDemo: z.boolean(),
  /** Queue rules: minutes after the start that still count as on time. */
  graceMinutes: z.number().int(),
  /** Minutes after the start with no check-in before an appointment becomes a no-show. */
  noShowAfterMinutes: z.number().int(),
  /** The kiosk finds today's appointment from this long before its start… */
  kioskEarlyMinutes: z.number().int(),
  /** …to this long after it. */
  kioskLateMinutes: z.number().int(),
  displayPrivacy,
  /** Speak calls in the clinic's language, or in each patient's preferred language. */
  announcementLanguage: z.enum(['clinic', 'patient']),
  /** In the desktop app: open the waiting-room display full screen on a second screen when there is one. */
  displayOnSecondScreen: z.boolean(),
  /** Names the browser host answers to besides its own address (DNS rebinding defence: any other gets 421). */
  hostNames: z.array(z.string()),
});
export type ClinicSettings = z.infer<typeof clinicSettings>;

export const settingsContract = {
  'settings.get': method({ input: empty, output: clinicSettings, access: STAFF }),
  'settings.update': method({
    input: z.strictObject({
      clinicName: requiredText(120).optional(),
      clinicAddress: clinicAddress.optional(),
      clinicPhone: clinicPhone.optional(),
      timeZone: timeZone.optional(),
      locale: locale.optional(),
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/)
        .optional(),
      idleLockMinutes: z.number().int().min(1).max(480).optional(),
      slotStepMinutes: z.union([z.literal(5), z.literal(10), z.literal(15), z.literal(20), z.literal(30), z.literal(60)]).optional(),
      graceMinutes: z.number().int().min(0).max(60).optional(),
      noShowAfterMinutes: z.number().int().min(5).max(240).optional(),
      kioskEarlyMinutes: z.number().int().min(0).max(240).optional(),
      kioskLateMinutes: z.number().int().min(0).max(120).optional(),
      displayPrivacy: displayPrivacy.optional(),
      announcementLanguage: z.enum(['clinic', 'patient']).optional(),
      displayOnSecondScreen: z.boolean().optional(),
      hostNames: hostNames.optional(),
    }),
    output: clinicSettings,
    access: ADMIN,
    writes: true,
  }),
  /**
   * The browser host's own certificate authority, for the screens on the LAN to trust (the
   * file at /ca.crt): its SHA-256 fingerprint, to check the file by. Null: the host serves
   * this computer only, over plain HTTP.
   */
  'settings.hostCertificate': method({ input: empty, output: z.strictObject({ fingerprint: z.string().nullable() }), access: ADMIN }),
} as const;
