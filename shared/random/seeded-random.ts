/**
 * mulberry32: a tiny seeded generator, the same sequence on every platform for a given
 * seed. For the demo clinic, test data and benchmarks, which must be reproducible; never
 * for anything secret (tokens, codes, salts use the main process's crypto).
 */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
