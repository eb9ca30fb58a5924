import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contract, methodNames, type MethodName } from '../../shared/contract/contract';
import { errorCodes, isErrorCode, universalErrorCodes, type ErrorCode } from '../../shared/contract/errors';

const root = join(__dirname, '..', '..');
const universal: ReadonlySet<string> = new Set(universalErrorCodes);

function declared(name: MethodName): readonly ErrorCode[] {
  return contract[name].errors ?? [];
}

describe('the errors each method declares', () => {
  it('are known error codes, listed once, and none of the universal ones', () => {
    for (const name of methodNames) {
      const codes = declared(name);
      for (const code of codes) {
        expect(isErrorCode(code), `${name} declares ${code}, which is not in errorCodes`).toBe(true);
        expect(universal.has(code), `${name} declares ${code}, which every method may answer with already`).toBe(false);
      }
      expect(new Set(codes).size, `${name} lists a code twice`).toBe(codes.length);
    }
  });

  it('universal codes are error codes', () => {
    for (const code of universalErrorCodes) expect(errorCodes).toContain(code);
  });
});

// A static look at the source: every `new AppError('CODE'` in a feature's folders
// (electron/<feature>/ and shared/<feature>/) is declared by at least one method of that
// feature; a code thrown from a folder without methods of its own (the rpc layer's attempt
// limiter, sealed secrets) by at least one method anywhere. It reads the text only, so a code
// passed through a variable is not seen; it cannot tell which method of a feature throws.

function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, folder))) {
    const path = join(folder, entry);
    if (statSync(join(root, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(entry) && !/\.test\.tsx?$/.test(entry)) out.push(path);
  }
  return out;
}

function thrownCodes(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/new AppError\(\s*'([A-Z_]+)'/g)].map((match) => match[1]!);
}

const isMethod = (name: string): name is MethodName => (methodNames as readonly string[]).includes(name);

/** The methods a folder serves: its contract's, and those it has handlers for. */
function methodsOf(feature: string): Set<MethodName> {
  const contractFile = join('shared', feature, `${feature}.contract.ts`);
  const files = sourceFiles('electron').filter((file) => file.split(/[\\/]/)[1] === feature);
  if (existsSync(join(root, contractFile))) files.push(contractFile);
  const methods = new Set<MethodName>();
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const match of text.matchAll(/^\s*'([A-Za-z]+\.[A-Za-z]+)':/gm)) if (isMethod(match[1]!)) methods.add(match[1]);
  }
  return methods;
}

describe('error codes thrown in the source', () => {
  const files = [...sourceFiles('electron'), ...sourceFiles('shared').filter((file) => !file.startsWith(join('shared', 'contract')))];

  it('finds some (the scan itself works)', () => {
    expect(files.flatMap(thrownCodes).length).toBeGreaterThan(20);
  });

  it("are declared by one of the feature's methods", () => {
    const everyDeclared = new Set(methodNames.flatMap(declared));
    const problems = new Set<string>();
    for (const file of files) {
      const feature = file.split(/[\\/]/)[1]!;
      const methods = methodsOf(feature);
      const allowed = methods.size > 0 ? new Set([...methods].flatMap(declared)) : everyDeclared;
      for (const code of thrownCodes(file)) {
        if (universal.has(code) || allowed.has(code as ErrorCode)) continue;
        problems.add(
          methods.size > 0
            ? `${file} throws ${code}, which no method of ${feature} (${[...methods].join(', ')}) declares in its errors`
            : `${file} throws ${code}, which no method declares in its errors`,
        );
      }
    }
    expect([...problems]).toEqual([]);
  });
});
