import pg from 'pg';
import { CHANGES_CHANNEL, lastSeqs, listen, parseNotice, ping } from '../db/notify.repository';

/**
 * Which clinics' change feeds moved, heard from PostgreSQL: one connection per server
 * process LISTENs on the changes channel, and every push that moves a clinic's last seq
 * sends `pg_notify(channel, {clinic, seq})` inside its transaction
 * (db/notify.repository.ts). So a desk on any server hears of a write made on any other:
 * the servers keep no state a load balancer must respect.
 *
 * Why in the transaction, not after the commit: PostgreSQL delivers a transaction's
 * notifications only if it commits, only once it has (a listener that pulls at once sees the
 * rows), and in commit order; a process that dies between its commit and a NOTIFY sent
 * after it would leave every desk behind until its pull interval. The price: commits that
 * notify take a server-wide lock for their commit record's flush, so they go one at a time
 * across clinics (a clinic's already do); see docs/cloud-api/deploy.md.
 *
 * No notification is trusted to arrive: when the connection drops, the notifier reconnects
 * with backoff and, listening again, reads the last seq of every clinic it has
 * subscribers for and hands that on (what it missed meanwhile). A connection that dies
 * silently (a cut network) is found by a periodic round trip.
 *
 * There is no in-process shortcut for the server's own pushes: one path, the one every
 * server needs, and the one the tests go through.
 */

export interface ChangeNotifierOptions {
  databaseUrl: string;
  /** Reconnect delays: full jitter up to `initialMs` doubling to `maxMs`. */
  backoff?: { initialMs: number; maxMs: number };
  /** How often the listening connection is checked (0: never). */
  pingMs?: number;
  /** How long a check may take before the connection is given up. */
  pingTimeoutMs?: number;
  random?: () => number;
  log?: (line: string) => void;
}

/** One subscriber's feed of a clinic's seq: strictly increasing, never a seq it has had. */
export interface ClinicSubscription {
  /**
   * Starts delivery with `seq` (the clinic's seq, read after subscribing) or a newer one
   * heard meanwhile. Nothing is delivered before: the subscriber writes its own preamble first.
   */
  start(seq: number): void;
  close(): void;
}

export interface ChangeNotifier {
  subscribe(clinicId: number, deliver: (seq: number) => void): ClinicSubscription;
  /** Whether the listening connection is up (false while it reconnects). */
  readonly listening: boolean;
  /** The listening connection's backend pid (tests drop it with pg_terminate_backend). */
  readonly backendPid: number | null;
  /** Resolves once listening (at once if it is). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_BACKOFF = { initialMs: 250, maxMs: 10_000 };

class Subscriber implements ClinicSubscription {
  private started = false;
  private last = -1;
  private held = -1;

  constructor(
    private readonly deliver: (seq: number) => void,
    private readonly onClose: () => void,
  ) {}

  offer(seq: number): void {
    if (!this.started) this.held = Math.max(this.held, seq);
    else if (seq > this.last) {
      this.last = seq;
      this.deliver(seq);
    }
  }

  start(seq: number): void {
    if (this.started) return;
    this.started = true;
    this.offer(Math.max(seq, this.held));
  }

  close(): void {
    this.onClose();
  }
}

/** Connects and listens (the first connection must succeed: the server is not started without it). */
export async function startChangeNotifier(options: ChangeNotifierOptions): Promise<ChangeNotifier> {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => {});
  const pingMs = options.pingMs ?? 30_000;
  const pingTimeoutMs = options.pingTimeoutMs ?? 10_000;
  const subscribers = new Map<number, Set<Subscriber>>();
  /** Seqs heard since the last delivery, by clinic: a burst of pushes becomes one delivery of the latest. */
  const pending = new Map<number, number>();
  let flushing: NodeJS.Immediate | null = null;
  let client: pg.Client | null = null;
  /** Listening, and the clinics' seqs read since. */
  let up = false;
  let closed = false;
  let failures = 0;
  let retry: NodeJS.Timeout | null = null;
  let waiters: Array<() => void> = [];

