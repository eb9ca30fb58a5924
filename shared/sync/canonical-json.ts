/**
 * JSON with every object's keys sorted (by UTF-16 code units, as `Array.prototype.sort`
 * does), so the same value always gives the same text whatever order its keys were written
 * in. The desk compares rows by it (electron/sync/sync-engine.ts) and the cloud hashes
 * mutations with it for idempotency (cloud/push.service.ts): its output must never change,
 * or a retried mutation stops matching the one the cloud stored.
 *
 * For JSON values (what JSON.parse returns) it is JSON.stringify with sorted keys. Anything
 * else is kept exactly as it has always been written, not "fixed": a property holding
 * `undefined` is written `"key":undefined`, `undefined` in an array leaves an empty place
 * (`[1,,2]`), `toJSON` is not called (a Date is `{}`), and a bare `undefined` or function
 * gives `undefined` back, not a string.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
