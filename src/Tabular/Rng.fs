/// The tabular studies' seeded random source: the project's xoshiro256** (`Research.Random.Xoshiro256`,
/// seeded through SplitMix64), shared with the deep agents, plus the normal deviates the noise models need.
module Research.Tabular.Rng

open Research.Random

/// Generator state (mutable: one per run, never shared between threads).
type Rng =
    { Bits: Xoshiro256
      /// The second normal deviate of the last polar-method pair, when `HasSpare`.
      mutable Spare: float
      mutable HasSpare: bool }

/// A generator seeded from `seed` (any int, negative included: sign-extended to 64 bits).
let create (seed: int) : Rng =
    { Bits = Xoshiro256(uint64 (int64 seed)); Spare = 0.0; HasSpare = false }

/// Next 64 random bits.
let inline nextUInt64 (g: Rng) = g.Bits.NextUInt64()

/// Uniform on [0, 1) with 53 random bits.
let inline uniform (g: Rng) = g.Bits.NextDouble()

/// Uniform integer in 0 .. n-1 (n >= 1), exactly uniform (`Xoshiro256.NextInt`, multiply and reject).
let inline below (g: Rng) (n: int) = g.Bits.NextInt n

/// Standard normal deviate (Marsaglia's polar method; the second deviate of each pair is cached).
let normal (g: Rng) =
    if g.HasSpare then
        g.HasSpare <- false
        g.Spare
    else
        let mutable u = 0.0
        let mutable v = 0.0
        let mutable s = 0.0
        while s = 0.0 || s >= 1.0 do
            u <- 2.0 * uniform g - 1.0
            v <- 2.0 * uniform g - 1.0
            s <- u * u + v * v
        let m = sqrt (-2.0 * log s / s)
        g.Spare <- v * m
        g.HasSpare <- true
        u * m
