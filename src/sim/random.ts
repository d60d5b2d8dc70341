/**
 * The simulation's only source of randomness: sfc32, seeded through splitmix32. Small, fast, and
 * identical on every platform, so one seed gives one run.
 */
export class SeededRandom {
  /**
   * sfc32's four words a, b, c, d. In an Int32Array, not in four fields: a 32-bit word is not a small
   * integer (Smi, 31 bits) to V8, so a field holding one is a boxed heap number, and a draw read and
   * wrote four boxes (7.6 ns a draw; 1-2 ns with the words in a typed array). A 16-byte typed array
   * lives on V8's heap: no off-heap buffer per simulation.
   */
  private readonly state = new Int32Array(4);

  constructor(readonly seed: number) {
    const start = adopting;
    if (start !== undefined) {
      adopting = undefined;
      this.state.set(start.state);
      return;
    }
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    const state = this.state;
    state[0] = next();
    state[1] = next();
    state[2] = next();
    state[3] = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /**
   * The same as `new SeededRandom(seed)`. An exploration seeds a world with the same seed for every
   * schedule: the state that seed starts from is worked out once and copied.
   */
  static fromSeed(seed: number): SeededRandom {
    const known = lastStart;
    if (known !== undefined && known.seed === seed) {
      adopting = known;
      return new SeededRandom(seed);
    }
    const random = new SeededRandom(seed);
    lastStart = { seed, state: random.state.slice() };
    return random;
  }

  /**
   * One sfc32 step, as a signed 32-bit integer. Hot callers take this rather than
   * {@link nextUint32} or {@link nextFloat}: a signed 32-bit result is a small integer (Smi) to V8,
   * while an unsigned one above 2^31 or a float is boxed in a new heap number whenever the call is
   * not inlined. That garbage, one object per draw, set off young-generation collections in
   * delivery loops that otherwise allocate nothing, and each copied the publish phase's young tail.
   */
  nextInt32(): number {
    const state = this.state;
    const a = state[0]!;
    const b = state[1]!;
    const c = state[2]!;
    const d = state[3]!;
    const t = (((a + b) | 0) + d) | 0;
    state[3] = (d + 1) | 0;
    state[0] = b ^ (b >>> 9);
    state[1] = (c + (c << 3)) | 0;
    state[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    return t;
  }

  nextUint32(): number {
    return this.nextInt32() >>> 0;
  }

  /** A float in [0, 1). */
  nextFloat(): number {
    return (this.nextInt32() >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(((this.nextInt32() >>> 0) / 4294967296) * n);
  }
}

interface SeedStart {
  readonly seed: number;
  readonly state: Int32Array;
}
/** The state the last seed given to {@link SeededRandom.fromSeed} started from. */
let lastStart: SeedStart | undefined;
/** Set by {@link SeededRandom.fromSeed} for the one construction it makes: the state to start from. */
let adopting: SeedStart | undefined;

/** A fresh seed for runs that were not given one; printed with every failure so it can be replayed. */
export const randomSeed = (): number => (Math.random() * 0x7fffffff) | 0;
