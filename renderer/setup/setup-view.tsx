import { useTranslation } from 'react-i18next';
import { setupSections, type SetupSection } from '../app/routes';
import { useUi, useUiStore } from '../stores/stores';
import { PageHeader } from '../ui/misc';
import { ClinicSection } from '../settings/clinic-section';
import { HoursSection } from '../practice/hours-section';
import { PractitionersSection } from '../practice/practitioners-section';
import { RoomsSection } from '../practice/rooms-section';
import { SpecialtiesSection } from '../practice/specialties-section';
import { StaffSection } from '../staff/staff-section';
import { TimeOffSection } from '../practice/time-off-section';
import { HolidaysSection } from '../holidays/holidays-section';
import { QueueSettingsSection } from '../settings/queue-settings-section';
import './setup.css';

const sectionLabels: Record<SetupSection, `setup.sections.${Exclude<SetupSection, 'queue'>}` | 'queue.settings.section'> = {
  clinic: 'setup.sections.clinic',
  specialties: 'setup.sections.specialties',
  rooms: 'setup.sections.rooms',
  practitioners: 'setup.sections.practitioners',
  hours: 'setup.sections.hours',
  timeOff: 'setup.sections.timeOff',
  holidays: 'setup.sections.holidays',
  staff: 'setup.sections.staff',
  queue: 'queue.settings.section',
};

export function SetupView() {
  const { t } = useTranslation();
  const route = useUi((state) => state.route);
  const ui = useUiStore();
  const section: SetupSection = route.view === 'setup' && route.section ? route.section : 'clinic';

  let content;
  switch (section) {
    case 'specialties':
      content = <SpecialtiesSection />;
      break;
    case 'rooms':
      content = <RoomsSection />;
      break;
    case 'practitioners':
      content = <PractitionersSection />;
      break;
    case 'hours':
      content = <HoursSection />;
      break;
    case 'timeOff':
      content = <TimeOffSection />;
      break;
    case 'holidays':
      content = <HolidaysSection />;
      break;
    case 'staff':
      content = <StaffSection />;
      break;
    case 'queue':
      content = <QueueSettingsSection />;
      break;
    default:
      content = <ClinicSection />;
  }

  return (
    <div className="page">
      <PageHeader title={t('setup.title')} subtitle={t('setup.subtitle')} />
      <div className="setup-layout">
        <nav className="setup-nav" aria-label={t('setup.title')}>
          <ul>
            {setupSections.map((candidate) => (
              <li key={candidate}>
                <a
                  href={`#/setup/${candidate}`}
                  className={`setup-nav-link ${candidate === section ? 'is-current' : ''}`}
                  aria-current={candidate === section ? 'page' : undefined}
                  data-testid={`setup-${candidate}`}
                  onClick={(event) => {
                    event.preventDefault();
                    ui.getState().navigate({ view: 'setup', section: candidate });
                  }}
                >
                  {t(sectionLabels[candidate])}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="setup-content">{content}</div>
      </div>
    </div>
  );
}
