import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudClient } from './cloud-client';
import { createTestDatabase, type TestDatabase } from './db/test-database';
import { DESK_TOKEN, patient, upsert } from './test-fixtures';

/**
 * The deployment files, checked without Docker: compose.yaml and the Caddyfile name what
 * the image serves, the Dockerfile copies what exists and what .dockerignore lets through,
 * and the bundle its build stage makes runs on Node alone, health check included.
 */

const root = join(__dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
}

const compose = load(read('compose.yaml')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const dockerfile = read('cloud/Dockerfile');
/** The Dockerfile's instructions, continuation lines joined. */
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'));
const execArray = (keyword: string) => JSON.parse(instructions.find((line) => line.startsWith(`${keyword} [`))!.slice(keyword.length + 1)) as string[];
const healthcheck = JSON.parse(/^HEALTHCHECK .*?CMD (\[.*\])$/m.exec(instructions.join('\n'))![1]!) as string[];
const port = Number(/^EXPOSE (\d+)$/m.exec(dockerfile)![1]);

describe('compose.yaml', () => {
  const { postgres, cloud, proxy } = compose.services as Record<string, Service>;

  it('runs PostgreSQL 17 on a volume, with a health check the servers wait for', () => {
    expect(postgres?.image).toBe('postgres:17');
    expect(postgres?.volumes).toContain('pgdata:/var/lib/postgresql/data');
    expect(compose.volumes).toHaveProperty('pgdata');
    expect(postgres?.healthcheck?.test.join(' ')).toMatch(/pg_isready/);
    expect(cloud?.depends_on?.postgres?.condition).toBe('service_healthy');
  });

  it('builds the cloud from cloud/Dockerfile and gives it the database and the tokens', () => {
    expect(cloud?.build).toEqual({ context: '.', dockerfile: 'cloud/Dockerfile' });
    const { POSTGRES_USER, POSTGRES_DB } = postgres!.environment!;
    expect(cloud?.environment?.DATABASE_URL).toBe(`postgres://${POSTGRES_USER}:\${POSTGRES_PASSWORD}@postgres:5432/${POSTGRES_DB}`);
    expect(cloud?.environment?.CLOUD_DESK_TOKEN).toMatch(/^\$\{CLOUD_DESK_TOKEN:\?/);
    // The cloud reads these names (cloud/main.ts).
    const main = read('cloud/main.ts');
    for (const name of ['DATABASE_URL', 'CLOUD_DESK_TOKEN', 'CLOUD_PORTAL_TOKEN']) expect(main).toContain(`process.env.${name}`);
    expect(cloud?.deploy?.replicas).toBe(2);
  });

  it('puts Caddy in front of every replica, passing event streams through unbuffered', () => {
    expect(proxy?.image).toMatch(/^caddy:2/);
    expect(proxy?.ports).toEqual(expect.arrayContaining(['80:80', '443:443']));
    expect(proxy?.volumes).toContain('./cloud/Caddyfile:/etc/caddy/Caddyfile:ro');
    expect(proxy?.depends_on?.cloud?.condition).toBe('service_healthy');
    const caddyfile = read('cloud/Caddyfile');
    expect(caddyfile).toMatch(new RegExp(`dynamic a \\{\\s*name cloud\\s*port ${port}\\s`));
    expect(caddyfile).toMatch(/flush_interval -1/);
    expect(caddyfile).toMatch(/health_uri \/v1\/health/);
  });
});

describe('cloud/Dockerfile', () => {
  it('copies only what exists and what .dockerignore lets into the context', () => {
    const ignore = read('.dockerignore')
      .split('\n')
      .filter((line) => line.startsWith('!'))
      .map((line) => line.slice(1).replace(/\/$/, ''));
    const copied = instructions.filter((line) => /^COPY (?!--from)/.test(line)).flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect(copied.length).toBeGreaterThan(3);
    for (const path of copied) {
      expect(existsSync(join(root, path)), path).toBe(true);
      expect(ignore, path).toContain(path);
    }
  });

  it('runs the bundle as the unprivileged user, on the port it exposes, with a health check on /v1/health', () => {
    expect(instructions).toContain('USER node');
    expect(instructions).toContain('RUN node scripts/build-cloud.mjs');
    expect(execArray('ENTRYPOINT')).toEqual(['node', '--enable-source-maps', 'main.mjs']);
    expect(execArray('CMD')).toEqual(['--host', '0.0.0.0', '--port', String(port)]);
    expect(healthcheck.join(' ')).toContain(`http://127.0.0.1:${port}/v1/health`);
  });
});

describe('the bundle the image runs', () => {
  let dir: string;
  let database: TestDatabase;
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fd-cloud-bundle-'));
    database = await createTestDatabase();
    await promisify(execFile)(process.execPath, [join(root, 'scripts/build-cloud.mjs'), '--outdir', dir]);
  }, 120_000);
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves on Node alone from its own folder, passes the image health check, serves /docs, tells events, and stops cleanly', async () => {
    // As the image runs it: from its folder, no node_modules anywhere above, settings from the environment.
    const env = { PATH: process.env.PATH, DATABASE_URL: database.url, CLOUD_DESK_TOKEN: DESK_TOKEN };
    const [, ...options] = execArray('ENTRYPOINT');
    const started = spawn(process.execPath, [...options, '--host', '127.0.0.1', '--port', '0'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match) resolve(match[1]!);
      };
      started.stdout!.on('data', collect);
      started.stderr!.on('data', collect);
      started.on('exit', (code) => reject(new Error(`exited (${code}): ${output}`)));
    });
    const servedPort = new URL(url).port;
    const [command, ...args] = healthcheck;
    expect(command).toBe('node');
    await promisify(execFile)(
      process.execPath,
      args.map((arg) => arg.replace(`:${port}/`, `:${servedPort}/`)),
      { cwd: dir, env },
    );

    // The explorer, whose files the bundle carries beside it.
    const explorer = await fetch(`${url}/docs/`);
    expect(explorer.status).toBe(200);
    expect(await explorer.text()).toContain('swagger-ui');
    expect((await fetch(`${url}/docs/static/swagger-ui-bundle.js`)).status).toBe(200);
    expect((await fetch(`${url}/openapi.json`)).status).toBe(200);

    const events = await fetch(`${url}/v1/events`, { headers: { Authorization: `Bearer ${DESK_TOKEN}` } });
    const reader = events.body!.getReader();
    await cloudClient(url, DESK_TOKEN).push('desk', [upsert('patient', randomUUID(), patient())]);
    let text = '';
    while (!text.includes('data: {"seq":1}')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();

    // The console's command too (`docker compose exec cloud node main.mjs join-code`).
    const { stdout } = await promisify(execFile)(process.execPath, ['main.mjs', 'join-code'], { cwd: dir, env });
    expect(stdout).toMatch(/^Join code: [0-9A-Z]{5}-[0-9A-Z]{5}/);

    const code = await new Promise<number | null>((resolve) => {
      started.once('exit', resolve);
      started.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });
});
