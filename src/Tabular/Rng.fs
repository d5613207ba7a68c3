/// A small seeded random source (xoshiro256**, seeded through SplitMix64) so that every run is
/// reproducible from its seed on any .NET version.
module Research.Tabular.Rng

/// Generator state (mutable: one per run, never shared between threads).
type Rng =
    { mutable S0: uint64
      mutable S1: uint64
      mutable S2: uint64
      mutable S3: uint64
      /// The second normal deviate of the last polar-method pair, when `HasSpare`.
      mutable Spare: float
      mutable HasSpare: bool }

let private splitMix (x: byref<uint64>) =
    x <- x + 0x9E3779B97F4A7C15UL
    let mutable z = x
    z <- (z ^^^ (z >>> 30)) * 0xBF58476D1CE4E5B9UL
    z <- (z ^^^ (z >>> 27)) * 0x94D049BB133111EBUL
    z ^^^ (z >>> 31)

/// A generator seeded from `seed` (any int, negative included).
let create (seed: int) : Rng =
    let mutable x = uint64 (int64 seed)
    let a = splitMix &x
    let b = splitMix &x
    let c = splitMix &x
    let d = splitMix &x
    { S0 = a; S1 = b; S2 = c; S3 = d; Spare = 0.0; HasSpare = false }

let inline private rotl (x: uint64) (k: int) = (x <<< k) ||| (x >>> (64 - k))

/// Next 64 random bits.
let nextUInt64 (g: Rng) =
    let result = rotl (g.S1 * 5UL) 7 * 9UL
    let t = g.S1 <<< 17
    g.S2 <- g.S2 ^^^ g.S0
    g.S3 <- g.S3 ^^^ g.S1
    g.S1 <- g.S1 ^^^ g.S2
    g.S0 <- g.S0 ^^^ g.S3
    g.S2 <- g.S2 ^^^ t
    g.S3 <- rotl g.S3 45
    result

/// Uniform on [0, 1) with 53 random bits.
let uniform (g: Rng) = float (nextUInt64 g >>> 11) * (1.0 / 9007199254740992.0)

/// Uniform integer in 0 .. n-1 (n >= 1), by rejection so it is exactly uniform.
let below (g: Rng) (n: int) =
    let bound = uint64 n
    let limit = System.UInt64.MaxValue - System.UInt64.MaxValue % bound
    let mutable x = nextUInt64 g
    while x >= limit do
        x <- nextUInt64 g
    int (x % bound)

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
