import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';

// The expected texts are what the desk's and the cloud's copies wrote before they became
// this one function; the cloud's idempotency hashes depend on every byte of them.
describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: 2, c: { z: 1, y: [3, { q: 1, p: 2 }] } })).toBe('{"a":2,"b":1,"c":{"y":[3,{"p":2,"q":1}],"z":1}}');
    expect(canonicalJson([3, 1, 2, [{ b: 1, a: 1 }]])).toBe('[3,1,2,[{"a":1,"b":1}]]');
    expect(canonicalJson([{}, []])).toBe('[{},[]]');
  });

  it('gives the same text whatever order the keys were written in', () => {
    const one = { entity: 'appointment', uid: 'u-1', op: 'upsert', baseVersion: 3, data: { startsAt: 1, endsAt: 2, notes: null } };
    const other = { data: { notes: null, endsAt: 2, startsAt: 1 }, baseVersion: 3, op: 'upsert', uid: 'u-1', entity: 'appointment' };
    expect(canonicalJson(one)).toBe(canonicalJson(other));
    expect(canonicalJson(one)).toBe('{"baseVersion":3,"data":{"endsAt":2,"notes":null,"startsAt":1},"entity":"appointment","op":"upsert","uid":"u-1"}');
  });

  it('sorts keys by UTF-16 code units, numeric-looking keys included', () => {
    expect(canonicalJson({ '10': 1, '2': 2, b: 3, A: 4, _: 5 })).toBe('{"10":1,"2":2,"A":4,"_":5,"b":3}');
    expect(canonicalJson({ é: 1, '\u{1F600}': 2, z: 3 })).toBe('{"z":3,"é":1,"\u{1F600}":2}');
  });

  it('writes unicode as JSON.stringify does: raw, with controls and lone surrogates escaped', () => {
    expect(canonicalJson({ name: 'Conceição 日本', line: '\u2028', ctrl: '\u0001"\\', lone: '\ud800' })).toBe(
      '{"ctrl":"\\u0001\\"\\\\","line":"\u2028","lone":"\\ud800","name":"Conceição 日本"}',
    );
  });

  it('writes numbers and literals as JSON.stringify does', () => {
    expect(canonicalJson({ n: -0, x: 1e21, y: 0.1, nan: NaN, inf: Infinity })).toBe('{"inf":null,"n":0,"nan":null,"x":1e+21,"y":0.1}');
    expect(canonicalJson({ n: null, t: true, f: false, s: '' })).toBe('{"f":false,"n":null,"s":"","t":true}');
  });

  it('equals JSON.stringify with sorted keys for any JSON value', () => {
    const value = JSON.parse('{"z":[1,{"b":"x","a":null}],"a":{"d":true,"c":-1.5}}');
    expect(canonicalJson(value)).toBe(JSON.stringify({ a: { c: -1.5, d: true }, z: [1, { a: null, b: 'x' }] }));
  });

  it('keeps its old handling of values that are not JSON', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"a":undefined,"b":1}');
    expect(canonicalJson([1, undefined, null, 2])).toBe('[1,,null,2]');
    // eslint-disable-next-line no-sparse-arrays -- a hole, as an old client could send it
    expect(canonicalJson([, 1])).toBe('[,1]');
    expect(canonicalJson({ d: new Date(0) })).toBe('{"d":{}}');
    expect(canonicalJson(undefined)).toBeUndefined();
    expect(canonicalJson(() => 1)).toBeUndefined();
  });
});
