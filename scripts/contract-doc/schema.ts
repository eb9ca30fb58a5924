/** Rendering a schema: a TypeScript-like type with its limits as comments. */
import { z } from 'zod';

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
  const lines = fields.map(
    ({ name, value }) => `${inner}${name}:${value.type.startsWith('\n') ? '' : ' '}${value.type};${value.note ? ` // ${value.note}` : ''}`,
  );
  return `{\n${lines.join('\n')}\n${indent}}`;
}

export function schemaBlock(schema: z.ZodType, io: 'input' | 'output'): string {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  delete json.$schema;
  const rendered = render(json, '');
  // A union of objects at the top: its lines start at the left margin.
  const type = rendered.type.startsWith('\n') ? rendered.type.slice(1).replace(/^ {2}/gm, '') : rendered.type;
  return ['```ts', `${type}${rendered.note ? ` // ${rendered.note}` : ''}`, '```'].join('\n');
}

export function isEmptyObject(schema: z.ZodType): boolean {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  return json.type === 'object' && isObject(json.properties) && Object.keys(json.properties).length === 0;
}
