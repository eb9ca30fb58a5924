import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { Database } from './schema';

/** Stands in for a value while the query is built once; replaced by the real value on every run. */
class Placeholder {
  constructor(readonly name: string) {}
}

type Scalar = string | number | bigint | null | Uint8Array;

type Binding = { placeholder: string } | { constant: unknown };

/**
 * A query built with kysely's builder once, then run again and again with new values.
 *
 * Building and compiling a kysely query takes tens of microseconds: more than SQLite needs
 * for an indexed lookup, and the most of a booking's cost after the fsync. The hot paths
 * build their query from placeholders, keep the SQL, and only rebind the values. Values
 * must be scalars: a builder that changes its SQL by value (an array for `in`, a key left
 * undefined in `values()`) cannot be prepared, and a non-scalar value is refused at run time.
 */
export function preparedQuery<Params extends { [K in keyof Params]: Scalar }, Row>(
  build: (db: Kysely<Database>, params: Params) => Compilable<Row>,
): (db: Kysely<Database>, params: Params) => Promise<Row[]> {
  let compiled: { query: CompiledQuery<Row>; bindings: Binding[] } | undefined;

  return async (db, params) => {
    if (!compiled) {
      const placeholders = new Proxy({} as Params, { get: (_, name) => new Placeholder(String(name)) });
      const query = build(db, placeholders).compile();
      compiled = {
        query,
        bindings: query.parameters.map((value) => (value instanceof Placeholder ? { placeholder: value.name } : { constant: value })),
      };
    }
    const parameters = compiled.bindings.map((binding) => {
      if (!('placeholder' in binding)) return binding.constant;
      const value = (params as Record<string, unknown>)[binding.placeholder];
      if (value === undefined || (typeof value === 'object' && value !== null && !(value instanceof Uint8Array))) {
        throw new TypeError(`Prepared query parameter "${binding.placeholder}" must be a scalar, got ${value === undefined ? 'undefined' : typeof value}`);
      }
      return value;
    });
    const result = await db.executeQuery<Row>({ ...compiled.query, parameters });
    return result.rows;
  };
}
