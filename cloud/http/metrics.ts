import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MutationResult } from '../../shared/sync/cloud-api';
import { poolUse, type CloudDb } from '../db/cloud-db';

/**
 * The server's Prometheus figures. Each server has its own registry (never prom-client's
 * global one), so several servers in one process (the tests) keep their counts apart.
 */
export interface CloudMetrics {
  registry: Registry;
  requests: Counter<'route' | 'method' | 'status'>;
  duration: Histogram<'route' | 'method'>;
  mutations: Counter<'status'>;
  pullPages: Counter;
  eventStreams: Gauge;
  /** Counts a push's answers by status. */
  countResults(results: readonly MutationResult[]): void;
}

export function createMetrics(db: CloudDb): CloudMetrics {
  const registry = new Registry();
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'Requests answered, by route (its pattern, not the URL), method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer a request, by route.',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const mutations = new Counter({
    name: 'cloud_push_mutations_total',
    help: 'Pushed mutations by their answer: applied, conflict or rejected (replays included).',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const pullPages = new Counter({ name: 'cloud_pull_pages_total', help: 'Pages of changes served.', registers: [registry] });
  const eventStreams = new Gauge({ name: 'cloud_event_streams_open', help: 'Event streams (GET /v1/events) open now.', registers: [registry] });
  const pool = (name: string, help: string, read: (use: NonNullable<ReturnType<typeof poolUse>>) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const use = poolUse(db);
        if (use) this.set(read(use));
      },
    });
  pool('cloud_db_pool_connections', 'Database connections open (idle or in use).', (use) => use.total);
  pool('cloud_db_pool_idle_connections', 'Database connections open and idle.', (use) => use.idle);
  pool('cloud_db_pool_waiting_requests', 'Queries waiting for a database connection.', (use) => use.waiting);
  pool('cloud_db_pool_max_connections', 'The most database connections the pool opens.', (use) => use.max);

  return {
    registry,
    requests,
    duration,
    mutations,
    pullPages,
    eventStreams,
    countResults(results) {
      let applied = 0;
      let conflict = 0;
      let rejected = 0;
      for (const result of results) {
        if (result.status === 'applied') applied++;
        else if (result.status === 'conflict') conflict++;
        else rejected++;
      }
      if (applied) mutations.inc({ status: 'applied' }, applied);
      if (conflict) mutations.inc({ status: 'conflict' }, conflict);
      if (rejected) mutations.inc({ status: 'rejected' }, rejected);
    },
  };
}
