/// Guards for the optimised MinAtar code (docs/performance.md, "Environments"): long-run fingerprints
/// recorded from the straightforward implementation before the optimisation, and agreement of every
/// vectorised path with its scalar reference on random states.
module MinAtarFastPathTests

open System
open Expecto
open Research.DeepAgents.Environments
open Research.DeepAgents.Environments.MinAtar
open Research.DeepAgents.Random

let private fnvOffset = 14695981039346656037UL
let private fnv (h: uint64) (b: byte) = (h ^^^ uint64 b) * 1099511628211UL
let private fnvInt (h: uint64) (v: int) =
    let mutable h = h
    for i in 0 .. 3 do h <- fnv h (byte (v >>> (8 * i)))
    h

/// FNV-1a over every observation byte, reward and terminal flag of a run of `steps` acts, with a policy
/// that repeats its previous action with probability 0.8 (long runs reach deeper states than uniform
/// actions) and a snapshot round trip into a fresh environment every 1000 steps.
let fingerprint (game: string) (options: EnvironmentOptions) (policySeed: uint32) (steps: int) =
    let mutable env = MinAtarEnvironment(game, options)
    let policy = Mt19937 policySeed
    let obs = Array.zeroCreate<byte> env.Observation.Size
    let mutable h = fnvOffset
    let mutable previous = 0
    for t in 1 .. steps do
        let a = if policy.NextDouble() < 0.8 then previous else policy.RandInt(0, env.ActionCount)
        previous <- a
        let r = env.Step a
        env.Observe(Span obs)
        for b in obs do h <- fnv h b
        h <- fnvInt h (int r.Reward)
        h <- fnv h (if r.Terminated then 1uy else 0uy)
        if t % 1000 = 0 then
            let other = EnvironmentOptions(Seed = options.Seed + 100, StickyActionProbability = options.StickyActionProbability, DifficultyRamping = options.DifficultyRamping, MinimalActions = options.MinimalActions)
            let fresh = MinAtarEnvironment(game, other)
            fresh.RestoreState(ReadOnlySpan(env.SaveState()))
            env <- fresh
        if r.Done then env.Reset()
    h

let private fingerprintConfigs =
    [ EnvironmentOptions(Seed = 0, StickyActionProbability = 0.1, DifficultyRamping = true)
      EnvironmentOptions(Seed = 1, StickyActionProbability = 0.0, DifficultyRamping = false)
      EnvironmentOptions(Seed = 2, StickyActionProbability = 0.25, DifficultyRamping = true, MinimalActions = true)
      EnvironmentOptions(Seed = 3, StickyActionProbability = 0.0, DifficultyRamping = true) ]

/// One combined fingerprint per game over all configurations (two policy seeds each, 15000 steps).
let gameFingerprint game =
    let mutable h = fnvOffset
    for options in fingerprintConfigs do
        for policySeed in [ 7u; 8u ] do
            let f = fingerprint game options policySeed 15000
            for i in 0 .. 7 do h <- fnv h (byte (f >>> (8 * i)))
    h

/// Recorded from the implementation before the performance work (commit 7e27c98).
let private expectedFingerprints =
    [ "asterix", 0xee97af89a49b376fUL
      "breakout", 0x10193bf20406dd03UL
      "freeway", 0x7e2b794efdb72c56UL
      "seaquest", 0xa84eaf174923576aUL
      "space_invaders", 0x6cc8a75a211dffc2UL ]

let private noSticky = EnvironmentOptions(Seed = 0, StickyActionProbability = 0.0, DifficultyRamping = true)
let private cellIndex channel row col = (channel * 10 + row) * 10 + col
let private observe (env: MinAtarEnvironment) =
    let o = Array.zeroCreate<byte> env.Observation.Size
    env.Observe(Span o)
    o

/// An Asterix state with random slots: occupied ones on the grid, empty ones with leftover columns -1..10.
let private randomAsterix (rng: Mt19937) =
    let env = MinAtarEnvironment("asterix", noSticky)
    let g = env.Game :?> Asterix
    g.PlayerX <- rng.RandInt(0, 10)
    g.PlayerY <- rng.RandInt(1, 9)
    for slot in 0 .. 7 do
        let right, gold = rng.RandInt(0, 2) = 1, rng.RandInt(0, 2) = 1
        if rng.RandInt(0, 3) = 0 then
            g.SetEntity(slot, rng.RandInt(-1, 11), right, gold)
            g.ClearEntity slot
        else g.SetEntity(slot, rng.RandInt(0, 10), right, gold)
    env, g

/// Asterix's observation written directly from the spec and the game's public state.
let private asterixSpecObservation (g: Asterix) =
    let o = Array.zeroCreate<byte> 400
    o.[cellIndex 0 g.PlayerY g.PlayerX] <- 1uy
    for slot in 0 .. 7 do
        if g.IsOccupied slot then
            let x = g.EntityX slot
            o.[cellIndex (if g.EntityIsGold slot then 3 else 1) (slot + 1) x] <- 1uy
            let back = if g.EntityMovesRight slot then x - 1 else x + 1
            if back >= 0 && back <= 9 then o.[cellIndex 2 (slot + 1) back] <- 1uy
    o

[<Tests>]
let tests =
    testList "MinAtar fast paths" [
        testList "long-run fingerprints equal the pre-optimisation implementation" [
            for game, expected in expectedFingerprints ->
                test game {
                    let got = gameFingerprint game
                    Expect.equal (sprintf "%016x" got) (sprintf "%016x" expected) $"FNV-1a of 120000 steps of observations, rewards and terminals (got {got:x16})"
                }
        ]
    
        testList "Asterix" [
            test "observations of random states equal the spec's drawing, on the scalar and the vector path" {
                let rng = Mt19937 11u
                for _ in 1 .. 2000 do
                    let env, g = randomAsterix rng
                    let expected = asterixSpecObservation g
                    Expect.sequenceEqual (observe env) expected "Observe"
                    for vector in [ false; true ] do
                        g.UpdateCellsWith vector
                        Expect.sequenceEqual (observe env) expected $"cells computed with vector = {vector}"
            }
            test "the vector entity move equals the scalar one and the spec" {
                let rng = Mt19937 12u
                for _ in 1 .. 2000 do
                    let env, g = randomAsterix rng
                    let expected =
                        [ for slot in 0 .. 7 ->
                            if g.IsOccupied slot then
                                let x = g.EntityX slot + (if g.EntityMovesRight slot then 1 else -1)
                                (x >= 0 && x <= 9), x
                            else false, g.EntityX slot ]
                    let state = env.SaveState()
                    let twin = MinAtarEnvironment("asterix", noSticky)
                    twin.RestoreState(ReadOnlySpan state)
                    g.MoveEntitiesScalar()
                    (twin.Game :?> Asterix).MoveEntitiesVector()
                    Expect.sequenceEqual (twin.SaveState()) (env.SaveState()) "same state after the move"
                    Expect.equal [ for slot in 0 .. 7 -> g.IsOccupied slot, g.EntityX slot ] expected "spec: occupied slots move one column, off-grid ones are removed"
            }
        ]
    ]
