// Word arrays of bitsets made inside an arena (see inArena), kept for the next one by length: a
// preview at a million customers makes ten or more bitsets of 125 kB, and as fresh array buffers
// they had V8 collect garbage every few previews, in the middle of some of them.
const spare = new Map<number, Uint32Array[]>();
const SPARE_PER_LENGTH = 64;
let arena: Uint32Array[] | null = null;

function allocate(length: number): Uint32Array {
  if (!arena) return new Uint32Array(length);
  const reused = spare.get(length)?.pop();
  const words = reused ? reused.fill(0) : new Uint32Array(length);
  arena.push(words);
  return words;
}

/**
 * Runs `work` (synchronous) with every bitset it makes drawn from a pool; `release` gives their
 * words back, so call it once nothing reads those bitsets any more (nor anything made from them).
 */
export function inArena<T>(work: () => T): { result: T; release: () => void } {
  if (arena) return { result: work(), release: () => {} };
  const mine: Uint32Array[] = [];
  arena = mine;
  let result: T;
  try {
    result = work();
  } finally {
    arena = null;
  }
  return {
    result,
    release: () => {
      for (const words of mine.splice(0)) {
        let list = spare.get(words.length);
        if (!list) spare.set(words.length, (list = []));
        if (list.length < SPARE_PER_LENGTH) list.push(words);
      }
    },
  };
}

/** A fixed-size set of customer slots, 32 to a word. */
export class Bitset {
  readonly size: number;
  readonly words: Uint32Array;

  constructor(size: number, words?: Uint32Array) {
    this.size = size;
    this.words = words ?? allocate((size + 31) >>> 5);
  }

  /** A bitset of `size` slots with the first words of `words` (longer arrays are cut). */
  static copyOf(size: number, words: Uint32Array): Bitset {
    const out = new Bitset(size);
    out.words.set(words.subarray(0, out.words.length));
    out.clearTail();
    return out;
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
    return Bitset.copyOf(this.size, this.words);
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
