/**
 * Writes docs/contract.md from the contract itself: every method grouped by the contract
 * file it comes from, with its description (the JSDoc above its entry), input, output,
 * access, whether it writes, its errors and audits; then every event with its payload.
 *
 *   npx tsx scripts/contract-doc.ts           writes the file
 *   npx tsx scripts/contract-doc.ts --check   exits 1 when the file is stale
 *
 * The output depends on the source only (no dates, source order throughout), so the test
 * in tests/contract-doc.test.ts can regenerate it and compare.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderContractDoc } from './contract-doc/document';
import { root } from './contract-doc/source';

// In ./contract-doc/: reading the source (source.ts), rendering a schema (schema.ts), the document (document.ts).
export { renderContractDoc } from './contract-doc/document';
export { contractFilesOnDisk } from './contract-doc/source';

export const CONTRACT_DOC = join(root, 'docs', 'contract.md');

function main(argv: readonly string[]): number {
  const fresh = renderContractDoc();
  const where = relative(process.cwd(), CONTRACT_DOC) || CONTRACT_DOC;
  if (argv.includes('--check')) {
    let current: string | null = null;
    try {
      current = readFileSync(CONTRACT_DOC, 'utf8');
    } catch {
      // missing: stale
    }
    if (current === fresh) return 0;
    console.error(`${where} is out of date with the contract: run \`npm run docs:contract\`.`);
    return 1;
  }
  writeFileSync(CONTRACT_DOC, fresh);
  console.log(`wrote ${where}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
