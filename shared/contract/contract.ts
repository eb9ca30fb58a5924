import type { z } from 'zod';
import { authContract } from '../auth/auth.contract';
import { setupContract } from '../setup/setup.contract';
import { staffContract } from '../staff/staff.contract';
import { settingsContract } from '../settings/settings.contract';
import { patientsContract } from '../patients/patients.contract';
import { practiceContract } from '../practice/practice.contract';
import { appointmentsContract } from '../appointments/appointments.contract';
import { boardContract } from '../board/board.contract';
import { scheduleContract } from '../schedule/schedule.contract';
import { checkinContract } from '../checkin/checkin.contract';
import { queueContract } from '../queue/queue.contract';
import { kioskContract } from '../kiosk/kiosk.contract';
import { displayContract } from '../display/display.contract';
import { devicesContract } from '../devices/devices.contract';
import { facesContract } from '../faces/faces.contract';
import { syncContract } from '../sync/sync.contract';
import { auditContract } from '../audit/audit.contract';
import { holidaysContract } from '../holidays/holidays.contract';
import { seriesContract } from '../series/series.contract';
import { backupContract } from '../backup/backup.contract';
import { reportsContract } from '../reports/reports.contract';
import { events } from './events';

/**
 * The one contract both transports implement: Electron IPC for the app's own windows,
 * HTTP + server-sent events for the browser host. Method names are `domain.verb`.
 */
export const contract = {
  ...authContract,
  ...setupContract,
  ...staffContract,
  ...settingsContract,
  ...patientsContract,
  ...practiceContract,
  ...scheduleContract,
  ...appointmentsContract,
  ...boardContract,
  ...checkinContract,
  ...queueContract,
  ...kioskContract,
  ...displayContract,
  ...devicesContract,
  ...facesContract,
  ...syncContract,
  ...auditContract,
  ...holidaysContract,
  ...seriesContract,
  ...backupContract,
  ...reportsContract,
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
/** What a caller passes (defaults may be omitted). */
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
/** What a handler receives, after parsing and defaults. */
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;

export const methodNames = Object.keys(contract) as MethodName[];

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(contract, value);
}

export { events };
export type { EventName, EventPayload } from './events';
