/// Guards for the optimised MinAtar code (docs/performance.md, "Environments"): long-run fingerprints
/// recorded from the straightforward implementation before the optimisation, and agreement of every
/// vectorised path with its scalar reference on random states.
module MinAtarFastPathTests

open System
open Expecto
open Research.DeepAgents.Environments
open Research.DeepAgents.Environments.MinAtar
open Research.Random
open EnvironmentsTestSupport

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

/// A second environment of `game` restored from a snapshot of `env` (to run the other code path on).
let private twinOf (env: MinAtarEnvironment) game =
    let twin = MinAtarEnvironment(game, noSticky)
    twin.RestoreState(ReadOnlySpan(env.SaveState()))
    twin

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

/// Asterix's observation written directly from docs/minatar.md and the game's public state.
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

/// Freeway's observation from docs/minatar.md: chicken, cars, and the trail behind each car (wrapping)
/// in speed{|speed|}.
let private freewaySpecObservation (g: Freeway) =
    let o = Array.zeroCreate<byte> 700
    o.[cellIndex 0 g.ChickenRow 4] <- 1uy
    for i in 0 .. 7 do
        let x, v = g.CarX i, g.CarSpeed i
        o.[cellIndex 1 (i + 1) x] <- 1uy
        let back = (x - sign v + 10) % 10
        o.[cellIndex (1 + abs v) (i + 1) back] <- 1uy
    o

let private randomFreeway (rng: Mt19937) =
    let env = MinAtarEnvironment("freeway", noSticky)
    let g = env.Game :?> Freeway
    g.ChickenRow <- rng.RandInt(1, 10)
    for i in 0 .. 7 do
        let speed = rng.RandInt(1, 6) * (if rng.RandInt(0, 2) = 0 then -1 else 1)
        // speed 0: sign(0) = 0
        g.SetCar(i, rng.RandInt(0, 10), rng.RandInt(0, 6), (if rng.RandInt(0, 40) = 0 then 0 else speed))
    env, g

/// Seaquest's observation from docs/minatar.md.
let private seaquestSpecObservation (g: Seaquest) =
    let o = Array.zeroCreate<byte> 1000
    let set c y x = if x >= 0 && x <= 9 then o.[cellIndex c y x] <- 1uy
    set 0 g.SubY g.SubX
    set 1 g.SubY (if g.SubFacesRight then g.SubX - 1 else g.SubX + 1)
    for x in 0 .. (max 0 g.Oxygen) * 10 / 200 - 1 do set 7 9 x
    for x in 9 - g.DiverCount .. 8 do set 8 9 x
    let draw (list: SeaquestEntities) channel trail =
        for i in 0 .. list.Count - 1 do
            set channel (list.Y i) (list.X i)
            if trail then set 3 (list.Y i) (if list.MovesRight i then list.X i - 1 else list.X i + 1)
    draw g.FriendlyBullets 2 false
    draw g.EnemyBullets 4 false
    draw g.Fish 5 true
    draw g.Subs 6 true
    draw g.Divers 9 true
    o

