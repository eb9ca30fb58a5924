import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { openCloudDb, type CloudDb } from '../db/cloud-db';
import { embeddedDatabase, URL_FILE, type Database } from '../db/location';
import { secretBoxFromEnv } from '../payments/secrets';
import { AdminError, clinicChange, newClinic, newToken, paymentProviderInput, type ClinicView, type TokenView } from './admin.schemas';
import { paymentProviderOf, setPaymentProvider } from './payment-providers.service';
import { createClinic, listClinics, setClinic } from './clinics.service';
import { issueToken, listTokens, revokeToken, tokenLabel } from './tokens.service';

/**
 * `npm run cloud:admin -- <command> …`: the clinics a cloud serves and their tokens, from the
 * cloud's own computer. The database: --database-url, DATABASE_URL, the embedded server of
 * a cloud running beside it (`<data-dir>/database-url`), or else that server started for the
 * moment. Exit codes: 0 done, 1 refused (unknown clinic or token, a slug taken), 2 a mistake
 * in the command itself.
 */

export const USAGE = `Usage: npm run cloud:admin -- <command> [options]

  create-clinic --slug S --name N --time-zone Europe/Lisbon --languages pt-PT,en --currency EUR
  set-clinic    --clinic S [--name N] [--time-zone Z] [--languages L,…] [--currency C]
                [--portal-min-notice MINUTES] [--portal-horizon DAYS]   (online booking: how soon, how far ahead)
  list-clinics
  issue-token   --clinic S --desk "Front desk 2" [--kind desk|portal]   (prints the token once)
  revoke-token  --clinic S <token-id>
  list-desks    --clinic S
  set-payment-provider  --clinic S --base-url URL --account-id ID --webhook-user U [--provider easypay]
                        (the API key from PAYMENT_API_KEY, the webhook password from PAYMENT_WEBHOOK_PASSWORD,
                         sealed with CLOUD_SECRETS_KEY: secrets never go on a command line)
  show-payment-provider --clinic S   (never shows a secret)

  --database-url URL (or DATABASE_URL); else the cloud's embedded server in --data-dir (.cloud-data)`;

export interface AdminIo {
  out(line: string): void;
  err(line: string): void;
}

/** A mistake in the command line itself: exit code 2, with the usage. */
class UsageError extends Error {}

