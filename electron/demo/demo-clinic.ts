import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

export const DEMO_ACCOUNTS = [
  { username: 'admin', password: 'demo', role: 'admin' as const, displayName: 'Admin' },
  { username: 'reception', password: 'demo', role: 'receptionist' as const, displayName: 'Reception' },
];

export async function seedDemoClinic(_db: Kysely<Database>, _options: { now: number; locale: 'en' | 'pt' }): Promise<void> {
  throw new Error('demo clinic: being written');
}
