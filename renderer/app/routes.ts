/** The screens of the signed-in app. The URL hash mirrors the route, so reloads and Back work. */
export type View = 'today' | 'queue' | 'patients' | 'book' | 'setup' | 'settings' | 'audit' | 'reports';

export type Route =
  | { view: 'today'; day?: string }
  /** The desk's queues of every practitioner, or (for a doctor) their own; `practitionerId` scrolls to one. */
  | { view: 'queue'; practitionerId?: number }
  | { view: 'patients'; patientId?: number; mode?: 'new' | 'edit' }
  | { view: 'book'; patientId?: number }
  | { view: 'setup'; section?: SetupSection }
  | { view: 'settings' }
  /** The audit log (admins). */
  | { view: 'audit' }
  /** Reports (admins; a receptionist sees their own day). */
  | { view: 'reports' };

export const setupSections = ['clinic', 'specialties', 'rooms', 'practitioners', 'hours', 'timeOff', 'holidays', 'staff', 'queue'] as const;
export type SetupSection = (typeof setupSections)[number];

export const views: readonly View[] = ['today', 'queue', 'patients', 'book', 'setup', 'settings', 'audit', 'reports'];

const isDay = (value: string | undefined): value is string => !!value && /^\d{4}-\d{2}-\d{2}$/.test(value);
const toId = (value: string | undefined): number | undefined => {
  const number = Number(value);
  return Number.isSafeInteger(number) && number > 0 ? number : undefined;
};

export function parseHash(hash: string): Route {
  const [view, first, second] = hash.replace(/^#\/?/, '').split('/');
  switch (view) {
    case 'patients': {
      if (first === 'new') return { view: 'patients', mode: 'new' };
      const patientId = toId(first);
      if (!patientId) return { view: 'patients' };
      return second === 'edit' ? { view: 'patients', patientId, mode: 'edit' } : { view: 'patients', patientId };
    }
    case 'book': {
      const patientId = toId(first);
      return patientId ? { view: 'book', patientId } : { view: 'book' };
    }
    case 'queue': {
      const practitionerId = toId(first);
      return practitionerId ? { view: 'queue', practitionerId } : { view: 'queue' };
    }
    case 'setup':
      return (setupSections as readonly string[]).includes(first ?? '') ? { view: 'setup', section: first as SetupSection } : { view: 'setup' };
    case 'settings':
      return { view: 'settings' };
    case 'audit':
      return { view: 'audit' };
    case 'reports':
      return { view: 'reports' };
    case 'today':
    default:
      return isDay(first) ? { view: 'today', day: first } : { view: 'today' };
  }
}

export function formatHash(route: Route): string {
  switch (route.view) {
    case 'patients':
      if (route.mode === 'new') return '#/patients/new';
      if (route.patientId) return `#/patients/${route.patientId}${route.mode === 'edit' ? '/edit' : ''}`;
      return '#/patients';
    case 'book':
      return route.patientId ? `#/book/${route.patientId}` : '#/book';
    case 'queue':
      return route.practitionerId ? `#/queue/${route.practitionerId}` : '#/queue';
    case 'setup':
      return route.section ? `#/setup/${route.section}` : '#/setup';
    case 'settings':
      return '#/settings';
    case 'audit':
      return '#/audit';
    case 'reports':
      return '#/reports';
    case 'today':
      return route.day ? `#/today/${route.day}` : '#/today';
  }
}
