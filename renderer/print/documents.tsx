import { useTranslation } from 'react-i18next';
import { dayOf } from '../i18n/format';
import { useFormat } from '../i18n/hooks';
import { useSession } from '../stores/stores';
import { statusLabel } from '../board/status-badge';
import type { DayListDocument, SlipDocument, UpcomingDocument } from './print.store';

/** The clinic as it heads every desk document: its name, and its address and phone when set. */
function ClinicHeader({ title, subtitle }: { title: string; subtitle?: string }) {
  const settings = useSession((state) => state.settings);
  const contact = [settings?.clinicAddress, settings?.clinicPhone].filter((part) => part).join(' · ');
  return (
    <header className="doc-header">
      <div className="doc-clinic">
        <strong className="doc-clinic-name">{settings?.clinicName}</strong>
        {contact ? <span className="doc-clinic-contact">{contact}</span> : null}
      </div>
      <h1 className="doc-title">{title}</h1>
      {subtitle ? <p className="doc-subtitle">{subtitle}</p> : null}
    </header>
  );
}

export function DayListPage({ document }: { document: DayListDocument }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { board, practitionerId } = document;
  const practitioners = board.practitioners.filter((practitioner) => practitionerId === null || practitioner.id === practitionerId);
  const subtitle = practitionerId === null ? t('print.dayList.wholeClinic') : (practitioners[0]?.fullName ?? '');
  return (
    <article className="doc doc-day-list" data-testid="doc-day-list">
      <ClinicHeader title={`${t('print.dayList.title')} · ${format.dayLong(board.day)}`} subtitle={subtitle} />
      {practitioners.map((practitioner) => {
        const rows = board.appointments.filter((appointment) => appointment.practitionerId === practitioner.id).sort((a, b) => a.startsAt - b.startsAt);
        return (
          <section key={practitioner.id} className="doc-section">
            {practitionerId === null ? <h2 className="doc-section-title">{practitioner.fullName}</h2> : null}
            {rows.length === 0 ? (
              <p className="doc-empty">{t('print.dayList.none')}</p>
            ) : (
              <table className="doc-table">
                <thead>
                  <tr>
                    <th scope="col">{t('print.columns.time')}</th>
                    <th scope="col">{t('print.columns.patient')}</th>
                    <th scope="col">{t('print.columns.specialty')}</th>
                    <th scope="col">{t('print.columns.room')}</th>
                    <th scope="col">{t('print.columns.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={row.id} className={row.status === 'cancelled' || row.status === 'no_show' ? 'doc-row-closed' : undefined}>
                      <td className="doc-nowrap">{format.timeRange(row.startsAt, row.endsAt)}</td>
                      <td>{row.patientName}</td>
                      <td>{format.locale === 'pt' ? row.specialtyNamePt : row.specialtyNameEn}</td>
                      <td className="doc-nowrap">{row.roomName ?? '—'}</td>
                      <td className="doc-nowrap">{statusLabel(t, row.status)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        );
      })}
    </article>
  );
}

export function SlipPage({ document }: { document: SlipDocument }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { appointment } = document;
  const day = format.dayLongWithYear(dayOf(appointment.startsAt, format.zone));
  return (
    <article className="doc doc-slip" data-testid="doc-slip">
      <ClinicHeader title={t('print.slip.title')} subtitle={document.patientName} />
      <dl className="doc-facts">
        <dt>{t('print.slip.date')}</dt>
        <dd>{day}</dd>
        <dt>{t('print.columns.time')}</dt>
        <dd>{format.timeRange(appointment.startsAt, appointment.endsAt)}</dd>
        <dt>{t('print.slip.practitioner')}</dt>
        <dd>{document.practitionerName}</dd>
        <dt>{t('print.columns.specialty')}</dt>
        <dd>{format.locale === 'pt' ? document.specialtyNamePt : document.specialtyNameEn}</dd>
        <dt>{t('print.columns.room')}</dt>
        <dd>{document.roomName ?? t('print.slip.roomAtDesk')}</dd>
      </dl>
      <div className="doc-code">
        <span className="doc-code-label">{t('print.slip.code')}</span>
        <span className="doc-code-value" data-testid="slip-code">
          {appointment.code}
        </span>
        <span className="doc-code-hint">{t('print.slip.codeHint')}</span>
      </div>
    </article>
  );
}

export function UpcomingPage({ document }: { document: UpcomingDocument }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <article className="doc doc-upcoming" data-testid="doc-upcoming">
      <ClinicHeader title={t('print.upcoming.title')} subtitle={document.patientName} />
      {document.rows.length === 0 ? (
        <p className="doc-empty">{t('print.upcoming.none')}</p>
      ) : (
        <table className="doc-table">
          <thead>
            <tr>
              <th scope="col">{t('print.slip.date')}</th>
              <th scope="col">{t('print.columns.time')}</th>
              <th scope="col">{t('print.slip.practitioner')}</th>
              <th scope="col">{t('print.columns.specialty')}</th>
              <th scope="col">{t('print.columns.room')}</th>
            </tr>
          </thead>
          <tbody>
            {document.rows.map((row) => (
              <tr key={row.id}>
                <td className="doc-nowrap">{format.dayShortWithYear(dayOf(row.startsAt, format.zone))}</td>
                <td className="doc-nowrap">{format.timeRange(row.startsAt, row.endsAt)}</td>
                <td>{row.practitionerName}</td>
                <td>{format.locale === 'pt' ? row.specialtyNamePt : row.specialtyNameEn}</td>
                <td className="doc-nowrap">{row.roomName ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
