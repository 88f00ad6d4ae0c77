/**
 * Stratified, seeded splitting: each label's images are shuffled with a deterministic PRNG and cut
 * by fraction, so every class keeps its proportion and the same dataset request always yields the
 * same split.
 */

/** mulberry32: a small, well-distributed 32-bit PRNG; deterministic for a seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed derived from text (e.g. the dataset id), FNV-1a. */
export function seedFrom(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** Fisher–Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/**
 * Cuts each label's shuffled images into consecutive parts by fraction (`[0.8, 0.2]`; a fraction
 * of 0 means "all of it" and is only valid alone). Parts never overlap.
 */
export function stratifiedSplit<T>(
  byLabel: Map<string, T[]>,
  fractions: number[],
  seed: number,
): Array<Map<string, T[]>> {
  const parts = fractions.map(() => new Map<string, T[]>());
  for (const [label, items] of [...byLabel.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const order = shuffled(items, seededRandom(seed ^ seedFrom(label)));
    let start = 0;
    fractions.forEach((fraction, index) => {
      const count = fraction === 0 ? order.length : Math.round(order.length * fraction);
      parts[index]!.set(label, order.slice(start, Math.min(order.length, start + count)));
      start += count;
    });
  }
  return parts;
}

export type Side = 'training' | 'testing';
export const sides: Side[] = ['training', 'testing'];

/**
 * Seed semantics for a dataset's two sides: one datafile on both sides is cut by the two
 * fractions (never overlapping); two datafiles each give their own fraction (0: all of it).
 */
export function splitSides<T>(
  sources: { training: Map<string, T[]>; testing: Map<string, T[]> },
  fractions: { training: number; testing: number },
  sameDatafile: boolean,
  seed: number,
): Record<Side, Map<string, T[]>> {
  if (sameDatafile) {
    const [training, testing] = stratifiedSplit(sources.training, [fractions.training, fractions.testing], seed);
    return { training: training!, testing: testing! };
  }
  return {
    training: stratifiedSplit(sources.training, [fractions.training], seed)[0]!,
    testing: stratifiedSplit(sources.testing, [fractions.testing], seed)[0]!,
  };
}

/** One side's items in the order they are written: interleaved by a seeded shuffle, or label by label. */
export function sideOrder<T>(
  part: Map<string, T[]>,
  shuffle: boolean,
  seed: number,
  side: Side,
): Array<{ label: string; item: T }> {
  const items = [...part.entries()].flatMap(([label, list]) => list.map((item) => ({ label, item })));
  // Caffe's Data layer reads an LMDB in order, so without a shuffle a batch holds one class.
  return shuffle ? shuffled(items, seededRandom(seed ^ side.length)) : items;
}
