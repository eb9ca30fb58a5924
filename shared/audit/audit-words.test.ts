import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { catalogues } from '../i18n';
import type { AuditEntry } from './audit.contract';
import { auditSentence, auditWhat, type AuditWording } from './audit-words';

const zone = 'Europe/Lisbon';
const at = (local: string) => DateTime.fromISO(local, { zone }).toMillis();
const en: AuditWording = { words: catalogues.en.audit, locale: 'en', timeZone: zone };
const pt: AuditWording = { words: catalogues.pt.audit, locale: 'pt', timeZone: zone };

function entry(values: Partial<AuditEntry>): AuditEntry {
  return {
    id: 1,
    at: at('2025-12-08T16:00'),
    staffId: 2,
    staffName: 'Ana Costa',
    workstation: 'Reception 1',
    action: 'patients.read',
    entity: 'patient',
    entityId: 7,
    patientId: 7,
    patientName: 'Maria Silva',
    detail: 'record',
    ...values,
  };
}

describe('an audit entry in words', () => {
  it('says who moved whose appointment from when to when, and where, in the clinic’s time', () => {
    const moved = entry({
      action: 'appointments.reschedule',
      entity: 'appointment',
      detail: JSON.stringify({ from: { startsAt: at('2025-12-09T10:00') }, to: { startsAt: at('2025-12-09T11:30') } }),
    });
    expect(auditSentence(moved, en)).toBe('Ana Costa moved Maria Silva’s appointment from Tue 9 Dec 10:00 to 11:30 at Reception 1');
    expect(auditSentence(moved, pt)).toMatch(/^Ana Costa remarcou a consulta de Maria Silva de \S+ 9 dez\.? 10:00 para 11:30, no posto Reception 1$/);
    // Another day is said in full; summer time is the clinic's (10:00 in July is 09:00 UTC).
    const later = { ...moved, detail: JSON.stringify({ from: { startsAt: at('2025-07-01T10:00') }, to: { startsAt: at('2025-07-02T09:15') } }) };
    expect(auditWhat(later, en)).toBe('Ana Costa moved Maria Silva’s appointment from Tue 1 Jul 10:00 to Wed 2 Jul 09:15');
  });

  it('tells a look at the record from a look at the appointments, and names the app when nobody signed in acted', () => {
    expect(auditWhat(entry({}), en)).toBe('Ana Costa viewed Maria Silva’s record');
    expect(auditWhat(entry({ detail: 'appointments' }), en)).toBe('Ana Costa viewed Maria Silva’s appointments');
    expect(auditWhat(entry({ action: 'appointments.noShow.auto', staffId: null, staffName: null, entity: 'appointment' }), en)).toBe(
      'Maria Silva was marked as a no-show automatically',
    );
    expect(auditWhat(entry({ patientName: null }), en)).toBe('Ana Costa viewed patient #7’s record');
    expect(auditWhat(entry({ action: 'audit.open', detail: '{}' }), en)).toBe('Ana Costa looked at who has seen or changed Maria Silva’s record');
    expect(auditWhat(entry({ action: 'audit.open', entity: '', entityId: null, patientId: null, patientName: null }), en)).toBe(
      'Ana Costa opened the audit log',
    );
  });

  it('falls back to who and the action when the entry lacks what its sentence needs, or the action is unknown', () => {
    expect(auditWhat(entry({ action: 'appointments.reschedule', detail: 'not json {' }), en)).toBe('Ana Costa: Appointment moved');
    expect(auditWhat(entry({ action: 'something.new', detail: '' }), en)).toBe('Ana Costa: something.new');
    expect(auditWhat(entry({ action: 'staff.create', staffId: 9, staffName: null }), en)).toBe('Someone created a staff account');
  });
});
