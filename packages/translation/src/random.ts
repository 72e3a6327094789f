/** Small seeded PRNG (mulberry32) whose whole state is one uint32, so checkpoints can store it. */
export class SeededRandom {
  constructor(public state: number) {
    this.state = state >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** Endless shuffled passes over 0..count-1 (a fresh permutation per epoch). */
export class EpochSampler {
  private order: number[] = [];
  private position = 0;

  constructor(
    private readonly count: number,
    private readonly random: SeededRandom,
  ) {}

  take(n: number): number[] {
    const out: number[] = [];
    while (out.length < n) {
      if (this.position >= this.order.length) this.reshuffle();
      out.push(this.order[this.position++]!);
    }
    return out;
  }

  private reshuffle(): void {
    this.order = Array.from({ length: this.count }, (_, i) => i);
    for (let i = this.order.length - 1; i > 0; i--) {
      const j = this.random.int(i + 1);
      [this.order[i], this.order[j]] = [this.order[j]!, this.order[i]!];
    }
    this.position = 0;
  }
}
