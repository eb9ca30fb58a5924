import { dayOf } from '../../shared/schedule/wall-clock';

/**
 * Where the "now" line goes in a practitioner's column of cards (sorted by start): before
 * the first card that has not started yet. Instants, not wall-clock times, decide, so on
 * the night the clocks go back the two 01:30s fall either side of it correctly. Null when
 * the day shown is not the clinic's today (in its time zone), or the column is empty.
 */
export function nowLineIndex(input: { day: string; zone: string; now: number; startTimes: readonly number[] }): number | null {
  if (input.startTimes.length === 0 || dayOf(input.zone, input.now) !== input.day) return null;
  let index = 0;
  while (index < input.startTimes.length && input.startTimes[index]! <= input.now) index++;
  return index;
}

/** Visits that are over: hidden by the board's "Hide finished visits". */
export const isFinished = (status: string) => status === 'done' || status === 'left_unseen';
