import { HOUR_MS } from '../../shared/time/units';

/** The longest appointment (the push refuses longer ones; the spans table checks it too). */
export const MAX_APPOINTMENT_MS = 12 * HOUR_MS;
