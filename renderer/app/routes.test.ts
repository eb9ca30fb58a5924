import { describe, expect, it } from 'vitest';
import { formatHash, parseHash, type Route } from './routes';

describe('routes', () => {
  it('round-trips every kind of route through the hash', () => {
    const routes: Route[] = [
      { view: 'today' },
      { view: 'today', day: '2030-01-31' },
      { view: 'patients' },
      { view: 'patients', mode: 'new' },
      { view: 'patients', patientId: 5 },
      { view: 'patients', patientId: 5, mode: 'edit' },
      { view: 'book' },
      { view: 'book', patientId: 8 },
      { view: 'queue' },
      { view: 'queue', practitionerId: 3 },
      { view: 'setup', section: 'queue' },
      { view: 'setup', section: 'hours' },
      { view: 'settings' },
      { view: 'audit' },
      { view: 'reports' },
    ];
    for (const route of routes) expect(parseHash(formatHash(route))).toEqual(route);
  });

  it('falls back to today for anything unknown or malformed', () => {
    expect(parseHash('')).toEqual({ view: 'today' });
    expect(parseHash('#/nowhere')).toEqual({ view: 'today' });
    expect(parseHash('#/patients/abc')).toEqual({ view: 'patients' });
    expect(parseHash('#/today/yesterday')).toEqual({ view: 'today' });
    expect(parseHash('#/setup/secrets')).toEqual({ view: 'setup' });
    expect(parseHash('#/queue/0')).toEqual({ view: 'queue' });
  });
});
