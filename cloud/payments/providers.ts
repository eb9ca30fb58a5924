import type { CloudDb, Executor } from '../db/cloud-db';
import { asAdmin } from '../db/tenancy.repository';
import { EasypayProvider } from './easypay/easypay.adapter';
import type { PaymentProvider } from './provider';
import { providerSettings, saveProviderSettings } from './payments.repository';
import type { SecretBox } from './secrets';

/**
 * A clinic's provider account: saved with its secrets sealed (admin path), opened into an
 * adapter for one piece of work. The opened secrets live only inside the adapter.
 */

export const PROVIDERS = ['easypay'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export interface ProviderSettingsInput {
  provider: ProviderName;
  baseUrl: string;
  accountId: string;
  apiKey: string;
  webhookUsername: string;
  webhookPassword: string;
}

/** What may be shown of the settings: never a secret, not even a part of one. */
export interface ProviderSettingsView {
  provider: string;
  baseUrl: string;
  accountId: string;
  webhookUsername: string;
  apiKeySet: true;
  webhookPasswordSet: true;
  updatedAt: number;
}

/** The associated data each sealed field is bound to (see secrets.ts). */
const context = (clinicId: number, provider: string, field: 'api_key' | 'webhook_password') => `clinic:${clinicId}/${provider}/${field}`;

/**
 * https anywhere; plain http only to this machine (the local peer, development): a
 * provider's API key must not cross a network in clear.
 */
export function providerUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash) return 'no credentials, query or fragment in the URL';
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)) return null;
  return 'https only (plain http to this machine only)';
}

export async function saveSettings(
  db: CloudDb,
  secrets: SecretBox,
  clinicId: number,
  input: ProviderSettingsInput,
  now: number,
): Promise<ProviderSettingsView> {
  const row = {
    clinicId,
    provider: input.provider,
    baseUrl: input.baseUrl,
    accountId: input.accountId,
    apiKeySealed: secrets.seal(input.apiKey, context(clinicId, input.provider, 'api_key')),
    webhookUsername: input.webhookUsername,
    webhookPasswordSealed: secrets.seal(input.webhookPassword, context(clinicId, input.provider, 'webhook_password')),
    updatedAt: now,
  };
  await asAdmin(db, (trx) => saveProviderSettings(trx, row));
  return settingsView(row);
}

export async function readSettings(db: CloudDb, clinicId: number): Promise<ProviderSettingsView | undefined> {
  const row = await asAdmin(db, (trx) => providerSettings(trx, clinicId));
  return row && settingsView(row);
}

function settingsView(row: { provider: string; baseUrl: string; accountId: string; webhookUsername: string; updatedAt: number }): ProviderSettingsView {
  return {
    provider: row.provider,
    baseUrl: row.baseUrl,
    accountId: row.accountId,
    webhookUsername: row.webhookUsername,
    apiKeySet: true,
    webhookPasswordSet: true,
    updatedAt: row.updatedAt,
  };
}

export interface OpenProviderDeps {
  secrets?: SecretBox;
  now: () => number;
  /** Tests: another timeout. */
  timeoutMs?: number;
}

/** In the clinic's transaction: its adapter, or null when the clinic has none (or the server no secrets key). */
export async function openProvider(ex: Executor, deps: OpenProviderDeps, clinicId: number, provider?: string): Promise<PaymentProvider | null> {
  if (!deps.secrets) return null;
  const row = await providerSettings(ex, clinicId, provider);
  if (!row) return null;
  return new EasypayProvider({
    baseUrl: row.baseUrl,
    accountId: row.accountId,
    apiKey: deps.secrets.open(row.apiKeySealed, context(clinicId, row.provider, 'api_key')),
    webhook: { username: row.webhookUsername, password: deps.secrets.open(row.webhookPasswordSealed, context(clinicId, row.provider, 'webhook_password')) },
    now: () => new Date(deps.now()),
    ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}),
  });
}
