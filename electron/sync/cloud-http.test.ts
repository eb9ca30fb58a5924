import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudHttp, CloudRequestError, DEFAULT_TIMEOUT_MS } from './cloud-http';

describe('the cloud HTTP client’s timeouts', () => {
  let server: Server | null = null;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = null;
  });

  /** A server that never answers a GET, and answers a POST with headers and half a body, then nothing. */
  async function stallingServer(): Promise<string> {
    server = createServer((req, res) => {
      if (req.method !== 'POST') return;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"results":[');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  }

  const client = (baseUrl: string, timeoutMs: number) => new CloudHttp({ baseUrl, token: 't', fetch: globalThis.fetch, timeoutMs, now: Date.now });

  it('waits 10 s by default for a small request', () => {
    expect(DEFAULT_TIMEOUT_MS).toBe(10_000);
  });

  it('gives up on a cloud that never answers after the timeout, as a retryable timeout', async () => {
    const url = await stallingServer();
    const started = Date.now();
    const error = await client(url, 200)
      .pull(null)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CloudRequestError);
    expect(error).toMatchObject({ kind: 'timeout', isRetryable: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('gives an answer that started as long again to finish, then gives up on it', async () => {
    const url = await stallingServer();
    const started = Date.now();
    const error = await client(url, 200)
      .push({
        clientId: 'c',
        mutations: [{ mutationId: crypto.randomUUID(), entity: 'room', uid: crypto.randomUUID(), op: 'delete', baseVersion: 1, data: null }],
      })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'timeout', isRetryable: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
