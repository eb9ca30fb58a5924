import { describe, expect, it } from 'vitest';
import { errorCodes } from '../contract/errors';
import { en } from './en';
import { pt } from './pt-PT';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [inner, text] of flatten(value, path)) out.set(inner, text);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]).sort();

describe('translation catalogues', () => {
  const english = flatten(en as Tree);
  const portuguese = flatten(pt as Tree);

  it('have exactly the same keys', () => {
    const onlyEn = [...english.keys()].filter((key) => !portuguese.has(key));
    const onlyPt = [...portuguese.keys()].filter((key) => !english.has(key));
    expect({ onlyEn, onlyPt }).toEqual({ onlyEn: [], onlyPt: [] });
  });

  it('have no empty strings', () => {
    const empty = [...english, ...portuguese].filter(([, text]) => text.trim() === '').map(([key]) => key);
    expect(empty).toEqual([]);
  });

  it('use the same placeholders in both languages', () => {
    const mismatched = [...english]
      .filter(([key, text]) => portuguese.has(key) && placeholders(text).join() !== placeholders(portuguese.get(key)!).join())
      .map(([key]) => key);
    expect(mismatched).toEqual([]);
  });

  it('translate every error code', () => {
    const missing = errorCodes
      .flatMap((code) => [english.has(`errors.${code}`) ? null : `en:${code}`, portuguese.has(`errors.${code}`) ? null : `pt:${code}`])
      .filter(Boolean);
    expect(missing).toEqual([]);
  });

  it('give every plural both the one and the other form', () => {
    const bases = new Set([...english.keys()].filter((key) => /_(one|other)$/.test(key)).map((key) => key.replace(/_(one|other)$/, '')));
    const incomplete = [...bases].filter((base) => ![`${base}_one`, `${base}_other`].every((key) => english.has(key) && portuguese.has(key)));
    expect(incomplete).toEqual([]);
  });
});
