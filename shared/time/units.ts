/**
 * Lengths of time in milliseconds, declared once for the desk, the renderer, the cloud, the
 * tests and the benchmarks. Plain numbers, so `15 * MINUTE_MS` is a constant expression.
 *
 * These are elapsed time, not calendar arithmetic. DAY_MS is exactly 24 hours: on the days a
 * clinic's clock jumps for DST, a calendar day there lasts 23 or 25 hours, so "the same wall
 * time tomorrow" is not `+ DAY_MS`; use shared/schedule/wall-clock for that. DAY_MS is right
 * for UTC dates, for "at least a day ago" and for timers.
 */
export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
