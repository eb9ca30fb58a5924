import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { CloudDb } from '../db/cloud-db';
import { JoinThrottle } from '../join.service';
import { buildApp } from './app';
import type { CloudContext } from './context';
import { createMetrics } from './metrics';

/** The OpenAPI document the server serves at /openapi.json, made without a database or a port. */
export async function openApiDocument(): Promise<unknown> {
  const unused = () => {
    throw new Error('no database while generating the document');
  };
  const db = new Proxy({}, { get: unused }) as CloudDb;
  const context: CloudContext = {
    db,
    clinicId: 0,
    now: () => 0,
    authenticate: unused,
    metrics: createMetrics(db),
    events: { open: unused, closeAll: () => {} },
    retention: 0,
    bodyLimit: 1024,
    joinThrottle: new JoinThrottle(),
    version: 'document',
  };
  const app = await buildApp(context, { logger: pino({ level: 'silent' }) });
  try {
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    return response.json();
  } finally {
    await app.close();
  }
}

/** Where the document is committed (docs/cloud-api/openapi.json). */
export const CLOUD_OPENAPI = fileURLToPath(new URL('../../docs/cloud-api/openapi.json', import.meta.url));

/** The committed file's text: the document, two-space JSON, a final newline. */
export async function renderCloudOpenApi(): Promise<string> {
  return `${JSON.stringify(await openApiDocument(), null, 2)}\n`;
}
