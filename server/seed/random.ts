/** A small deterministic PRNG (mulberry32), so `db:seed --seed N` always makes the same data. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Picks an index with probability proportional to its weight. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((a, b) => a + b, 0);
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /**
   * A version-7-shaped UUID (48-bit millisecond time first) from this generator: deterministic, and
   * ascending with time so bulk loads append to the primary-key index instead of scattering.
   */
  uuidV7(atMs: number): string {
    const time = atMs.toString(16).padStart(12, '0');
    const rand = Array.from({ length: 20 }, () => this.int(16).toString(16));
    rand[0] = '7';
    rand[4] = (8 + this.int(4)).toString(16);
    const r = rand.join('');
    return `${time.slice(0, 8)}-${time.slice(8, 12)}-${r.slice(0, 4)}-${r.slice(4, 8)}-${r.slice(8, 20)}`;
  }
}
