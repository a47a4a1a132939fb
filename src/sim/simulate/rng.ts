/** Seeded randomness for simulations: one independent stream per purpose, all from the seed. */

/** A seeded random source, handed to script functions and used for faults and ids. */
export interface SimRng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] (both included). */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/** FNV-1a over the seed and the stream's name: streams of one seed do not overlap. */
function mix(seed: number, stream: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  hash = Math.imul(hash, 0x01000193);
  hash ^= Math.floor(seed / 2 ** 32);
  for (let i = 0; i < stream.length; i++) {
    hash ^= stream.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: small, fast and good enough to spread faults; not for secrets. */
export function seededRng(seed: number, stream: string): SimRng {
  let state = mix(seed, stream);
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
  };
}

/** Fresh ids for one seed, shaped like UUIDs (run ids, team ids). */
export function seededIds(seed: number): () => string {
  const rng = seededRng(seed, "ids");
  const hex = (n: number) => {
    let out = "";
    for (let i = 0; i < n; i++) out += Math.floor(rng.next() * 16).toString(16);
    return out;
  };
  return () => `${hex(8)}-${hex(4)}-4${hex(3)}-${hex(4)}-${hex(12)}`;
}
