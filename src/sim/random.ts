/**
 * The simulation's only source of randomness: sfc32, seeded through splitmix32. Small, fast, and
 * identical on every platform, so one seed gives one run.
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: number) {
    const start = adopting;
    if (start !== undefined) {
      adopting = undefined;
      this.a = start.a;
      this.b = start.b;
      this.c = start.c;
      this.d = start.d;
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
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
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
    lastStart = { seed, a: random.a, b: random.b, c: random.c, d: random.d };
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
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
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
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
}
/** The state the last seed given to {@link SeededRandom.fromSeed} started from. */
let lastStart: SeedStart | undefined;
/** Set by {@link SeededRandom.fromSeed} for the one construction it makes: the state to start from. */
let adopting: SeedStart | undefined;

/** A fresh seed for runs that were not given one; printed with every failure so it can be replayed. */
export const randomSeed = (): number => (Math.random() * 0x7fffffff) | 0;
