import { CompiledQuery, sql, type DatabaseConnection } from 'kysely';
import type { CloudDb, Executor } from './cloud-db';
import { APP_ROLE } from './migrations/0002_tenancy';

/**
 * Which clinic a transaction works in, for row-level security (migration 0002). The serving
 * pool's sessions are the app role, which sees a clinic's rows only inside a transaction
 * that entered it; the admin path (cross-clinic work) steps back to the connecting role and
 * says so. Both are set for the transaction only (`set_config(…, true)`): a connection goes
 * back to the pool with neither.
 */

export type Trx = Parameters<Parameters<ReturnType<CloudDb['transaction']>['execute']>[0]>[0];

export interface ClinicTransactionOptions {
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
  readOnly?: boolean;
}

/**
 * Every new connection of the serving pool starts as the app role: a statement outside a
 * clinic's transaction sees nothing. Its prepared statements (only the push's, see
 * cloud-db.ts) keep one generic plan: planning them cost more than running them.
 */
export async function startAsApp(connection: DatabaseConnection): Promise<void> {
  await connection.executeQuery(CompiledQuery.raw(`SET ROLE ${APP_ROLE}; SET plan_cache_mode = force_generic_plan`));
}

/** One round trip, at the start of the transaction: the rest of it sees clinic `clinicId` only. */
export async function enterClinic(trx: Executor, clinicId: number): Promise<void> {
  await sql`SELECT set_config('role', ${APP_ROLE}, true), set_config('app.clinic_id', ${String(clinicId)}, true), set_config('app.admin', '', true)`.execute(
    trx,
  );
}

/** The connecting role, on the admin path: every clinic's rows (a superuser bypasses the policies anyway). */
export async function enterAdmin(trx: Executor): Promise<void> {
  await sql`SELECT set_config('role', 'none', true), set_config('app.clinic_id', '', true), set_config('app.admin', 'on', true)`.execute(trx);
}

/** `fn` in a transaction of clinic `clinicId`. */
export function inClinic<T>(db: CloudDb, clinicId: number, fn: (trx: Trx) => Promise<T>, options: ClinicTransactionOptions = {}): Promise<T> {
  let builder = db.transaction();
  if (options.isolation) builder = builder.setIsolationLevel(options.isolation);
  if (options.readOnly) builder = builder.setAccessMode('read only');
  return builder.execute(async (trx) => {
    await enterClinic(trx, clinicId);
    return fn(trx);
  });
}

/** `fn` in a transaction on the admin path: making clinics, finding a code's or a slug's clinic, checks. */
export function asAdmin<T>(db: CloudDb, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await enterAdmin(trx);
    return fn(trx);
  });
}

/**
 * For repository functions a caller may hand the pool: in the caller's transaction (which
 * entered its clinic), or else in one of their own for `clinicId`.
 */
export function scoped<T>(ex: Executor, clinicId: number, fn: (ex: Executor) => Promise<T>): Promise<T> {
  return ex.isTransaction ? fn(ex) : inClinic(ex, clinicId, fn);
}

/** The same, on the admin path. */
export function admin<T>(ex: Executor, fn: (ex: Executor) => Promise<T>): Promise<T> {
  return ex.isTransaction ? fn(ex) : asAdmin(ex, fn);
}
