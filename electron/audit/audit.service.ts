import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { AuditCursor, AuditEntry, AuditFilters, AuditPage } from '../../shared/audit/audit.contract';
import { auditActionLabel, auditSentence, auditTimestamp, auditWho, type AuditWording } from '../../shared/audit/audit-words';
import type { Locale } from '../../shared/contract/common';
import { catalogues } from '../../shared/i18n';
import type { Database } from '../db/schema';
import { listStaff } from '../staff/staff.repository';
import type { RequestContext } from '../rpc/context';
import { VIEW_REPEAT_MS } from './audit';
import { csvRow, UTF8_BOM } from './audit-csv';
import { auditActions, auditWorkstations, findAuditEntries, patientAndMergedIds, type AuditEntryRow, type AuditQuery } from './audit.repository';

/** Rows per export chunk: small enough that one call never holds the desk up. */
export const EXPORT_CHUNK_ROWS = 500;

/** The filters as the repository reads them: the days are the clinic's, from midnight to midnight. */
export async function auditQueryOf(db: Kysely<Database>, filters: AuditFilters, timeZone: string): Promise<AuditQuery> {
  const midnight = (day: string) => DateTime.fromISO(day, { zone: timeZone }).startOf('day');
  return {
    ...(filters.patientId !== undefined ? { patientIds: await patientAndMergedIds(db, filters.patientId) } : {}),
    ...(filters.staffId !== undefined ? { staffId: filters.staffId } : {}),
    ...(filters.workstation !== undefined ? { workstation: filters.workstation } : {}),
    ...(filters.action !== undefined ? { action: filters.action } : {}),
    ...(filters.from !== undefined ? { fromAt: midnight(filters.from).toMillis() } : {}),
    ...(filters.to !== undefined ? { toAt: midnight(filters.to).plus({ days: 1 }).toMillis() } : {}),
  };
}

function toEntry(row: AuditEntryRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    staffId: row.staff_id,
    staffName: row.staff_name,
    workstation: row.workstation,
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    patientId: row.patient_id,
    patientName: row.patient_name,
    detail: row.detail,
  };
}

async function page(db: Kysely<Database>, query: AuditQuery, after: AuditCursor | undefined, limit: number): Promise<AuditPage> {
  // One more than asked: whether there is a next page, without counting the log.
  const rows = await findAuditEntries(db, query, after, limit + 1);
  const entries = rows.slice(0, limit).map(toEntry);
  const last = entries.at(-1);
  return { entries, next: rows.length > limit && last ? { at: last.at, id: last.id } : null };
}

/** Reading the log leaves a trace; a patient's own history is filed under that patient. */
function noteReading(req: RequestContext, action: 'audit.open' | 'audit.export', filters: AuditFilters): void {
  req.audit({
    action,
    ...(filters.patientId !== undefined
      ? { entity: 'patient', entityId: filters.patientId, repeatWithinMs: action === 'audit.open' ? VIEW_REPEAT_MS : undefined }
      : {}),
    detail: { filters },
  });
}

export async function listAudit(
  db: Kysely<Database>,
  req: RequestContext,
  input: { filters: AuditFilters; after?: AuditCursor | undefined; limit: number },
): Promise<AuditPage> {
  const result = await page(db, await auditQueryOf(db, input.filters, req.settings.timeZone), input.after, input.limit);
  if (!input.after) noteReading(req, 'audit.open', input.filters);
  return result;
}

/**
 * A chunk of the CSV export. The caller asks again with `next` until it is null, so an export
 * of years of entries never sits whole in memory on either side.
 */
export async function exportAudit(
  db: Kysely<Database>,
  req: RequestContext,
  input: { filters: AuditFilters; after?: AuditCursor | undefined; locale?: Locale | undefined },
): Promise<{ csv: string; next: AuditCursor | null; rows: number }> {
  const locale = input.locale ?? req.settings.locale;
  const wording: AuditWording = { words: catalogues[locale].audit, locale, timeZone: req.settings.timeZone };
  const result = await page(db, await auditQueryOf(db, input.filters, wording.timeZone), input.after, EXPORT_CHUNK_ROWS);
  let csv = '';
  if (!input.after) {
    const head = wording.words.csv;
    csv += UTF8_BOM + csvRow([head.when, head.who, head.where, head.action, head.patient, head.what, head.detail]);
    noteReading(req, 'audit.export', input.filters);
  }
  for (const entry of result.entries) {
    csv += csvRow([
      auditTimestamp(entry.at, wording.timeZone),
      auditWho(entry, wording.words),
      entry.workstation,
      auditActionLabel(entry.action, wording.words),
      entry.patientName ?? (entry.patientId !== null ? `#${entry.patientId}` : ''),
      auditSentence(entry, wording),
      entry.detail,
    ]);
  }
  return { csv, next: result.next, rows: result.entries.length };
}

/** What the filters offer. Bounded: a log that somehow holds thousands of workstations still answers quickly. */
export async function auditChoices(db: Kysely<Database>): Promise<{
  staff: Array<{ id: number; displayName: string; isActive: boolean }>;
  workstations: string[];
  actions: string[];
}> {
  const [staff, workstations, actions] = [await listStaff(db), await auditWorkstations(db, 500), await auditActions(db, 500)];
  return { staff: staff.map((row) => ({ id: row.id, displayName: row.display_name, isActive: row.is_active === 1 })), workstations, actions };
}
