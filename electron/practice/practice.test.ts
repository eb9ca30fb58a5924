import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDesk, seedPractice, type TestDesk } from '../schedule/test-fixtures';

let t: TestDesk;

beforeEach(async () => {
  t = await createTestDesk({ now: '2026-06-15T08:00' });
});

afterEach(async () => {
  await t.close();
});

describe('specialties', () => {
  it('creates, updates and lists them by name, and emits practice.changed', async () => {
    const x = await t.ok(t.admin, 'specialties.save', { nameEn: 'X-ray', namePt: 'Raio-X', durationMinutes: 15, priceCents: 2000, ticketPrefix: 'X' });
    const a = await t.ok(t.admin, 'specialties.save', { nameEn: 'allergy', namePt: 'Alergia', durationMinutes: 20, priceCents: 3000, ticketPrefix: 'A' });
    expect(x).toEqual({ id: x.id, nameEn: 'X-ray', namePt: 'Raio-X', durationMinutes: 15, priceCents: 2000, ticketPrefix: 'X', isActive: true });

    const updated = await t.ok(t.admin, 'specialties.save', { ...x, durationMinutes: 25, isActive: false });
    expect(updated).toMatchObject({ id: x.id, durationMinutes: 25, isActive: false });

    const list = await t.ok(t.reception, 'specialties.list', {});
    expect(list.map((s) => s.id)).toEqual([a.id, x.id]);
    expect(t.events.filter((e) => e.event === 'practice.changed')).toHaveLength(3);
  });

  it('refuses an unknown id and a non-admin', async () => {
    const fields = { nameEn: 'X', namePt: 'X', durationMinutes: 15, priceCents: 0, ticketPrefix: 'X' };
    expect((await t.fail(t.admin, 'specialties.save', { ...fields, id: 999 })).code).toBe('NOT_FOUND');
    expect((await t.fail(t.reception, 'specialties.save', fields)).code).toBe('FORBIDDEN');
    expect((await t.fail(t.admin, 'specialties.save', { ...fields, ticketPrefix: 'xy' })).code).toBe('VALIDATION');
    expect(t.count('specialties')).toBe(0);
  });
});

describe('ticket prefixes', () => {
  it('are unique among active specialties, whatever the case; an inactive one may share, until it is active again', async () => {
    const fields = { namePt: 'X', durationMinutes: 15, priceCents: 0 };
    const evaluation = await t.ok(t.admin, 'specialties.save', { ...fields, nameEn: 'Evaluation', ticketPrefix: 'A' });
    const refused = await t.fail(t.admin, 'specialties.save', { ...fields, nameEn: 'Acupuncture', ticketPrefix: 'A' });
    expect(refused).toMatchObject({ code: 'TICKET_PREFIX_TAKEN', details: { prefix: 'A', specialtyId: evaluation.id } });
    expect(t.count('specialties')).toBe(1);

    const acupuncture = await t.ok(t.admin, 'specialties.save', { ...fields, nameEn: 'Acupuncture', ticketPrefix: 'AC' });
    expect((await t.fail(t.admin, 'specialties.save', { ...acupuncture, ticketPrefix: 'A' })).code).toBe('TICKET_PREFIX_TAKEN');
    // Saving a specialty with its own prefix is no clash.
    await t.ok(t.admin, 'specialties.save', { ...evaluation, durationMinutes: 30 });
    // Retired, its prefix is free; it cannot come back while another uses it.
    await t.ok(t.admin, 'specialties.save', { ...evaluation, isActive: false });
    await t.ok(t.admin, 'specialties.save', { ...acupuncture, ticketPrefix: 'A' });
    expect((await t.fail(t.admin, 'specialties.save', { ...evaluation, isActive: true })).code).toBe('TICKET_PREFIX_TAKEN');
  });
});