let private randomSeaquest (rng: Mt19937) =
    let env = MinAtarEnvironment("seaquest", noSticky)
    let g = env.Game :?> Seaquest
    g.SubX <- rng.RandInt(0, 10)
    g.SubY <- rng.RandInt(0, 9)
    g.SubFacesRight <- rng.RandInt(0, 2) = 1
    g.Oxygen <- rng.RandInt(-1, 201)
    g.DiverCount <- rng.RandInt(-1, 7)
    for list in [ g.FriendlyBullets; g.EnemyBullets; g.Fish; g.Subs; g.Divers ] do
        for _ in 1 .. rng.RandInt(0, 5) do
            list.Add(rng.RandInt(0, 10), rng.RandInt(1, 9), rng.RandInt(0, 2) = 1, rng.RandInt(0, 6), rng.RandInt(0, 11))
    env, g

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
    
        testList "observation buffers" [
            for game in MinAtarGames.Names ->
                test $"{game}: dirty buffers at any alignment get the same observation (bytes and floats)" {
                    let env = MinAtarEnvironment(game, EnvironmentOptions(Seed = 5))
                    let policy = Mt19937 6u
                    let size = env.Observation.Size
                    let big = Array.zeroCreate<byte> (size + 200)
                    let floats = Array.zeroCreate<float32> (size + 50)
                    for step in 1 .. 600 do
                        let r = env.Step(policy.RandInt(0, env.ActionCount))
                        let expected = observe env
                        let offset = step % 131
                        big.AsSpan().Fill(byte (step % 251 + 2))
                        env.Observe(Span(big, offset, size))
                        Expect.sequenceEqual (big.[offset .. offset + size - 1]) expected $"bytes at offset {offset}"
                        Expect.isTrue (big.[.. offset - 1] |> Array.forall (fun b -> b = byte (step % 251 + 2))) "nothing written before the buffer"
                        Expect.isTrue (big.[offset + size ..] |> Array.forall (fun b -> b = byte (step % 251 + 2))) "nothing written after the buffer"
                        floats.AsSpan().Fill 3.0f
                        env.Observe(Span(floats, step % 37, size))
                        Expect.sequenceEqual (floats.[step % 37 .. step % 37 + size - 1]) (expected |> Array.map float32) "floats"
                        if r.Done then env.Reset()
                }
        ]

        testList "Asterix" [
            test "observations of random states equal the rules' drawing, on the scalar and the vector path" {
                let rng = Mt19937 11u
                for _ in 1 .. 2000 do
                    let env, g = randomAsterix rng
                    let expected = asterixSpecObservation g
                    Expect.sequenceEqual (observe env) expected "Observe"
                    for vector in [ false; true ] do
                        g.UpdateCellsWith vector
                        Expect.sequenceEqual (observe env) expected $"cells computed with vector = {vector}"
            }
            test "the vector entity move equals the scalar one and the rules" {
                let rng = Mt19937 12u
                for _ in 1 .. 2000 do
                    let env, g = randomAsterix rng
                    let expected =
                        [ for slot in 0 .. 7 ->
                            if g.IsOccupied slot then
                                let x = g.EntityX slot + (if g.EntityMovesRight slot then 1 else -1)
                                (x >= 0 && x <= 9), x
                            else false, g.EntityX slot ]
                    let twin = twinOf env "asterix"
                    g.MoveEntitiesScalar()
                    (twin.Game :?> Asterix).MoveEntitiesVector()
                    Expect.sequenceEqual (twin.SaveState()) (env.SaveState()) "same state after the move"
                    Expect.equal [ for slot in 0 .. 7 -> g.IsOccupied slot, g.EntityX slot ] expected "rules: occupied slots move one column, off-grid ones are removed"
            }
        ]
    
        testList "Freeway" [
            test "observations of random states equal the rules' drawing, on the scalar and the vector path" {
                let rng = Mt19937 21u
                for _ in 1 .. 2000 do
                    let env, g = randomFreeway rng
                    let expected = freewaySpecObservation g
                    Expect.sequenceEqual (observe env) expected "Observe"
                    for vector in [ false; true ] do
                        let o = Array.zeroCreate<byte> 700
                        g.ObserveWith(Span o, vector)
                        Expect.sequenceEqual o expected $"vector = {vector}"
            }
            test "the vector car move equals the scalar one and the rules" {
                let rng = Mt19937 22u
                for _ in 1 .. 2000 do
                    let env, g = randomFreeway rng
                    let expected =
                        [ for i in 0 .. 7 ->
                            let x, t, v = g.CarX i, g.CarTimer i, g.CarSpeed i
                            if t = 0 then (x + sign v + 10) % 10, abs v, v else x, t - 1, v ]
                    let twin = twinOf env "freeway"
                    g.MoveCarsWith false
                    (twin.Game :?> Freeway).MoveCarsWith true
                    Expect.sequenceEqual (twin.SaveState()) (env.SaveState()) "same state after the move"
                    Expect.equal [ for i in 0 .. 7 -> g.CarX i, g.CarTimer i, g.CarSpeed i ] expected "rules: Style-B timers, wrap-around"
            }
        ]

        testList "Seaquest" [
            test "observations of random states equal the rules' drawing" {
                let rng = Mt19937 31u
                for _ in 1 .. 3000 do
                    let env, g = randomSeaquest rng
                    Expect.sequenceEqual (observe env) (seaquestSpecObservation g) "Observe"
            }
            test "a state with more entities than fit beside the buffer (130 fish) is drawn the same way" {
                let rng = Mt19937 32u
                let env, g = randomSeaquest rng
                for _ in 1 .. 130 do g.Fish.Add(rng.RandInt(0, 10), rng.RandInt(1, 9), rng.RandInt(0, 2) = 1, 0, 0)
                Expect.sequenceEqual (observe env) (seaquestSpecObservation g) "Observe with 130+ entities"
            }
            test "the observation and the state are the same wherever the buffer lies (the entities move away from it)" {
                let rng = Mt19937 33u
                let env, g = randomSeaquest rng
                let expected = seaquestSpecObservation g
                let before = env.SaveState()
                let twin = twinOf env "seaquest"
                let big = Array.zeroCreate<byte> 9000
                for offset in 0 .. 61 .. 8000 do
                    let o = Span(big, offset, 1000)
                    o.Fill 7uy
                    env.Observe o
                    Expect.sequenceEqual (o.ToArray()) expected $"buffer at offset {offset}"
                Expect.sequenceEqual (env.SaveState()) before "entities, their order and the timers are unchanged"
                // the moved entities go on as unmoved ones: step both, observing into fresh buffers each step
                for step in 1 .. 400 do
                    let a = rng.RandInt(0, 6)
                    let r1 = env.Step a
                    let r2 = twin.Step a
                    Expect.equal r1 r2 $"step {step}"
                    Expect.sequenceEqual (observe env) (observe twin) $"observation after step {step}"
                    if r1.Done then
                        env.Reset()
                        twin.Reset()
            }
            test "entity cells off the grid, negative timers and such snapshots are refused, naming the field and value" {
                let env = MinAtarEnvironment("seaquest", noSticky)
                let g = env.Game :?> Seaquest
                let column = catchExn<ArgumentOutOfRangeException> (fun () -> g.Fish.Add(10, 3, true, 0, 0))
                Expect.equal (column.ParamName, column.ActualValue) ("x", box 10) "the column and its value"
                Expect.stringContains column.Message "0..9" "what is allowed"
                let row = catchExn<ArgumentOutOfRangeException> (fun () -> g.Divers.Add(3, -1, true, 0, 0))
                Expect.equal (row.ParamName, row.ActualValue) ("y", box -1) "the row and its value"
                let timer = catchExn<ArgumentOutOfRangeException> (fun () -> g.ShotTimer <- -1)
                Expect.equal (timer.ParamName, timer.ActualValue) ("ShotTimer", box -1) "the timer and its value"
                Expect.stringContains timer.Message ">= 0" "what is allowed"
                // a saved state, patched: the game's fields as written by WriteState
                g.SubX <- 7; g.SubY <- 3; g.Oxygen <- 123; g.DiverCount <- 2; g.ShotTimer <- 4
                g.Fish.Add(6, 4, true, 3, 0)
                let state = env.SaveState()
                let bytesOf (parts: byte[] list) = Array.concat parts
                let indexOf (pattern: byte[]) =
                    let i = [ 0 .. state.Length - pattern.Length ] |> List.find (fun i -> state.[i .. i + pattern.Length - 1] = pattern)
                    i
                let i32 (v: int) = BitConverter.GetBytes v
                let patched at (v: int) = let s = Array.copy state in Array.blit (i32 v) 0 s at 4; s
                let player = indexOf (bytesOf [ i32 7; i32 3; [| 0uy |]; i32 123; i32 2; i32 4 ])
                let negativeTimer = catchExn<IO.InvalidDataException> (fun () -> env.RestoreState(ReadOnlySpan(patched (player + 17) (-1))))
                Expect.stringContains negativeTimer.Message "negative timer (shot -1" "names the timer and the value"
                let fish = indexOf (bytesOf [ i32 1; i32 6; i32 4; [| 1uy |]; i32 3; i32 0 ])
                let offGrid = catchExn<IO.InvalidDataException> (fun () -> env.RestoreState(ReadOnlySpan(patched (fish + 4) 12)))
                Expect.stringContains offGrid.Message "column 12, row 4" "names the cell"
                Expect.stringContains offGrid.Message "0..9" "what is allowed"
                let crowd = MinAtarEnvironment("seaquest", noSticky).Game :?> Seaquest
                for _ in 1 .. 4095 do crowd.Fish.Add(0, 1, true, 0, 0)
                let full = catchExn<InvalidOperationException> (fun () -> crowd.Fish.Add(0, 1, true, 0, 0))
                Expect.stringContains full.Message "at most 4095 entities; 4096 were needed" "the limit and the need"
            }
        ]

        testList "Breakout" [
            test "observations of random states equal the rules' drawing, bricks anywhere on the board" {
                let rng = Mt19937 41u
                for _ in 1 .. 2000 do
                    let env = MinAtarEnvironment("breakout", noSticky)
                    let g = env.Game :?> Breakout
                    g.Paddle <- rng.RandInt(0, 10)
                    g.BallX <- rng.RandInt(0, 10); g.BallY <- rng.RandInt(0, 10)
                    g.LastX <- rng.RandInt(0, 10); g.LastY <- rng.RandInt(0, 10)
                    let bricks = Array2D.init 10 10 (fun _ _ -> rng.RandInt(0, 3) = 0)
                    for y in 0 .. 9 do
                        for x in 0 .. 9 do g.SetBrick(y, x, bricks.[y, x])
                    let expected = Array.zeroCreate<byte> 400
                    expected.[cellIndex 0 9 g.Paddle] <- 1uy
                    expected.[cellIndex 1 g.BallY g.BallX] <- 1uy
                    expected.[cellIndex 2 g.LastY g.LastX] <- 1uy
                    for y in 0 .. 9 do
                        for x in 0 .. 9 do
                            if bricks.[y, x] then expected.[cellIndex 3 y x] <- 1uy
                            Expect.equal (g.HasBrick(y, x)) bricks.[y, x] "HasBrick"
                    Expect.equal g.BrickCount (bricks |> Seq.cast<bool> |> Seq.filter id |> Seq.length) "BrickCount"
                    Expect.sequenceEqual (observe env) expected "Observe"
                    let twin = twinOf env "breakout"
                    Expect.sequenceEqual (observe twin) expected "snapshot round trip of the board"
            }
        ]
    ]
