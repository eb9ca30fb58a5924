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
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { z } from 'zod';
import { contract, methodNames, type MethodName } from '../shared/contract/contract';
import { errorCodes, httpStatusOf, universalErrorCodes, type ErrorCode } from '../shared/contract/errors';
import { eventAudience, events, type EventName } from '../shared/contract/events';
import type { Access } from '../shared/contract/method';
import { en } from '../shared/i18n/en';

const root = fileURLToPath(new URL('..', import.meta.url));
export const CONTRACT_DOC = join(root, 'docs', 'contract.md');

// ---- reading the source: which file each method comes from, and its JSDoc --------------

interface Entry {
  name: string;
  description: string;
}

interface ContractFile {
  feature: string;
  /** Relative to the repository, with forward slashes. */
  path: string;
  entries: Entry[];
}

function sourceOf(path: string): ts.SourceFile {
  return ts.createSourceFile(path, readFileSync(join(root, path), 'utf8'), ts.ScriptTarget.Latest, true);
}

/** The JSDoc text above a node, on one line. */
function jsDocOf(node: ts.Node): string {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  return docs
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The object literal an exported `const name = { … } as const` holds. */
function objectLiteral(source: ts.SourceFile, name: string): ts.ObjectLiteralExpression | null {
  let found: ts.ObjectLiteralExpression | null = null;
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name && node.initializer) {
      let init: ts.Expression = node.initializer;
      while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init) || ts.isParenthesizedExpression(init)) init = init.expression;
      if (ts.isObjectLiteralExpression(init)) found = init;
    }
    if (!found) ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The quoted keys of an object literal, in order, with their JSDoc. */
function entriesOf(object: ts.ObjectLiteralExpression): Entry[] {
  return object.properties.flatMap((property) =>
    ts.isPropertyAssignment(property) && ts.isStringLiteral(property.name) ? [{ name: property.name.text, description: jsDocOf(property) }] : [],
  );
}

/** The feature contracts, in the order shared/contract/contract.ts spreads them. */
function readContractFiles(): ContractFile[] {
  const aggregate = sourceOf('shared/contract/contract.ts');
  const importPaths = new Map<string, string>();
  for (const statement of aggregate.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    for (const element of bindings.elements) importPaths.set(element.name.text, statement.moduleSpecifier.text);
  }
  const spread = objectLiteral(aggregate, 'contract');
  if (!spread) throw new Error('shared/contract/contract.ts: no `contract` object found');
  return spread.properties.map((property) => {
    if (!ts.isSpreadAssignment(property) || !ts.isIdentifier(property.expression)) {
      throw new Error(`shared/contract/contract.ts: expected only spreads of feature contracts, found ${property.getText()}`);
    }
    const variable = property.expression.text;
    const specifier = importPaths.get(variable);
    if (!specifier) throw new Error(`shared/contract/contract.ts: where does ${variable} come from?`);
    const path = relative(root, join(root, 'shared/contract', `${specifier}.ts`)).split('\\').join('/');
    const object = objectLiteral(sourceOf(path), variable);
    if (!object) throw new Error(`${path}: no \`${variable}\` object found`);
    return { feature: path.split('/')[1]!, path, entries: entriesOf(object) };
  });
}

