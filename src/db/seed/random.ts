// The demo's dice: a small deterministic random generator (mulberry32), so a demo looks the same
// every time it is loaded.

export interface Dice {
  /** A number in [0, 1). */
  random(): number;
  /** One of the items, each as likely. */
  pick<T>(xs: readonly T[]): T;
}

export function seededDice(seed: number): Dice {
  let a = seed;
  const random = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { random, pick: (xs) => xs[Math.floor(random() * xs.length)]! };
}
