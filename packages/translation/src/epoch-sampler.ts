import { shuffleInPlace, type SeededRandom } from '@sim2real/random';

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
    this.order = shuffleInPlace(Array.from({ length: this.count }, (_, i) => i), this.random);
    this.position = 0;
  }
}
