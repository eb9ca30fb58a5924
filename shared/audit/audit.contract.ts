import { z } from 'zod';
import { ADMIN, method } from '../contract/method';
import { empty, id, isoDay, locale } from '../contract/common';

/** Where a page of the log ended: the next page starts just after this entry (newest first). */
export const auditCursor = z.strictObject({ at: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), id });
export type AuditCursor = z.infer<typeof auditCursor>;

/** An action's code, as the contract's `audits` lists them (`appointments.reschedule`). */
export const auditAction = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[a-zA-Z]+(\.[a-zA-Z]+)*$/, 'an action code such as appointments.reschedule');

/**
 * What to show: every filter is optional and they combine. `from` and `to` are calendar days
 * in the clinic's time zone, both included.
 */
export const auditFilters = z
  .strictObject({
    patientId: id.optional(),
    staffId: id.optional(),
    workstation: z.string().min(1).max(200).optional(),
    action: auditAction.optional(),
    from: isoDay.optional(),
    to: isoDay.optional(),
  })
  .refine((filters) => !filters.from || !filters.to || filters.from <= filters.to, { message: 'from must not be after to', path: ['to'] });
export type AuditFilters = z.infer<typeof auditFilters>;

/** One entry, with the names of whoever and whatever it is about, read when it is shown. */
export const auditEntry = z.strictObject({
  id,
  at: z.number().int(),
  staffId: id.nullable(),
  /** Null: the main process on its own, or a screen (the workstation names it). */
  staffName: z.string().nullable(),
  workstation: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.number().int().nullable(),
  patientId: id.nullable(),
  patientName: z.string().nullable(),
  /** The method's own note: a short text or JSON (never a patient's details). */
  detail: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

export const auditPage = z.strictObject({ entries: z.array(auditEntry), next: auditCursor.nullable() });
export type AuditPage = z.infer<typeof auditPage>;

export const auditContract = {
  /**
   * A page of the audit log, newest first, filtered. Asking for the first page (no `after`) is
   * itself recorded (`audit.open`, with the filters), so reading who did what leaves a trace.
   */
  'audit.list': method({
    input: z.strictObject({ filters: auditFilters.default({}), after: auditCursor.optional(), limit: z.number().int().min(1).max(200).default(50) }),
    output: auditPage,
    access: ADMIN,
    audits: ['audit.open'],
  }),
  /**
   * The filtered log as CSV, a chunk at a time (call again with `next` until it is null). The
   * first chunk starts with a UTF-8 byte order mark and the header row, and is recorded
   * (`audit.export`, with the filters). Cells are quoted, and a cell that a spreadsheet would
   * read as a formula starts with an apostrophe.
   */
  'audit.export': method({
    input: z.strictObject({
      filters: auditFilters.default({}),
      after: auditCursor.optional(),
      /** The language of the header and of the sentences (default: the clinic's). */
      locale: locale.optional(),
    }),
    output: z.strictObject({ csv: z.string(), next: auditCursor.nullable(), rows: z.number().int().min(0) }),
    access: ADMIN,
    audits: ['audit.export'],
  }),
  /** What the filters offer: every account, and the workstations and actions the log holds. */
  'audit.choices': method({
    input: empty,
    output: z.strictObject({
      staff: z.array(z.strictObject({ id, displayName: z.string(), isActive: z.boolean() })),
      workstations: z.array(z.string()),
      actions: z.array(z.string()),
    }),
    access: ADMIN,
  }),
} as const;
