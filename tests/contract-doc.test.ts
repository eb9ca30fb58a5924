import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contract, methodNames } from '../shared/contract/contract';
import { events } from '../shared/contract/events';
import { CONTRACT_DOC, contractFilesOnDisk, renderContractDoc } from '../scripts/contract-doc';

describe('docs/contract.md', () => {
  const fresh = renderContractDoc();

  it('is up to date with the contract', () => {
    let current = '';
    try {
      current = readFileSync(CONTRACT_DOC, 'utf8');
    } catch {
      // missing: stale
    }
    // Not toBe(fresh): a 2,000-line diff would hide the one thing to do.
    expect(current === fresh, 'docs/contract.md is out of date with the contract: run `npm run docs:contract` and commit the result').toBe(true);
  });

  it('documents every method and every event', () => {
    for (const name of methodNames) expect(fresh).toContain(`### \`${name}\``);
    for (const name of Object.keys(events)) expect(fresh).toContain(`### \`${name}\``);
  });

  it('renders the same twice (no dates, no unordered output)', () => {
    expect(renderContractDoc()).toBe(fresh);
  });

  it('every feature contract file is gathered into the contract', () => {
    for (const file of contractFilesOnDisk()) expect(fresh, `${file} is not spread into shared/contract/contract.ts`).toContain(`From [\`${file}\`]`);
  });

  it('shows audits for exactly the methods that declare them', () => {
    const sections = new Map(
      fresh
        .split(/^### /m)
        .slice(1)
        .map((section) => [section.slice(1, section.indexOf('`', 1)), section]),
    );
    for (const name of methodNames) {
      const declaresAudits = (contract[name] as object as { audits?: unknown }).audits !== undefined;
      expect(sections.get(name)?.includes('- **Audits:**'), name).toBe(declaresAudits);
    }
  });
});
