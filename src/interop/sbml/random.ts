/**
 * A small seeded pseudo-random generator (mulberry32) for the random order of simultaneous events
 * of equal priority (layer 5, no Node-only API; Math.random is not used anywhere in src/).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
