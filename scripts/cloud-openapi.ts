/**
 * Writes docs/cloud-api/openapi.json: the OpenAPI document the cloud server generates from
 * its routes' zod schemas (the same it serves at /openapi.json).
 *
 *   npx tsx scripts/cloud-openapi.ts           writes the file
 *   npx tsx scripts/cloud-openapi.ts --check   exits 1 when the file is stale
 *
 * cloud/openapi.test.ts regenerates it and fails while the committed file differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLOUD_OPENAPI, renderCloudOpenApi } from '../cloud/http/openapi-document';

async function main(argv: readonly string[]): Promise<number> {
  const fresh = await renderCloudOpenApi();
  const where = relative(process.cwd(), CLOUD_OPENAPI) || CLOUD_OPENAPI;
  if (argv.includes('--check')) {
    let current: string | null = null;
    try {
      current = readFileSync(CLOUD_OPENAPI, 'utf8');
    } catch {
      // missing: stale
    }
    if (current === fresh) return 0;
    console.error(`${where} is out of date with the cloud's routes: run \`npm run docs:cloud-api\`.`);
    return 1;
  }
  writeFileSync(CLOUD_OPENAPI, fresh);
  console.log(`wrote ${where}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main(process.argv.slice(2));
