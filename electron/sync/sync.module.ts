import type { Kysely } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import type { Database } from '../db/schema';
import type { EventBus } from '../events/event-bus';
import type { HandlerGroup } from '../rpc/handlers';
import type { SessionStore } from '../auth/session-store';
import type { SecretCipher } from '../secrets/secret-cipher';
import type { SyncStatus } from '../../shared/sync/sync.contract';
import { readSettings } from '../settings/settings.repository';
import { displayState } from '../display/display.service';
import { CloudHttp, CloudRequestError, DEFAULT_TIMEOUT_MS } from './cloud-http';
import { fullJitterDelay } from './retry';
import type { AppliedEffects } from './sync-apply';
import { runRound, type EngineDeps } from './sync-engine';
import { defaultRetryPolicy, type RetryPolicy } from './sync-retries';
import { syncHandlers, type SyncMethods } from './sync.handlers';
import { counts, readState, updateState } from './sync.repository';
import { readConfig, type SyncConfig } from './sync.service';
import { isJoinUnfinished, saveJoinedCloud } from './sync-join';
import type { SecretStorageProblem } from '../secrets/secret-cipher';

export interface SyncDeps {
  db: Kysely<Database>;
  bus: EventBus;
  now: () => number;
  secretCipher: SecretCipher;
  /** FRONT_DESK_CLOUD_URL / FRONT_DESK_CLOUD_TOKEN for hosts without a keyring (process.env in the app). */
  env: Readonly<Record<string, string | undefined>>;
  /** This desk's sessions: an account disabled (or given another role or password) elsewhere is signed out here. */
  sessions?: Pick<SessionStore, 'deleteForStaff'>;
  /** Injected in tests (a fault-injecting proxy is simpler over real HTTP, though). */
  fetch?: typeof globalThis.fetch;
  /** Start the background worker (default true; tests drive `runOnce` themselves). */
  autoStart?: boolean;
  /** Per-request retries within a round (defaults: 4 tries, 250 ms–4 s full jitter, Retry-After up to 10 s). */
  retry?: Partial<RetryPolicy>;
  /** How long the cloud has to start answering a small request, and then to finish (default 10 s). */
  timeoutMs?: number;
}

export interface SyncModule {
  handlers: HandlerGroup<SyncMethods>;
  /** One push-and-pull round now (the worker's kind: every request with its retries). */
  runOnce(): Promise<void>;
  /** What `sync.now` runs: like runOnce, but hurried while the cloud is known to be away. */
  syncNow(): Promise<void>;
  /** What `setup.joinClinic` asks of sync (electron/setup/join-clinic.ts). */
  joiner: Joiner;
  close(): Promise<void>;
}

/** Between failed rounds: full jitter from 1 s, doubling, up to 5 minutes (or the server's Retry-After). */
const ROUND_BACKOFF = { baseMs: 1_000, capMs: 5 * 60_000 };
/** Event-stream reconnects: full jitter from 1 s up to a minute. */
const STREAM_BACKOFF = { baseMs: 1_000, capMs: 60_000 };
/** A local change is pushed this soon after it (changes in a burst go in one round). */
const PUSH_DELAY_MS = 300;

/** Sync's part in joining a clinic on the first run. */
export interface Joiner {
  /** How to reach the cloud (the worker's fetch, timeout and clock). */
  http: { fetch: typeof globalThis.fetch; timeoutMs: number; now: () => number };
  /** Why a token could not be kept here, or null. */
  secretProblem(): SecretStorageProblem | null;
  /** A join with this URL that got its token but not its first pull (finished without a new code). */
  isUnfinished(cloudUrl: string): Promise<boolean>;
  /** Keeps the token for the URL's origin and turns sync on, with nothing to upload. */
  keepToken(cloudUrl: string, token: string): Promise<void>;
  /** The first full pull, now; CLOUD_UNAVAILABLE (details.joined) when it cannot finish. */
  firstPull(): Promise<void>;
}