describe('rooms', () => {
  it('refuses a duplicate name whatever its case, but lets a room keep its own name', async () => {
    const room = await t.ok(t.admin, 'rooms.save', { name: 'Blue room' });
    const error = await t.fail(t.admin, 'rooms.save', { name: 'BLUE ROOM' });
    expect(error.code).toBe('ALREADY_EXISTS');
    expect(t.count('rooms')).toBe(1);

    expect(await t.ok(t.admin, 'rooms.save', { id: room.id, name: 'Blue Room', isActive: false })).toEqual({ id: room.id, name: 'Blue Room', isActive: false });
    expect((await t.fail(t.admin, 'rooms.save', { id: 404, name: 'Green' })).code).toBe('NOT_FOUND');
  });

  it('lists rooms by name', async () => {
    await t.ok(t.admin, 'rooms.save', { name: 'b' });
    await t.ok(t.admin, 'rooms.save', { name: 'A' });
    await t.ok(t.admin, 'rooms.save', { name: 'C' });
    expect((await t.ok(t.reception, 'rooms.list', {})).map((r) => r.name)).toEqual(['A', 'b', 'C']);
  });
});

describe('practitioners', () => {
  it('saves specialties, default room, descriptions and colour, and replaces specialties on update', async () => {
    const p = await seedPractice(t, 0);
    const saved = await t.ok(t.admin, 'practitioners.save', {
      fullName: 'Duarte Dias',
      specialtyIds: [p.dentistry, p.general, p.general],
      defaultRoomId: p.room1,
      descriptionEn: 'Dentist',
      descriptionPt: 'Dentista',
      color: '#112233',
    });
    expect(saved).toEqual({
      id: saved.id,
      fullName: 'Duarte Dias',
      specialtyIds: [p.general, p.dentistry].sort((a, b) => a - b),
      defaultRoomId: p.room1,
      descriptionEn: 'Dentist',
      descriptionPt: 'Dentista',
      color: '#112233',
      isActive: true,
    });
    const updated = await t.ok(t.admin, 'practitioners.save', { id: saved.id, fullName: 'Duarte Dias', specialtyIds: [p.dentistry], defaultRoomId: null });
    expect(updated.specialtyIds).toEqual([p.dentistry]);
    expect(updated.color).toBe('#3b82f6');

    const list = await t.ok(t.reception, 'practitioners.list', {});
    expect(list.map((x) => x.fullName)).toEqual(['Ana Almeida', 'Bruno Borges', 'Carla Costa', 'Duarte Dias']);
    expect(list.find((x) => x.id === saved.id)?.specialtyIds).toEqual([p.dentistry]);
  });

  it('refuses unknown specialties, rooms and ids, and writes nothing', async () => {
    const p = await seedPractice(t, 0);
    const before = t.count('practitioners');
    expect((await t.fail(t.admin, 'practitioners.save', { fullName: 'X', specialtyIds: [p.general, 999], defaultRoomId: null })).code).toBe('NOT_FOUND');
    expect((await t.fail(t.admin, 'practitioners.save', { fullName: 'X', specialtyIds: [], defaultRoomId: 999 })).code).toBe('NOT_FOUND');
    expect((await t.fail(t.admin, 'practitioners.save', { id: 999, fullName: 'X', specialtyIds: [], defaultRoomId: null })).code).toBe('NOT_FOUND');
    expect(t.count('practitioners')).toBe(before);
  });
});

