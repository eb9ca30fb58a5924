import type { z } from 'zod';
import type { CloudDb } from '../db/cloud-db';
import { readSettings, saveSettings } from '../payments/providers';
import type { SecretBox } from '../payments/secrets';
import { AdminError, type paymentProviderInput, type paymentProviderView } from './admin.schemas';
import { clinicId } from './clinics.service';

/** A clinic's payment provider account, for the console and the admin API: secrets in, never out. */

type View = z.infer<typeof paymentProviderView>;

const webhookPath = (provider: string, slug: string) => `/v1/webhooks/${provider}/${slug}`;

export async function setPaymentProvider(
  db: CloudDb,
  secrets: SecretBox | undefined,
  slug: string,
  input: z.infer<typeof paymentProviderInput>,
  now: number,
): Promise<View> {
  if (!secrets) throw new AdminError(409, 'The server has no CLOUD_SECRETS_KEY (32 bytes, base64): provider secrets cannot be stored without it.');
  const id = await clinicId(db, slug);
  const view = await saveSettings(db, secrets, id, input, now);
  return { ...view, webhookPath: webhookPath(view.provider, slug) };
}

export async function paymentProviderOf(db: CloudDb, slug: string): Promise<View> {
  const view = await readSettings(db, await clinicId(db, slug));
  if (!view) throw new AdminError(404, `Clinic "${slug}" has no payment provider set up.`);
  return { ...view, webhookPath: webhookPath(view.provider, slug) };
}
