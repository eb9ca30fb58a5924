import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';
import { csvCell, csvRow, UTF8_BOM } from './audit-csv';
import { insertAudit } from './audit.repository';
import { EXPORT_CHUNK_ROWS } from './audit.service';

describe('CSV cells', () => {
  it('quote every cell and double its quotes, keeping commas and newlines inside', () => {
    expect(csvRow(['a', 'say "hi"', 'one, two', 'line 1\nline 2', null, 42])).toBe('"a","say ""hi""","one, two","line 1\nline 2","","42"\r\n');
  });

  it('turn what a spreadsheet would run as a formula into text', () => {
    for (const hostile of ['=1+1', '+351 91', '-2', '@SUM(A1)', '\t=cmd', '\r=cmd']) expect(csvCell(hostile)).toBe(`"'${hostile}"`);
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('Ana = boss')).toBe('"Ana = boss"');
  });
});

describe('audit.export', () => {
  let t: TestDesk;
  let p: Practice;

  beforeEach(async () => {
    t = await createTestDesk({ now: '2026-12-09T09:00' });
    p = await seedPractice(t, 2);
  });

  afterEach(async () => {
    await t.close();
  });

  it('writes the filtered log in words, with a BOM and a header, and records the export once', async () => {
    const [maria] = p.patients as [number];
    t.desk.database.sqlite.prepare(`UPDATE patients SET full_name = '=cmd|'' /C calc''!A0' WHERE id = ?`).run(maria);
    t.desk.database.sqlite.prepare(`UPDATE staff SET display_name = 'Ana Costa' WHERE username = 'receptionist2'`).run();
    const booked = await t.ok(t.reception, 'appointments.book', {
      patientId: maria,
      specialtyId: p.general,
      practitionerId: p.ana,
      startsAt: t.at('2026-12-09T10:00'),
    });
    await t.ok(t.reception, 'appointments.reschedule', { id: booked.id, startsAt: t.at('2026-12-09T11:30') });

    const chunk = await t.ok(t.admin, 'audit.export', { filters: { patientId: maria, action: 'appointments.reschedule' } });
    expect(chunk.next).toBeNull();
    expect(chunk.rows).toBe(1);
    const [header, row, end] = chunk.csv.split('\r\n');
    expect(header).toBe(`${UTF8_BOM}"When","Who","Where","Action","Patient","What","Detail"`);
    expect(row).toMatch(/^"2026-12-09 09:00:\d\d","Ana Costa","test-receptionist","Appointment moved","'=cmd\|' \/C calc'!A0",/);
    // Lisbon is on UTC in December: 10:00 is 10:00.
    expect(row).toContain(`"Ana Costa moved =cmd|' /C calc'!A0’s appointment from Wed 9 Dec 10:00 to 11:30 at test-receptionist"`);
    expect(end).toBe('');

    const pt = await t.ok(t.admin, 'audit.export', { filters: { patientId: maria, action: 'appointments.reschedule' }, locale: 'pt' });
    expect(pt.csv).toContain('"Quando","Quem","Onde","Ação","Utente","O quê","Detalhe"');
    // The weekday's spelling is the runtime's (ICU): "quarta", "qua."…
    expect(pt.csv).toMatch(/"Ana Costa remarcou a consulta de .+ de \S+ 9 dez\.? 10:00 para 11:30, no posto test-receptionist"/);

    const exports = t.desk.database.sqlite.prepare(`SELECT entity, entity_id, detail FROM audit_log WHERE action = 'audit.export'`).all();
    expect(exports).toEqual([
      { entity: 'patient', entity_id: maria, detail: `{"filters":{"patientId":${maria},"action":"appointments.reschedule"}}` },
      { entity: 'patient', entity_id: maria, detail: `{"filters":{"patientId":${maria},"action":"appointments.reschedule"}}` },
    ]);
  });

  it('comes in chunks that join into every entry once, the header and the record only in the first', async () => {
    const { db } = t.desk.database;
    const total = EXPORT_CHUNK_ROWS + 20;
    for (let i = 0; i < total; i++) {
      await insertAudit(db, {
        at: t.at('2026-12-01T09:00') + i,
        staffId: null,
        workstation: 'bulk',
        action: 'queue.recall',
        entity: '',
        entityId: null,
        detail: `n${i}`,
      });
    }
    const chunks: string[] = [];
    let after: { at: number; id: number } | undefined;
    do {
      const chunk = await t.ok(t.admin, 'audit.export', { filters: { workstation: 'bulk' }, ...(after ? { after } : {}) });
      chunks.push(chunk.csv);
      after = chunk.next ?? undefined;
    } while (after);
    expect(chunks).toHaveLength(2);
    expect(chunks[1]!.startsWith(UTF8_BOM)).toBe(false);
    const lines = chunks.join('').split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(total + 1);
    expect(new Set(lines.slice(1).map((line) => line.split(',').at(-1))).size).toBe(total);
    expect(t.desk.database.sqlite.prepare(`SELECT count(*) FROM audit_log WHERE action = 'audit.export'`).pluck().get()).toBe(1);
  });
});