/**
 * Sync with the clinic's cloud: the worker that runs rounds (push the outbox, then pull)
 * every pull interval, soon after a local change, at once when the server's event stream
 * says something changed, and on `sync.now`; and the sync.* handlers (sync.handlers.ts)
 * wired to it. Rounds never overlap; a failed one is tried again after a backoff.
 */
export function createSyncModule(deps: SyncDeps): SyncModule {
  const { db, bus, now } = deps;
  const autoStart = deps.autoStart ?? true;
  const fetchImpl = deps.fetch ?? globalThis.fetch;
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const env = { db, secretCipher: deps.secretCipher, env: deps.env, fetch: fetchImpl, timeoutMs, now };
  const closing = new AbortController();

  let connection: 'online' | 'offline' | 'unauthorised' = 'offline';
  /** The cloud's Retry-After, as an instant (sync_state.not_before, read by each round). */
  let notBefore: number | null = null;
  const setNotBefore = async (at: number | null): Promise<void> => {
    notBefore = at;
    await updateState(db, { not_before: at });
  };
  let failures = 0;
  let nextAttemptAt: number | null = null;
  let lastConfig: SyncConfig | null = null;
  let closed = false;
  let running: Promise<void> | null = null;
  /** Aborted to hurry the running round (see EngineDeps.hurry). */
  let runningHurry: AbortController | null = null;
  let queued: Promise<void> | null = null;
  let isQueuedHurried = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** When `timer` fires, on the monotonic clock (timers run on real time, whatever `now` says). */
  let timerDueAt = 0;
  let stream: { key: string; controller: AbortController; done: Promise<void> } | null = null;
  let isPublishing = false;
  let lastAnnounced = '';

  // The waiting-room view, rebuilt after pulled changes that touch today, as a queue change
  // made here rebuilds it. A full resync applies page after page: the pages' refreshes fold
  // into one running at a time, always from what is committed by then.
  let displayRefresh: Promise<void> | null = null;
  let isDisplayRefreshDue = false;
  const refreshDisplay = (): void => {
    isDisplayRefreshDue = true;
    if (displayRefresh || closed) return;
    displayRefresh = (async () => {
      while (isDisplayRefreshDue && !closed) {
        isDisplayRefreshDue = false;
        const state = await displayState(db, await readSettings(db), now());
        if (!closed) bus.publish('display.changed', state);
      }
    })()
      .catch((error: unknown) => console.error('sync: display refresh failed:', error))
      .finally(() => {
        displayRefresh = null;
      });
  };

  const publish = (effects: AppliedEffects): void => {
    if (effects.isEmpty) return;
    for (const staffId of effects.signedOutStaffIds) deps.sessions?.deleteForStaff(staffId);
    // Our own events must not look like local changes that need a push.
    isPublishing = true;
    try {
      if (effects.appointmentIds.size > 0) {
        bus.publish('appointments.changed', { appointmentIds: [...effects.appointmentIds], days: [...effects.days].sort() });
        // What a queue change made here announces: today's queues and the waiting room.
        if (effects.isTodayTouched) {
          bus.publish('queue.changed', { practitionerIds: [...effects.practitionerIds], appointmentIds: [...effects.appointmentIds] });
          refreshDisplay();
        }
      }
      if (effects.patientIds.size > 0) bus.publish('patients.changed', { patientIds: [...effects.patientIds] });
      if (effects.isPracticeChanged) bus.publish('practice.changed', {});
      // What settings.update publishes: the settings cache, the screens and the host follow it.
      if (effects.isSettingsChanged) bus.publish('settings.changed', {});
      if (effects.isStaffChanged) bus.publish('staff.changed', {});
    } finally {
      isPublishing = false;
    }
  };

  const engine: EngineDeps = {
    db,
    now,
    timeZone: async () => (await readSettings(db)).timeZone,
    publish,
    retry: { ...defaultRetryPolicy, ...deps.retry },
    signal: closing.signal,
  };

  async function status(database: Kysely<Database> = db): Promise<SyncStatus> {
    const state = await readState(database);
    const { pending, problems, conflicts } = await counts(database);
    const enabled = state.enabled === 1;
    return {
      enabled,
      connection: enabled ? connection : 'off',
      pending,
      problems,
      conflicts,
      lastSyncedAt: state.last_synced_at,
      nextAttemptAt: enabled ? nextAttemptAt : null,
    };
  }

  async function announceIfChanged(): Promise<void> {
    const current = JSON.stringify(await status());
    if (current === lastAnnounced) return;
    lastAnnounced = current;
    bus.publish('sync.changed', {});
  }

  /** The last round could not reach the cloud (not merely: no round has run yet). */
  const isKnownOffline = (): boolean => connection === 'offline' && failures > 0;

  async function round(hurry: AbortSignal): Promise<void> {
    const config = await readConfig(env);
    lastConfig = config;
    if (!config.enabled || config.url === null || config.token === null) {
      stopListening();
      nextAttemptAt = null;
      return;
    }
    // The cloud asked us to wait (Retry-After): no request before then, whatever started this round.
    notBefore = config.notBefore;
    if (notBefore !== null && now() < notBefore) {
      nextAttemptAt = notBefore;
      if (autoStart) listen(config);
      return;
    }
    const http = new CloudHttp({ baseUrl: config.url, token: config.token, fetch: fetchImpl, timeoutMs, now, signal: closing.signal });
    try {
      await runRound({ ...engine, hurry }, http, config.clientId);
      connection = 'online';
      failures = 0;
      nextAttemptAt = null;
      if (notBefore !== null) await setNotBefore(null);
    } catch (error) {
      if (!(error instanceof CloudRequestError)) console.error('sync round failed:', error);
      connection = error instanceof CloudRequestError && error.isUnauthorised ? 'unauthorised' : 'offline';
      const retryAfter = error instanceof CloudRequestError ? error.retryAfterMs : null;
      nextAttemptAt = now() + (retryAfter ?? Math.max(1_000, fullJitterDelay(failures, ROUND_BACKOFF)));
      // Kept (across a restart too): the server's word holds for every round, and the event stream.
      if (retryAfter !== null) await setNotBefore(nextAttemptAt);
      failures += 1;
    }
    if (autoStart) listen(config);
  }

  function startRound(isHurried: boolean): Promise<void> {
    const hurry = new AbortController();
    if (isHurried) hurry.abort();
    runningHurry = hurry;
    const current = round(hurry.signal)
      .catch((error: unknown) => console.error('sync round failed:', error))
      .finally(() => {
        running = null;
        runningHurry = null;
        schedule();
      })
      .then(() => announceIfChanged());
    running = current;
    return current;
  }

  /**
   * Runs a round now, or right after the one running (callers meanwhile share it).
   * `isHurried`: one try per request (someone is waiting for the answer).
   */
  function runNow(isHurried = false): Promise<void> {
    if (closed) return Promise.resolve();
    if (queued) {
      if (isHurried) isQueuedHurried = true;
      return queued;
    }
    if (running) {
      isQueuedHurried = isHurried;
      const next = running.then(() => {
        queued = null;
        const hurried = isQueuedHurried;
        isQueuedHurried = false;
        return startRound(hurried);
      });
      queued = next;
      return next;
    }
    return startRound(isHurried);
  }

  /**
   * `sync.now`: a round, and the status after it. While the cloud is known to be away, the
   * desk hears back within about one request's timeout instead of the worker's patient
   * retries: the round running is hurried (no more tries, no more waiting), and when it still
   * cannot reach the cloud, no second round is started for the same answer.
   */
  async function syncNow(): Promise<void> {
    if (!isKnownOffline()) return runNow();
    const current = running;
    if (current) {
      runningHurry?.abort();
      await current;
      if (isKnownOffline()) return;
    }
    return runNow(isKnownOffline());
  }

  function schedule(delayMs?: number): void {
    if (!autoStart || closed) return;
    const isBackingOff = nextAttemptAt !== null && nextAttemptAt > now();
    const wait = delayMs ?? (nextAttemptAt !== null ? Math.max(0, nextAttemptAt - now()) : (lastConfig?.pullIntervalSeconds ?? 0) * 1000);
    // A sooner wake-up stands (a local change made while a round ran must not wait for the
    // interval the round's end sets), unless the cloud is to be left alone for a while.
    if (timer && lastConfig?.enabled && !isBackingOff && timerDueAt <= performance.now() + wait) return;
    if (timer) clearTimeout(timer);
    timer = null;
    if (!lastConfig?.enabled) return;
    timerDueAt = performance.now() + wait;
    timer = setTimeout(() => {
      timer = null;
      void runNow();
    }, wait);
    timer.unref?.();
  }

  /** Soon, unless the cloud asked us to wait (a backoff is running). */
  function wakeSoon(delayMs: number): void {
    if (!autoStart || closed || !lastConfig?.enabled) return;
    if (nextAttemptAt !== null && nextAttemptAt > now()) return;
    schedule(delayMs);
  }

  function listen(config: SyncConfig): void {
    const key = `${config.url}\n${config.token}`;
    if (stream?.key === key || closed) return;
    stopListening();
    const controller = new AbortController();
    const http = new CloudHttp({ baseUrl: config.url!, token: config.token!, fetch: fetchImpl, timeoutMs, now });
    const done = (async () => {
      let attempt = 0;
      while (!controller.signal.aborted) {
        if (notBefore !== null && notBefore > now()) await abortableSleep(notBefore - now(), controller.signal);
        if (controller.signal.aborted) return;
        try {
          await http.listen(controller.signal, () => {
            attempt = 0;
            wakeSoon(0);
          });
        } catch {
          // Reconnected below; the interval keeps pulling meanwhile.
        }
        if (controller.signal.aborted) return;
        await abortableSleep(fullJitterDelay(attempt++, STREAM_BACKOFF) + 250, controller.signal);
      }
    })();
    stream = { key, controller, done };
  }

  function stopListening(): void {
    stream?.controller.abort();
    stream = null;
  }

  const unsubscribe = bus.subscribe((event) => {
    if (isPublishing) return;
    if (
      event === 'appointments.changed' ||
      event === 'patients.changed' ||
      event === 'practice.changed' ||
      event === 'settings.changed' ||
      event === 'staff.changed'
    ) {
      wakeSoon(PUSH_DELAY_MS);
    }
  });

  if (autoStart) setTimeout(() => void runNow(), 0).unref?.();

  /** The first full pull of a desk that joined: now, and it must reach the cloud. */
  async function firstPull(): Promise<void> {
    await runNow();
    if (connection !== 'online') {
      throw new AppError('CLOUD_UNAVAILABLE', 'This desk joined the clinic, but the clinic could not be downloaded yet. Try again to finish.', {
        problem: connection === 'unauthorised' ? 'UNAUTHORISED' : 'FIRST_PULL',
        joined: true,
      });
    }
  }

  return {
    handlers: syncHandlers(env, {
      status: () => status(),
      syncNow,
      settingsSaved: () => {
        // After the commit: the worker picks up the new settings (or stops).
        if (autoStart) setTimeout(() => void runNow(), 0).unref?.();
      },
    }),
    runOnce: () => runNow(),
    syncNow: () => syncNow(),
    joiner: {
      http: { fetch: fetchImpl, timeoutMs, now },
      secretProblem: () => deps.secretCipher.problem(),
      isUnfinished: (cloudUrl) => isJoinUnfinished(env, cloudUrl),
      keepToken: (cloudUrl, token) => db.transaction().execute((trx) => saveJoinedCloud(env, trx, cloudUrl, token, now())),
      firstPull,
    },
    close: async () => {
      closed = true;
      closing.abort();
      unsubscribe();
      if (timer) clearTimeout(timer);
      const listening = stream?.done;
      stopListening();
      await queued;
      await running;
      await listening;
      await displayRefresh;
    },
  };
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timeout = setTimeout(done, ms);
    function done() {
      clearTimeout(timeout);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
