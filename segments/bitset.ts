/** A fixed-size set of customer slots, 32 to a word. */
export class Bitset {
  readonly size: number;
  readonly words: Uint32Array;

  constructor(size: number, words?: Uint32Array) {
    this.size = size;
    this.words = words ?? new Uint32Array((size + 31) >>> 5);
  }

  static full(size: number): Bitset {
    const b = new Bitset(size);
    b.words.fill(0xffffffff);
    b.clearTail();
    return b;
  }

  has(slot: number): boolean {
    return (this.words[slot >>> 5] & (1 << (slot & 31))) !== 0;
  }

  add(slot: number): void {
    this.words[slot >>> 5] |= 1 << (slot & 31);
  }

  delete(slot: number): void {
    this.words[slot >>> 5] &= ~(1 << (slot & 31));
  }

  clone(): Bitset {
    return new Bitset(this.size, this.words.slice());
  }

  and(other: Bitset): this {
    const a = this.words;
    const b = other.words;
    for (let i = 0; i < a.length; i++) a[i] &= b[i];
    return this;
  }

  or(other: Bitset): this {
    const a = this.words;
    const b = other.words;
    for (let i = 0; i < a.length; i++) a[i] |= b[i];
    return this;
  }

  andNot(other: Bitset): this {
    const a = this.words;
    const b = other.words;
    for (let i = 0; i < a.length; i++) a[i] &= ~b[i];
    return this;
  }

  not(): this {
    const a = this.words;
    for (let i = 0; i < a.length; i++) a[i] = ~a[i];
    this.clearTail();
    return this;
  }

  count(): number {
    let n = 0;
    const a = this.words;
    for (let i = 0; i < a.length; i++) {
      let v = a[i];
      v -= (v >>> 1) & 0x55555555;
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      n += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return n;
  }

  /** Up to `limit` slots below `before` (exclusive), highest first. */
  takeDescending(limit: number, before = this.size): number[] {
    const out: number[] = [];
    let slot = Math.min(before, this.size) - 1;
    while (slot >= 0 && out.length < limit) {
      const word = this.words[slot >>> 5];
      if (word === 0) {
        slot = (slot & ~31) - 1;
        continue;
      }
      if (word & (1 << (slot & 31))) out.push(slot);
      slot--;
    }
    return out;
  }

  *[Symbol.iterator](): Iterator<number> {
    const a = this.words;
    for (let i = 0; i < a.length; i++) {
      let w = a[i];
      while (w !== 0) {
        const t = w & -w;
        yield (i << 5) + (31 - Math.clz32(t));
        w ^= t;
      }
    }
  }

  private clearTail(): void {
    const extra = this.words.length * 32 - this.size;
    if (extra > 0) this.words[this.words.length - 1] &= 0xffffffff >>> extra;
  }
}
