import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../shared/i18n/en';
import { pt } from '../shared/i18n/pt-PT';

/**
 * WCAG 2.5.3 (label in name): a control's accessible name contains the words on it, so
 * that someone who says "click Change room" to their speech software, or hears the screen
 * reader, meets the same words as the sighted. Every `aria-label` of a control with
 * visible text is checked against that text, in both languages.
 */

const root = join(__dirname, '..');

function components(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, folder))) {
    const path = join(folder, entry);
    if (statSync(join(root, path)).isDirectory()) out.push(...components(path));
    else if (entry.endsWith('.tsx') && !entry.endsWith('.test.tsx')) out.push(path);
  }
  return out;
}

function textOf(catalogue: unknown, key: string): string {
  const found = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], catalogue);
  if (typeof found !== 'string') throw new Error(`no text for ${key}`);
  return found.replace(/\{\{[^}]+\}\}/g, '').trim();
}

const keysIn = (text: string) => [...text.matchAll(/\bt\(\s*[`'"]([\w.]+)[`'"]/g)].map((match) => match[1]!);

interface Control {
  file: string;
  line: number;
  labelKeys: string[];
  visibleKeys: string[];
}

/** Buttons (prettier-formatted) with an aria-label and children: the keys of each. */
function controls(file: string): Control[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const found: Control[] = [];
  lines.forEach((line, index) => {
    const label = /aria-label=\{(.*)\}/.exec(line);
    if (!label) return;
    // The opening tag ends on this line or on a line that is only ">"; the children run to the closing tag.
    let start = line.trimEnd().endsWith('>') ? index + 1 : -1;
    for (let next = index + 1; start < 0 && next < Math.min(lines.length, index + 12); next++) {
      if (/^\s*\/?>\s*$/.test(lines[next]!)) start = lines[next]!.includes('/>') ? -2 : next + 1;
      else if (/<\w/.test(lines[next]!)) break;
    }
    if (start < 0) return;
    const opening = lines.slice(Math.max(0, index - 12), index + 1).join('\n');
    if (!/<(Button|button)\b[^<]*$/.test(opening)) return;
    const children: string[] = [];
    for (let next = start; next < lines.length && !/<\/(Button|button)>/.test(lines[next]!); next++) children.push(lines[next]!);
    const visibleKeys = keysIn(children.join('\n'));
    if (visibleKeys.length > 0) found.push({ file, line: index + 1, labelKeys: keysIn(label[1]!), visibleKeys });
  });
  return found;
}

describe('label in name', () => {
  const all = components('renderer').flatMap(controls);

  it('finds the controls it checks', () => {
    expect(all.length).toBeGreaterThan(15);
  });

  it('gives every control an accessible name that contains its visible label, in English and in Portuguese', () => {
    const mismatches: string[] = [];
    for (const control of all) {
      for (const [language, catalogue] of [
        ['en', en],
        ['pt', pt],
      ] as const) {
        const named = control.labelKeys.map((key) => textOf(catalogue, key).toLowerCase());
        for (const key of control.visibleKeys) {
          const visible = textOf(catalogue, key).toLowerCase();
          if (!named.some((name) => name.includes(visible)))
            mismatches.push(`${control.file}:${control.line} (${language}): "${visible}" not in ${JSON.stringify(named)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
