import { DateTime } from 'luxon';
import type { Locale } from '../contract/common';
import type { AuditEntry } from './audit.contract';
import type { auditEn } from './audit.i18n';

/** The `audit` part of a catalogue: the renderer and the CSV export read the same words. */
export type AuditWords = typeof auditEn;

export interface AuditWording {
  words: AuditWords;
  locale: Locale;
  /** The clinic's time zone: an appointment "at 10:00" is the clinic's 10:00. */
  timeZone: string;
}

/** An action's key in the catalogue: `appointments.reschedule` → `appointments_reschedule`. */
export function auditActionKey(action: string): string {
  return action.replaceAll('.', '_');
}

/** The action's short label (for the filter), or its code when the catalogue does not know it. */
export function auditActionLabel(action: string, words: AuditWords): string {
  return (words.actions as Record<string, string>)[auditActionKey(action)] ?? action;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => values[name] ?? '');
}

function dateTime(at: number, wording: AuditWording): DateTime {
  return DateTime.fromMillis(at, { zone: wording.timeZone }).setLocale(wording.locale === 'pt' ? 'pt-PT' : 'en-GB');
}

/** "Tue 9 Dec 10:00": a moment as the desk says it. */
export function auditMoment(at: number, wording: AuditWording): string {
  return dateTime(at, wording).toFormat('ccc d LLL HH:mm');
}

/** When an entry was written, for a table or a spreadsheet: "2025-12-09 10:00:05", the clinic's time. */
export function auditTimestamp(at: number, timeZone: string): string {
  return DateTime.fromMillis(at, { zone: timeZone }).toFormat('yyyy-LL-dd HH:mm:ss');
}

function parseDetail(detail: string): Record<string, unknown> {
  if (!detail.startsWith('{')) return {};
  try {
    const parsed: unknown = JSON.parse(detail);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const startsAtOf = (value: unknown): number | null => {
  const startsAt = value && typeof value === 'object' ? (value as { startsAt?: unknown }).startsAt : value;
  return typeof startsAt === 'number' && Number.isFinite(startsAt) ? startsAt : null;
};

/** Who acted, in words: the account, or the app itself when nobody signed in did (a timer, a screen). */
export function auditWho(entry: Pick<AuditEntry, 'staffId' | 'staffName'>, words: AuditWords): string {
  if (entry.staffName) return entry.staffName;
  return entry.staffId === null ? words.system : words.someone;
}

/**
 * What an entry says, in words, without where: "Ana Costa moved Maria Silva's appointment
 * from Tue 9 Dec 10:00 to 11:30". Only what the entry holds: names are read when shown.
 */
export function auditWhat(entry: AuditEntry, wording: AuditWording): string {
  const { words } = wording;
  const detail = parseDetail(entry.detail);
  const values: Record<string, string> = {
    who: auditWho(entry, words),
    patient: entry.patientName ?? (entry.patientId !== null ? fill(words.patientNumber, { id: String(entry.patientId) }) : ''),
    action: auditActionLabel(entry.action, words),
  };
  const when = startsAtOf(detail.startsAt);
  if (when !== null) values.when = auditMoment(when, wording);
  const from = startsAtOf(detail.from);
  const to = startsAtOf(detail.to);
  if (from !== null && to !== null) {
    values.from = auditMoment(from, wording);
    // The same day reads once: "from Tue 9 Dec 10:00 to 11:30".
    values.to = dateTime(from, wording).hasSame(dateTime(to, wording), 'day') ? dateTime(to, wording).toFormat('HH:mm') : auditMoment(to, wording);
  }
  // A look at a patient's appointments, or at one patient's history, reads as such.
  let key = auditActionKey(entry.action);
  if (entry.action === 'patients.read' && entry.detail === 'appointments') key = 'patients_read_appointments';
  else if ((entry.action === 'audit.open' || entry.action === 'audit.export') && entry.entity === 'patient') key = `${key}_patient`;
  const template = (words.words as Record<string, string>)[key];
  // A template whose facts the entry lacks (an old entry, a hand-made one) falls back to the label.
  const needs = template ? [...template.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1] as string) : [];
  if (!template || needs.some((name) => !values[name])) return fill(words.words.unknown, values);
  return fill(template, values);
}

/** The whole sentence: what, and where. */
export function auditSentence(entry: AuditEntry, wording: AuditWording): string {
  return fill(wording.words.sentence, { what: auditWhat(entry, wording), where: entry.workstation });
}