const OPTIONS = {
  slug: { type: 'string' },
  clinic: { type: 'string' },
  name: { type: 'string' },
  'time-zone': { type: 'string' },
  languages: { type: 'string' },
  currency: { type: 'string' },
  'portal-min-notice': { type: 'string' },
  'portal-horizon': { type: 'string' },
  desk: { type: 'string' },
  kind: { type: 'string' },
  'database-url': { type: 'string' },
  provider: { type: 'string' },
  'base-url': { type: 'string' },
  'account-id': { type: 'string' },
  'webhook-user': { type: 'string' },
  'data-dir': { type: 'string', default: '.cloud-data' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function parse(argv: string[]): { command: string | undefined; args: string[]; values: Values } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    return { command: positionals[0], args: positionals.slice(1), values };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function valid<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new UsageError(parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || 'input'}: ${issue.message}`).join('; '));
}

function required(values: Values, name: 'clinic' | 'slug' | 'desk'): string {
  const value = values[name];
  if (value === undefined || value === '') throw new UsageError(`--${name} is required.`);
  return value;
}

const list = (text: string | undefined) => text?.split(',').map((item) => item.trim());
/** A whole number as typed; anything else is left for the schema to refuse (as a string). */
const whole = (text: string | undefined) => (text !== undefined && /^\d{1,6}$/.test(text) ? Number(text) : text);
const when = (at: number | null) => (at === null ? '-' : new Date(at).toISOString().replace('.000Z', 'Z'));

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const clinicLines = (clinics: ClinicView[]) =>
  table(
    ['SLUG', 'NAME', 'TIME ZONE', 'LANGUAGES', 'CURRENCY', 'ONLINE BOOKING', 'CREATED'],
    clinics.map((c) => [
      c.slug,
      c.name,
      c.timeZone,
      c.languages.join(','),
      c.currency,
      `${c.portalMinNoticeMinutes} min notice, ${c.portalHorizonDays} days ahead`,
      when(c.createdAt),
    ]),
  );

const tokenLines = (tokens: TokenView[]) =>
  table(
    ['ID', 'NAME', 'KIND', 'FROM', 'CREATED', 'LAST SYNCED', 'REVOKED', 'HASH'],
    tokens.map((t) => [String(t.id), t.deskName, t.kind, t.source, when(t.createdAt), when(t.lastSeenAt), when(t.revokedAt), `${t.hashPrefix}…`]),
  );

/** Runs one command on `db`; its exit code. */
export async function runAdmin(db: CloudDb, argv: string[], io: AdminIo, now: number, env: NodeJS.ProcessEnv = {}): Promise<number> {
  try {
    const { command, args, values } = parse(argv);
    if (values.help || command === undefined || command === 'help') {
      io.out(USAGE);
      return command === undefined && !values.help ? 2 : 0;
    }
    const extra = command === 'revoke-token' ? args.slice(1) : args;
    if (extra.length > 0) throw new UsageError(`Unexpected argument: ${extra[0]}`);
    switch (command) {
      case 'create-clinic': {
        const input = valid(newClinic, {
          slug: required(values, 'slug'),
          name: values.name,
          timeZone: values['time-zone'],
          languages: list(values.languages),
          currency: values.currency,
        });
        const { slug, ...settings } = input;
        const clinic = await createClinic(db, slug, settings, now);
        io.out(`Clinic "${clinic.slug}" created.`);
        for (const line of clinicLines([clinic])) io.out(line);
        return 0;
      }
      case 'set-clinic': {
        const slug = values.clinic ?? required(values, 'slug');
        const change = valid(
          clinicChange,
          Object.fromEntries(
            Object.entries({
              name: values.name,
              timeZone: values['time-zone'],
              languages: list(values.languages),
              currency: values.currency,
              portalMinNoticeMinutes: whole(values['portal-min-notice']),
              portalHorizonDays: whole(values['portal-horizon']),
            }).filter(([, value]) => value !== undefined),
          ),
        );
        const clinic = await setClinic(db, slug, change, now);
        io.out(`Clinic "${clinic.slug}" changed.`);
        for (const line of clinicLines([clinic])) io.out(line);
        return 0;
      }
      case 'list-clinics': {
        const clinics = await listClinics(db);
        for (const line of clinics.length === 0 ? ['No clinics yet: create-clinic makes one.'] : clinicLines(clinics)) io.out(line);
        return 0;
      }
      case 'issue-token': {
        const clinic = required(values, 'clinic');
        const { deskName, kind } = valid(newToken, { deskName: required(values, 'desk'), kind: values.kind });
        const { token, record } = await issueToken(db, clinic, deskName, kind, now);
        io.out(`A ${kind} token for "${deskName}" in clinic "${clinic}" (${tokenLabel(record)}):`);
        io.out('');
        io.out(`  ${token}`);
        io.out('');
        io.out('It is shown this once: the cloud keeps only its hash. Enter it in the desk’s Settings › Cloud sync.');
        return 0;
      }
      case 'revoke-token': {
        const clinic = required(values, 'clinic');
        const id = args[0];
        if (id === undefined || !/^[1-9]\d{0,15}$/.test(id))
          throw new UsageError('Give the token’s id (list-desks shows it): revoke-token --clinic S <token-id>');
        const record = await revokeToken(db, clinic, Number(id), now);
        io.out(`Revoked ${tokenLabel(record)} of "${record.deskName}" in clinic "${clinic}" at ${when(record.revokedAt)}: it is refused from now on.`);
        return 0;
      }
      case 'list-desks': {
        const tokens = await listTokens(db, required(values, 'clinic'));
        for (const line of tokens.length === 0 ? ['No tokens in this clinic yet: issue-token makes one.'] : tokenLines(tokens)) io.out(line);
        return 0;
      }
      case 'set-payment-provider': {
        const clinic = required(values, 'clinic');
        const input = valid(paymentProviderInput, {
          provider: values.provider,
          baseUrl: values['base-url'],
          accountId: values['account-id'],
          apiKey: env.PAYMENT_API_KEY,
          webhookUsername: values['webhook-user'],
          webhookPassword: env.PAYMENT_WEBHOOK_PASSWORD,
        });
        const view = await setPaymentProvider(db, secretBoxFromEnv(env), clinic, input, now);
        io.out(`Payment provider ${view.provider} set for clinic "${clinic}" (account ${view.accountId}, ${view.baseUrl}).`);
        io.out(`Its notifications go to ${view.webhookPath}, with Basic user "${view.webhookUsername}" and the password given.`);
        return 0;
      }
      case 'show-payment-provider': {
        const view = await paymentProviderOf(db, required(values, 'clinic'));
        for (const line of table(
          ['PROVIDER', 'BASE URL', 'ACCOUNT', 'WEBHOOK USER', 'SECRETS', 'WEBHOOK PATH', 'UPDATED'],
          [[view.provider, view.baseUrl, view.accountId, view.webhookUsername, 'set (sealed)', view.webhookPath, when(view.updatedAt)]],
        ))
          io.out(line);
        return 0;
      }
      default:
        throw new UsageError(`Unknown command: ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof AdminError) {
      io.err(error.message);
      return error.status === 400 ? 2 : 1;
    }
    throw error;
  }
}

/** The database the console works on (see the file's comment). */
export async function adminDatabase(argv: string[], env: NodeJS.ProcessEnv): Promise<Database> {
  let values: Values;
  try {
    values = parse(argv).values;
  } catch {
    values = { 'data-dir': '.cloud-data' };
  }
  const given = values['database-url'] ?? env.DATABASE_URL;
  if (given) return { url: given, stop: () => Promise.resolve() };
  const dataDir = resolve(values['data-dir'] ?? '.cloud-data');
  try {
    return { url: readFileSync(join(dataDir, URL_FILE), 'utf8').trim(), stop: () => Promise.resolve() };
  } catch {
    return embeddedDatabase(dataDir);
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const io: AdminIo = { out: (line) => console.log(line), err: (line) => console.error(line) };
  const { command, values } = (() => {
    try {
      return parse(argv);
    } catch {
      return { command: 'check', values: {} as Values };
    }
  })();
  // Usage and help need no database.
  if (values.help || command === undefined || command === 'help') return runAdmin(null as unknown as CloudDb, argv, io, Date.now());
  const database = await adminDatabase(argv, process.env);
  try {
    const db = await openCloudDb(database.url, 1);
    try {
      return await runAdmin(db, argv, io, Date.now(), process.env);
    } finally {
      await db.destroy();
    }
  } finally {
    await database.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