describe('working hours', () => {
  it('replaces the whole week and returns it sorted', async () => {
    const p = await seedPractice(t, 0);
    const result = await t.ok(t.admin, 'workingHours.set', {
      practitionerId: p.ana,
      intervals: [
        { weekday: 3, start: '14:00', end: '18:00' },
        { weekday: 1, start: '09:00', end: '12:00' },
        { weekday: 3, start: '08:00', end: '14:00' },
        { weekday: 7, start: '20:00', end: '24:00' },
      ],
    });
    expect(result.intervals).toEqual([
      { weekday: 1, start: '09:00', end: '12:00' },
      { weekday: 3, start: '08:00', end: '14:00' },
      { weekday: 3, start: '14:00', end: '18:00' },
      { weekday: 7, start: '20:00', end: '24:00' },
    ]);
    expect(await t.ok(t.reception, 'workingHours.get', { practitionerId: p.ana })).toEqual(result);
  });

  it('refuses overlapping intervals of one day and empty intervals, keeping the old week', async () => {
    const p = await seedPractice(t, 0);
    const before = await t.ok(t.admin, 'workingHours.get', { practitionerId: p.ana });
    const overlap = await t.fail(t.admin, 'workingHours.set', {
      practitionerId: p.ana,
      intervals: [
        { weekday: 2, start: '09:00', end: '13:00' },
        { weekday: 2, start: '12:30', end: '18:00' },
      ],
    });
    expect(overlap.code).toBe('VALIDATION');
    expect(overlap.details).toMatchObject({ fields: [{ path: 'intervals.1' }] });
    const empty = await t.fail(t.admin, 'workingHours.set', { practitionerId: p.ana, intervals: [{ weekday: 2, start: '13:00', end: '13:00' }] });
    expect(empty.code).toBe('VALIDATION');
    expect(await t.ok(t.admin, 'workingHours.get', { practitionerId: p.ana })).toEqual(before);
    expect((await t.fail(t.admin, 'workingHours.get', { practitionerId: 999 })).code).toBe('NOT_FOUND');
  });
});

describe('time off', () => {
  it('adds, lists (overlapping a range, by start) and removes', async () => {
    const p = await seedPractice(t, 0);
    const late = await t.ok(t.admin, 'timeOff.add', {
      practitionerId: p.ana,
      startsAt: t.at('2026-06-20T00:00'),
      endsAt: t.at('2026-06-21T00:00'),
      reason: 'Wedding',
    });
    const early = await t.ok(t.admin, 'timeOff.add', { practitionerId: p.ana, startsAt: t.at('2026-06-16T12:00'), endsAt: t.at('2026-06-17T12:00') });
    const other = await t.ok(t.admin, 'timeOff.add', { practitionerId: p.bruno, startsAt: t.at('2026-06-16T09:00'), endsAt: t.at('2026-06-16T10:00') });
    expect(late.reason).toBe('Wedding');

    expect((await t.ok(t.reception, 'timeOff.list', {})).map((x) => x.id)).toEqual([other.id, early.id, late.id]);
    expect((await t.ok(t.reception, 'timeOff.list', { practitionerId: p.ana })).map((x) => x.id)).toEqual([early.id, late.id]);
    expect((await t.ok(t.reception, 'timeOff.list', { from: t.at('2026-06-17T00:00'), to: t.at('2026-06-18T00:00') })).map((x) => x.id)).toEqual([early.id]);

    expect(await t.ok(t.admin, 'timeOff.remove', { id: early.id })).toEqual({ ok: true });
    expect((await t.fail(t.admin, 'timeOff.remove', { id: early.id })).code).toBe('NOT_FOUND');
    expect(t.count('time_off')).toBe(2);
  });

  it('refuses an end before the start and an unknown practitioner', async () => {
    const p = await seedPractice(t, 0);
    expect((await t.fail(t.admin, 'timeOff.add', { practitionerId: p.ana, startsAt: t.at('2026-06-20T10:00'), endsAt: t.at('2026-06-20T10:00') })).code).toBe(
      'VALIDATION',
    );
    expect((await t.fail(t.admin, 'timeOff.add', { practitionerId: 999, startsAt: t.at('2026-06-20T10:00'), endsAt: t.at('2026-06-20T11:00') })).code).toBe(
      'NOT_FOUND',
    );
    expect(t.count('time_off')).toBe(0);
  });

  it('audits admin changes', async () => {
    await seedPractice(t, 0);
    const rows = t.desk.database.sqlite.prepare(`SELECT action FROM audit_log ORDER BY id`).all() as Array<{ action: string }>;
    expect(rows.map((r) => r.action)).toContain('workingHours.set');
    expect(rows.filter((r) => r.action === 'practitioners.save')).toHaveLength(3);
  });
});