/** The JSDoc (or, without one, the English message) of each error code. */
function errorMeanings(): Map<string, string> {
  const source = sourceOf('shared/contract/errors.ts');
  const meanings = new Map<string, string>();
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === 'errorCodes' && node.initializer) {
      let init: ts.Expression = node.initializer;
      while (ts.isAsExpression(init)) init = init.expression;
      if (ts.isArrayLiteralExpression(init)) {
        for (const element of init.elements) {
          if (!ts.isStringLiteral(element)) continue;
          const comments = ts.getLeadingCommentRanges(source.text, element.getFullStart()) ?? [];
          const text = comments
            .map((range) => source.text.slice(range.pos, range.end))
            .filter((comment) => comment.startsWith('/**'))
            .map((comment) => comment.replace(/^\/\*\*|\*\/$/g, '').replace(/^\s*\* ?/gm, ''))
            .join(' ')
            .replace(/\s+/g, ' ')
            .trim();
          if (text) meanings.set(element.text, text);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const messages = en.errors as Record<string, string | undefined>;
  for (const code of errorCodes) if (!meanings.has(code) && messages[code]) meanings.set(code, `“${messages[code]}”`);
  return meanings;
}

// ---- rendering a schema: a TypeScript-like type with its limits as comments -------------

type Json = { [key: string]: unknown };

const SAFE = Number.MAX_SAFE_INTEGER;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function literal(value: unknown): string {
  return typeof value === 'string' ? `'${value.replace(/'/g, "\\'")}'` : JSON.stringify(value);
}

interface Rendered {
  /** The type; several lines for objects (the first without indentation, the rest indented). */
  type: string;
  /** Limits a reader needs (length, range, pattern, default): shown as a comment. */
  note: string;
}

function range(min: number | undefined, max: number | undefined, unit = ''): string {
  if (min !== undefined && max !== undefined) return min === max ? `exactly ${min}${unit}` : `${min}–${max}${unit}`;
  if (min !== undefined) return `≥ ${min}${unit}`;
  if (max !== undefined) return `≤ ${max}${unit}`;
  return '';
}

function numberNote(schema: Json): string {
  const integer = schema.type === 'integer';
  let min = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  let max = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  if (typeof schema.exclusiveMinimum === 'number') min = integer ? schema.exclusiveMinimum + 1 : schema.exclusiveMinimum;
  if (typeof schema.exclusiveMaximum === 'number') max = integer ? schema.exclusiveMaximum - 1 : schema.exclusiveMaximum;
  // int() alone: JavaScript's safe range, which says nothing to a reader.
  if (min !== undefined && min <= -SAFE) min = undefined;
  if (max !== undefined && max >= SAFE) max = undefined;
  return range(min, max);
}

function stringNote(schema: Json): string {
  const parts: string[] = [];
  const length = range(
    typeof schema.minLength === 'number' && schema.minLength > 0 ? schema.minLength : undefined,
    typeof schema.maxLength === 'number' ? schema.maxLength : undefined,
    ' characters',
  );
  if (length) parts.push(length);
  if (typeof schema.format === 'string') parts.push(schema.format);
  if (typeof schema.pattern === 'string') parts.push(`/${schema.pattern}/`);
  return parts.join(', ');
}

function joinNotes(...notes: string[]): string {
  return notes.filter((note) => note !== '').join('; ');
}

function indentRest(text: string, indent: string): string {
  return text.split('\n').join(`\n${indent}`);
}

/** Members of a union, nested unions flattened (a union of unions reads as one). */
function unionMembers(schema: Json): unknown[] | null {
  const members = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : null;
  if (!members) return null;
  return members.flatMap((member) => (isObject(member) && Object.keys(member).length === 1 ? (unionMembers(member) ?? [member]) : [member]));
}

/**
 * A schema as a TypeScript type: `indent` is the indentation of the line the type starts
 * on. Objects span lines unless short and plain; a union of objects puts one member a line.
 */
function render(schema: unknown, indent: string): Rendered {
  if (!isObject(schema)) return { type: 'unknown', note: '' };
  const withDefault = (rendered: Rendered): Rendered =>
    'default' in schema ? { ...rendered, note: joinNotes(rendered.note, `default ${literal(schema.default)}`) } : rendered;

  if ('const' in schema) return withDefault({ type: literal(schema.const), note: '' });
  if (Array.isArray(schema.enum)) return withDefault({ type: schema.enum.map(literal).join(' | '), note: '' });

  const members = unionMembers(schema);
  if (members) {
    const nonNull = members.filter((member) => !(isObject(member) && member.type === 'null'));
    if (nonNull.length === 1 && members.length === 2) {
      const only = render(nonNull[0], indent);
      return withDefault({ type: `${only.type} | null`, note: only.note });
    }
    const single = members.map((member) => render(member, indent));
    if (single.every((member) => !member.type.includes('\n'))) {
      return withDefault({ type: single.map((member) => member.type).join(' | '), note: joinNotes(...new Set(single.map((member) => member.note))) });
    }
    // One member a line, each with its own comments.
    const lines = members.map((member) => {
      const rendered = render(member, `${indent}    `);
      return `${indent}  | ${rendered.type}${rendered.note ? ` // ${rendered.note}` : ''}`;
    });
    return withDefault({ type: `\n${lines.join('\n')}`, note: '' });
  }

  if (Array.isArray(schema.type)) {
    const types = schema.type.map((type) => render({ ...schema, type }, indent));
    return withDefault({ type: types.map((type) => type.type).join(' | '), note: joinNotes(...new Set(types.map((type) => type.note))) });
  }

  switch (schema.type) {
    case 'null':
      return { type: 'null', note: '' };
    case 'boolean':
      return withDefault({ type: 'boolean', note: '' });
    case 'string':
      return withDefault({ type: 'string', note: stringNote(schema) });
    case 'number':
    case 'integer':
      return withDefault({ type: schema.type, note: numberNote(schema) });
    case 'array': {
      const item = render(schema.items, indent);
      const type = item.type.startsWith('\n')
        ? `Array<${item.type}\n${indent}>`
        : item.type.includes(' | ') && !item.type.startsWith('{')
          ? `Array<${item.type}>`
          : `${item.type}[]`;
      const count = range(
        typeof schema.minItems === 'number' && schema.minItems > 0 ? schema.minItems : undefined,
        typeof schema.maxItems === 'number' ? schema.maxItems : undefined,
        ' items',
      );
      return withDefault({ type, note: joinNotes(count, item.note ? `each ${item.note}` : '') });
    }
    case 'object':
      return withDefault({ type: renderObject(schema, indent), note: '' });
    default:
      return { type: `unknown /* ${JSON.stringify(schema)} */`, note: '' };
  }
}

function renderObject(schema: Json, indent: string): string {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const keys = Object.keys(properties);
  if (keys.length === 0) {
    return isObject(schema.additionalProperties) ? `Record<string, ${render(schema.additionalProperties, indent).type}>` : '{}';
  }
  const inner = `${indent}  `;
  const fields = keys.map((key) => {
    const value = render(properties[key], inner);
    const name = `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : literal(key)}${required.has(key) ? '' : '?'}`;
    return { name, value };
  });
  // Short and plain (no limits to mention): on one line, as `{ ok: true }`.
  const oneLine = `{ ${fields.map(({ name, value }) => `${name}: ${value.type}`).join('; ')} }`;
  if (fields.every(({ value }) => value.note === '' && !value.type.includes('\n')) && oneLine.length <= 60) return oneLine;
  const lines = fields.map(({ name, value }) => `${inner}${name}:${value.type.startsWith('\n') ? '' : ' '}${value.type};${value.note ? ` // ${value.note}` : ''}`);
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function schemaBlock(schema: z.ZodType, io: 'input' | 'output'): string {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  delete json.$schema;
  const rendered = render(json, '');
  // A union of objects at the top: its lines start at the left margin.
  const type = rendered.type.startsWith('\n') ? rendered.type.slice(1).replace(/^  /gm, '') : rendered.type;
  return ['```ts', `${type}${rendered.note ? ` // ${rendered.note}` : ''}`, '```'].join('\n');
}

function isEmptyObject(schema: z.ZodType): boolean {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  return json.type === 'object' && isObject(json.properties) && Object.keys(json.properties).length === 0;
}

// ---- the document ------------------------------------------------------------------------

function anchor(heading: string): string {
  // GitHub's: lower case, punctuation (dots, backticks) dropped, spaces to dashes.
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function code(text: string): string {
  return `\`${text}\``;
}

function accessText(access: Access): string {
  if (access === 'public') return 'anyone: no session needed';
  return access.map(code).join(', ');
}

function audits(spec: object): string | null {
  // `audits` is read when the contract declares it (MethodSpec may not have it yet).
  const value = (spec as { audits?: unknown }).audits;
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map((action) => code(String(action))).join(', ');
  return code(JSON.stringify(value));
}

export function renderContractDoc(): string {
  const files = readContractFiles();
  const located = new Map<string, string>();
  for (const file of files) {
    for (const entry of file.entries) {
      if (located.has(entry.name)) throw new Error(`${entry.name} is in both ${located.get(entry.name)} and ${file.path}`);
      located.set(entry.name, file.path);
    }
  }
  const unlocated = methodNames.filter((name) => !located.has(name));
  if (unlocated.length > 0) throw new Error(`methods whose contract file was not found: ${unlocated.join(', ')}`);

  const meanings = errorMeanings();
  const universal: ReadonlySet<string> = new Set(universalErrorCodes);
  const eventDocs = new Map(entriesOf(objectLiteral(sourceOf('shared/contract/events.ts'), 'events')!).map((entry) => [entry.name, entry.description]));

  const out: string[] = [];
  const line = (text = '') => out.push(text);

  line('# The Front Desk contract');
  line();
  line('<!-- Generated by scripts/contract-doc.ts from shared/: do not edit. Run `npm run docs:contract` after changing the contract. -->');
  line();
  line(
    'Every method the main process answers, for both transports: Electron IPC for the app’s own windows and HTTP for the browser host ' +
      '(`POST /api/rpc/<method>` with the input as a JSON body). Every answer is `{ ok: true, value }` or `{ ok: false, error: { code, message, details? } }`. ' +
      'Types below are written as TypeScript, with the schema’s limits as comments; checks a schema makes in code (a real calendar date, an e-mail address) are not shown. ' +
      'The source of truth is [`shared/contract/contract.ts`](../shared/contract/contract.ts) and the feature contracts it gathers.',
  );
  line();

  line('## Errors');
  line();
  line('Any method may answer with these, so no method lists them:');
  line();
  for (const errorCode of universalErrorCodes) line(`- ${code(errorCode)} (HTTP ${httpStatusOf[errorCode]}): ${universalMeaning[errorCode]}`);
  line();
  line('Each method lists the other codes its caller must be ready for. All codes:');
  line();
  line('| Code | HTTP | Meaning |');
  line('|------|------|---------|');
  for (const errorCode of errorCodes) {
    const meaning = (meanings.get(errorCode) ?? '').replace(/\|/g, '\\|');
    line(`| ${code(errorCode)}${universal.has(errorCode) ? ' (any method)' : ''} | ${httpStatusOf[errorCode]} | ${meaning} |`);
  }
  line();

  line('## Methods');
  line();
  for (const file of files) {
    line(`- [${file.feature}](#${anchor(file.feature)}): ${file.entries.map((entry) => `[${code(entry.name)}](#${anchor(entry.name)})`).join(', ')}`);
  }
  line(`- [Events](#events): ${Object.keys(events).map((name) => `[${code(name)}](#${anchor(name)})`).join(', ')}`);
  line();

  for (const file of files) {
    line(`## ${file.feature}`);
    line();
    line(`From [${code(file.path)}](../${file.path}).`);
    line();
    for (const entry of file.entries) {
      const name = entry.name as MethodName;
      const spec = contract[name];
      line(`### ${code(name)}`);
      line();
      if (entry.description) {
        line(entry.description);
        line();
      }
      line(`- **Access:** ${accessText(spec.access)}`);
      line(`- **Writes:** ${spec.writes ? 'yes, in one transaction' : 'no'}`);
      const declared: readonly ErrorCode[] = spec.errors ?? [];
      line(`- **Errors:** ${declared.length > 0 ? `${declared.map(code).join(', ')}, and the universal ones` : 'only the universal ones'}`);
      const audited = audits(spec);
      if (audited !== null) line(`- **Audits:** ${audited}`);
      line();
      if (isEmptyObject(spec.input)) {
        line('Input: none (`{}`).');
      } else {
        line('Input:');
        line();
        line(schemaBlock(spec.input, 'input'));
      }
      line();
      line('Output:');
      line();
      line(schemaBlock(spec.output, 'output'));
      line();
    }
  }

  line('## Events');
  line();
  line(
    'Pushed once a change is committed, by a call or by work in the background (the no-show timer, sync): IPC messages to the app’s windows, ' +
      'server-sent events on `GET /api/events` for the browser host, each only to the roles in its audience. Stores refetch what they show.',
  );
  line();
  for (const name of Object.keys(events) as EventName[]) {
    line(`### ${code(name)}`);
    line();
    const description = eventDocs.get(name);
    if (description) {
      line(description);
      line();
    }
    line(`- **Sent to:** ${eventAudience[name].map(code).join(', ')}`);
    line();
    if (isEmptyObject(events[name])) {
      line('Payload: `{}`.');
    } else {
      line('Payload:');
      line();
      line(schemaBlock(events[name], 'output'));
    }
    line();
  }
  return `${out.join('\n').trimEnd()}\n`;
}

const universalMeaning: Record<(typeof universalErrorCodes)[number], string> = {
  VALIDATION: 'the input does not match the method’s schema (`details.fields`: which, and why), or a check the schema cannot make refused it.',
  UNAUTHENTICATED: 'nobody is signed in (and no paired screen may call it), or the session is locked (`details.locked`).',
  FORBIDDEN: 'the caller’s role (or paired screen) may not call it, or may not act on this record.',
  UNKNOWN_METHOD: 'there is no method of that name.',
  PAYLOAD_TOO_LARGE: 'the input is larger than the transport accepts.',
  INTERNAL: 'something unexpected failed (a bug, or an output the contract refuses); a method that writes has saved nothing.',
};

/** Every feature contract file on disk: the test checks that the contract gathers each one. */
export function contractFilesOnDisk(): string[] {
  return readdirSync(join(root, 'shared'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      readdirSync(join(root, 'shared', entry.name))
        .filter((file) => file.endsWith('.contract.ts'))
        .map((file) => `shared/${entry.name}/${file}`),
    )
    .sort();
}

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