  function flush(): void {
    flushing = null;
    const heard = [...pending];
    pending.clear();
    for (const [clinic, seq] of heard) for (const subscriber of subscribers.get(clinic) ?? []) subscriber.offer(seq);
  }

  function heard(clinic: number, seq: number): void {
    if (!subscribers.has(clinic)) return;
    pending.set(clinic, Math.max(pending.get(clinic) ?? -1, seq));
    flushing ??= setImmediate(flush);
  }

  function lost(which: pg.Client, why: string): void {
    if (which !== client) return;
    client = null;
    up = false;
    which.removeAllListeners('notification');
    void hangUp(which);
    if (closed) return;
    const delay = Math.round(random() * Math.min(backoff.maxMs, backoff.initialMs * 2 ** failures));
    failures++;
    log(`change notifications: connection lost (${why}); reconnecting in ${delay} ms`);
    retry = setTimeout(() => {
      retry = null;
      void connect().catch((error: unknown) => {
        if (!closed) log(`change notifications: reconnect failed (${describe(error)})`);
      });
    }, delay);
  }

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: options.databaseUrl, application_name: 'front-desk-cloud-listener' });
    next.on('error', (error) => lost(next, describe(error)));
    next.on('end', () => lost(next, 'ended'));
    next.on('notification', (message) => {
      if (message.channel !== CHANGES_CHANNEL) return;
      const notice = parseNotice(message.payload);
      if (notice) heard(notice.clinic, notice.seq);
    });
    client = next;
    try {
      await next.connect();
      await listen(next);
      // Listening: whatever commits from now on is heard; what committed before is read now.
      const clinics = [...subscribers.keys()];
      if (clinics.length > 0) for (const [clinic, seq] of await lastSeqs(next, clinics)) heard(clinic, seq);
    } catch (error) {
      lost(next, describe(error));
      throw error;
    }
    if (client !== next) return;
    if (failures > 0) log('change notifications: listening again');
    failures = 0;
    up = true;
    for (const wake of waiters) wake();
    waiters = [];
  }

  const checker =
    pingMs > 0
      ? setInterval(() => {
          const current = client;
          if (!current || closed) return;
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer in ${pingTimeoutMs} ms`)), pingTimeoutMs);
          });
          Promise.race([ping(current), timeout])
            .catch((error: unknown) => lost(current, describe(error)))
            .finally(() => clearTimeout(timer));
        }, pingMs)
      : null;
  checker?.unref();

  try {
    await connect();
  } catch (error) {
    closed = true;
    if (retry) clearTimeout(retry);
    if (checker) clearInterval(checker);
    throw error;
  }

  return {
    subscribe(clinicId, deliver) {
      const set = subscribers.get(clinicId) ?? new Set<Subscriber>();
      subscribers.set(clinicId, set);
      const subscriber = new Subscriber(deliver, () => {
        set.delete(subscriber);
        if (set.size === 0 && subscribers.get(clinicId) === set) subscribers.delete(clinicId);
      });
      set.add(subscriber);
      return subscriber;
    },
    get listening() {
      return up;
    },
    get backendPid() {
      return (client as (pg.Client & { processID?: number }) | null)?.processID ?? null;
    },
    ready: () => (up || closed ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    close: async () => {
      if (closed) return;
      closed = true;
      if (retry) clearTimeout(retry);
      if (checker) clearInterval(checker);
      if (flushing) clearImmediate(flushing);
      subscribers.clear();
      const current = client;
      client = null;
      up = false;
      for (const wake of waiters) wake();
      waiters = [];
      if (current) {
        current.removeAllListeners();
        await hangUp(current);
      }
    },
  };
}

/** Ends a connection politely, or, if the other side does not answer (a cut network), drops its socket. */
async function hangUp(client: pg.Client, graceMs = 1000): Promise<void> {
  client.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  await Promise.race([client.end().catch(() => {}), late]);
  clearTimeout(timer);
  client.connection.stream.destroy();
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
