/// Atari preprocessing (docs/atari.md) on the synthetic ScriptedEmulator: pooling, area resize, frame skip,
/// life loss, game over, the step cap, sticky actions, no-op starts,
/// reward clipping, frame stacks, snapshots.
module AtariTests

open System
open System.IO
open System.Runtime.Intrinsics
open Expecto
open Research.DeepAgents.Environments
open Research.DeepAgents.Environments.Atari
open Research.Random
open EnvironmentsTestSupport

let private H, W = IAtariEmulator.ScreenHeight, IAtariEmulator.ScreenWidth

/// A script: screen painter, reward (frame, action), lives (frame), game-over frame, minimal set.
let private script painter (reward: int -> int -> int) (lives: int -> int) gameOver (minimal: int[]) =
    AtariScript(painter, Func<int, int, int>(reward), Func<int, int>(lives), gameOver, minimal)

/// A pattern in which different frames win the max at different pixels.
let private pattern (k: int) (r: int) (c: int) = byte (((r * 7 + c * 3 + k * 50) * 37) % 256)

let private patternScreen k = Array.init (H * W) (fun i -> pattern k (i / W) (i % W))

let private minimal = [| 0; 1; 3; 4 |]

let private make (s: AtariScript) (options: AtariOptions) =
    let emulator = new ScriptedEmulator(s)
    let env = new AtariPreprocessing(emulator, "/roms/scripted.bin", options)
    env, emulator

let private observeBytes (env: IEnvironment) =
    let o = Array.zeroCreate<byte> env.Observation.Size
    env.Observe(Span o)
    o

let private resize84 (screen: byte[]) =
    let out = Array.zeroCreate<byte> (84 * 84)
    AreaResize(H, W, 84, 84).Resize(ReadOnlySpan screen, Span out)
    out

let private resize (sh, sw, dh, dw) (source: byte[]) =
    let out = Array.zeroCreate<byte> (dh * dw)
    AreaResize(sh, sw, dh, dw).Resize(ReadOnlySpan source, Span out)
    out

/// The exact overlap-weighted average in double precision, computed directly per destination pixel.
let private directArea (sh, sw, dh, dw) (source: byte[]) =
    let sy, sx = float sh / float dh, float sw / float dw
    Array.init (dh * dw) (fun idx ->
        let i, j = idx / dw, idx % dw
        let y0, y1 = float i * sy, float (i + 1) * sy
        let x0, x1 = float j * sx, float (j + 1) * sx
        let mutable sum = 0.0
        for r in int (floor y0) .. min (sh - 1) (int (ceil y1)) do
            let oy = min y1 (float (r + 1)) - max y0 (float r)
            if oy > 0.0 then
                for c in int (floor x0) .. min (sw - 1) (int (ceil x1)) do
                    let ox = min x1 (float (c + 1)) - max x0 (float c)
                    if ox > 0.0 then sum <- sum + oy * ox * float source.[r * sw + c]
        sum / (sy * sx))

[<Tests>]
let resizeTests =
    testList "Atari area resize" [
        test "a constant image stays constant (210x160 -> 84x84 and 7x5 -> 3x2)" {
            for v in [ 0uy; 1uy; 128uy; 254uy; 255uy ] do
                Expect.isTrue (resize84 (Array.create (H * W) v) |> Array.forall ((=) v)) $"constant {v}, 210x160"
                Expect.isTrue (resize (7, 5, 3, 2) (Array.create 35 v) |> Array.forall ((=) v)) $"constant {v}, 7x5"
        }

        test "integer factor: 2x2 block means, ties rounded to even" {
            // blocks (row-major 4x4): means 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, 0.75 -> 1
            let src =
                [| 0uy; 1uy; 1uy; 2uy
                   0uy; 1uy; 1uy; 2uy
                   2uy; 3uy; 0uy; 1uy
                   2uy; 3uy; 1uy; 1uy |]
            Expect.equal (resize (4, 4, 2, 2) src) [| 0uy; 2uy; 2uy; 1uy |] "block means"
        }

        test "3x3 -> 2x2 by hand: weights 2/3 and 1/3 per axis" {
            // dst(0,0) = (4*0 + 2*30 + 2*90 + 1*120) / 9 = 40, dst(0,1) = (2*30
            // + 4*60 + 1*120 + 2*150) / 9 = 80, ...
            let src = [| 0uy; 30uy; 60uy; 90uy; 120uy; 150uy; 180uy; 210uy; 240uy |]
            Expect.equal (resize (3, 3, 2, 2) src) [| 40uy; 80uy; 160uy; 200uy |] "hand-computed"
        }

        test "210x160 -> 84x84 equals the direct double-precision overlap average, rounded" {
            let src = Array.init (H * W) (fun i -> let r, c = i / W, i % W in byte ((r * r + 3 * c + r * c / 7) % 256))
            let ours = resize84 src
            let direct = directArea (H, W, 84, 84) src
            let mutable ties = 0
            for i in 0 .. direct.Length - 1 do
                let d = direct.[i]
                if abs (d - floor d - 0.5) < 1e-9 then ties <- ties + 1
                else Expect.equal ours.[i] (byte (Math.Round d)) $"pixel {i}: direct {d}"
            Expect.isLessThan ties 200 "almost no exact ties (those are compared by the exact integer rule only)"
        }

        test "round half to even on exact fractions" {
            Expect.equal [ for n in 0 .. 8 -> AreaResize.RoundHalfToEven(n, 2) ] [ 0; 0; 1; 2; 2; 2; 3; 4; 4 ] "n / 2"
            Expect.equal (AreaResize.RoundHalfToEven(8, 3)) 3 "8/3 -> 3"
            Expect.equal (AreaResize.RoundHalfToEven(7, 3)) 2 "7/3 -> 2"
        }

        test "accelerated path equals the reference on random and adversarial 210x160 frames, ties included" {
            let r = AreaResize(H, W, 84, 84)
            Expect.equal r.IsAccelerated System.Runtime.Intrinsics.X86.Avx2.IsSupported "accelerated where AVX2 is"
            let rng = Mt19937 17u
            let random () = Array.init (H * W) (fun _ -> byte (rng.RandInt(0, 256)))
            // pixels in {v, v + 1}: many averages land on or next to .5
            // (odd and even v round ties differently)
            let twoLevel v = Array.init (H * W) (fun _ -> v + byte (rng.RandInt(0, 2)))
            let frames =
                [ yield! List.init 4 (fun _ -> random ())
                  for v in [ 0uy; 1uy; 100uy; 127uy; 128uy; 254uy ] do yield twoLevel v
                  yield Array.create (H * W) 255uy
                  // checkerboard
                  yield Array.init (H * W) (fun i -> if (i / W + i % W) % 2 = 0 then 255uy else 0uy)
                  // column stripes
                  yield Array.init (H * W) (fun i -> if i % W % 3 = 0 then 255uy else 0uy)
                  // row stripes
                  yield Array.init (H * W) (fun i -> if i / W % 5 < 2 then 1uy else 0uy)
                  yield patternScreen 3 ]
            let fast, reference = Array.zeroCreate<byte> (84 * 84), Array.zeroCreate<byte> (84 * 84)
            let mutable ties = 0
            for k, frame in List.indexed frames do
                r.Resize(ReadOnlySpan frame, Span fast)
                r.ResizeReference(ReadOnlySpan frame, Span reference)
                Expect.equal fast reference $"frame {k}"
                ties <- ties + (directArea (H, W, 84, 84) frame |> Array.filter (fun d -> abs (d - floor d - 0.5) < 1e-9) |> Array.length)
            Expect.isGreaterThan ties 100 "the frames contain exact .5 ties"
        }

        test "accelerated path equals the reference at random sizes (tails, padding, 1-pixel sides, many taps)" {
            let rng = Mt19937 23u
            let sizes =
                [ (1, 1, 1, 1); (7, 5, 3, 2); (8, 8, 8, 8); (9, 17, 9, 9); (3, 1000, 2, 7); (1000, 3, 1, 3); (250, 160, 100, 84)
                  yield! List.init 40 (fun _ ->
                      let sh, sw = rng.RandInt(1, 300), rng.RandInt(1, 300)
                      sh, sw, rng.RandInt(1, sh + 1), rng.RandInt(1, sw + 1)) ]
            for (sh, sw, dh, dw) in sizes do
                let r = AreaResize(sh, sw, dh, dw)
                for levels in [ 256; 2 ] do
                    let v = rng.RandInt(0, 255)
                    let frame = Array.init (sh * sw) (fun _ -> if levels = 2 then byte (v + rng.RandInt(0, 2)) else byte (rng.RandInt(0, 256)))
                    let fast, reference = Array.zeroCreate<byte> (dh * dw), Array.zeroCreate<byte> (dh * dw)
                    r.Resize(ReadOnlySpan frame, Span fast)
                    r.ResizeReference(ReadOnlySpan frame, Span reference)
                    Expect.equal fast reference $"{sh}x{sw} -> {dh}x{dw}, {levels} levels"
        }

        test "the accelerated division equals RoundHalfToEven: every numerator of 210x160, edges of the largest denominators" {
            let check (d: int) (ns: int[]) =
                let dv, inverse = Vector256.Create d, Vector256.Create(1.0f / float32 d)
                for k in 0 .. 8 .. ns.Length - 8 do
                    let q = AreaResizeAccelerated.DivideRoundHalfToEven(Vector256.Create<int>(ReadOnlySpan<int>(ns, k, 8)), dv, inverse)
                    for l in 0 .. 7 do
                        let n = ns.[k + l]
                        if q.[l] <> AreaResize.RoundHalfToEven(n, d) then failtest $"{n} / {d}: got {q.[l]}"
            check (H * W) (Array.init (255 * H * W + 8) (fun n -> min n (255 * H * W)))
            // n near every multiple and every tie of d, up to 255 d, where the float estimate is least sure
            for d in [ 3; 8; 33600; 1 <<< 22; Int32.MaxValue / 255 - 1; Int32.MaxValue / 255 ] do
                let ns =
                    [| for q in 0 .. 255 do
                         for base' in [ int64 q * int64 d; int64 q * int64 d + int64 (d / 2) ] do
                             for delta in -2L .. 2L do
                                 let n = base' + delta
                                 if n >= 0L && n <= 255L * int64 d then int n |]
                check d (Array.append ns (Array.zeroCreate (8 - ns.Length % 8)))
        }

        test "the accelerated resize allocates nothing per call" {
            let r = AreaResize(H, W, 84, 84)
            let src, out = patternScreen 1, Array.zeroCreate<byte> (84 * 84)
            let run () = for _ in 1 .. 200 do r.Resize(ReadOnlySpan src, Span out)
            run () // warm up (JIT)
            let before = GC.GetAllocatedBytesForCurrentThread()
            run ()
            Expect.equal (GC.GetAllocatedBytesForCurrentThread() - before) 0L "bytes allocated"
        }

        test "enlarging and empty sizes are rejected with the axis named" {
            let e = catchExn<ArgumentException> (fun () -> AreaResize(10, 10, 20, 5) |> ignore)
            Expect.stringContains e.Message "height" "axis"
            Expect.stringContains e.Message "only shrinks" "reason"
            catchExn<ArgumentException> (fun () -> AreaResize(10, 0, 5, 5) |> ignore) |> ignore
        }
    ]

[<Tests>]
let preprocessingTests =
    testList "Atari preprocessing" [
        test "observation is [1, 84, 84] Pixels; minimal and legal action sets" {
            let s = script (AtariScript.Constant(fun _ -> 7uy)) (fun _ _ -> 0) (fun _ -> 3) 1000 minimal
            let env, emu = make s (AtariOptions())
            Expect.equal env.Observation (ObservationSpec(1, 84, 84, ObservationKind.Pixels)) "spec"
            Expect.equal env.ActionCount 4 "minimal set size"
            Expect.equal (List.ofSeq env.ActionSet) (List.ofArray minimal) "action ids"
            Expect.equal env.Name "atari:scripted" "name from the ROM file"
            Expect.equal emu.RomPath "/roms/scripted.bin" "ROM path passed on"
            Expect.equal emu.Seed (AtariPreprocessing.EmulatorSeed 0) "emulator seeded with the derived seed"
            Expect.notEqual (AtariPreprocessing.EmulatorSeed 0) 0 "derived seed differs from the seed"
            let full, _ = make s (AtariOptions(MinimalActions = false))
            Expect.equal full.ActionCount 18 "legal set"
            let floats = Array.zeroCreate<float32> (84 * 84)
            env.Observe(Span floats)
            Expect.isTrue (floats |> Array.forall ((=) 7.0f)) "float observation 0..255"
            Expect.isTrue (observeBytes env |> Array.forall ((=) 7uy)) "byte observation"
        }

        test "max pooling over the last two frames of the skip, then area resize" {
            let s = script (AtariScript.FromPixels(fun k r c -> pattern k r c)) (fun _ _ -> 0) (fun _ -> 3) 1000 minimal
            let env, _ = make s (AtariOptions())
            Expect.equal (env.PooledScreen.ToArray()) (patternScreen 0) "after reset: the reset frame"
            Expect.equal (observeBytes env) (resize84 (patternScreen 0)) "reset observation"
            for step in 1 .. 2 do
                env.Step 0 |> ignore
                let expected = Array.map2 max (patternScreen (4 * step - 1)) (patternScreen (4 * step))
                Expect.equal (env.PooledScreen.ToArray()) expected $"step {step}: max of frames {4 * step - 1} and {4 * step}"
                Expect.isFalse (expected = patternScreen (4 * step)) "the max differs from the last frame alone"
                Expect.equal (observeBytes env) (resize84 expected) $"step {step}: resized pooled screen"
            let one, _ = make s (AtariOptions(FrameSkip = 1))
            one.Step 0 |> ignore
            Expect.equal (one.PooledScreen.ToArray()) (patternScreen 1) "frame skip 1: the frame itself"
        }

        test "frame skip repeats the action and sums the frames' rewards" {
            let s = script (AtariScript.Constant(fun _ -> 0uy)) (fun k a -> 10 * k + a) (fun _ -> 3) 1000 minimal
            let env, emu = make s (AtariOptions())
            let r1 = env.Step 2 // ALE action 3 (RIGHT)
            Expect.equal r1.Reward (float32 ((10 + 20 + 30 + 40) + 4 * 3)) "sum over frames 1..4"
            Expect.equal (List.ofSeq emu.ExecutedActions) [ 3; 3; 3; 3 ] "repeated four times"
            let r2 = env.Step 1
            Expect.equal r2.Reward (float32 ((50 + 60 + 70 + 80) + 4 * 1)) "frames 5..8"
            Expect.equal (env.LastStepFrames, emu.Frame, env.GameSteps) (4, 8, 2) "counters"
            Expect.equal env.GameReturn (float (r1.Reward + r2.Reward)) "game return"
            Expect.isFalse r2.Done "not done"
        }

        test "life loss: terminal for learning, the game continues at Reset" {
            let lives k = if k < 6 then 3 elif k < 14 then 2 else 1
            let s = script (AtariScript.FromPixels(fun k r c -> pattern k r c)) (fun _ _ -> 1) lives 1000 minimal
            let env, emu = make s (AtariOptions())
            Expect.isFalse (env.Step 0).Done "frames 1..4"
            let r = env.Step 0
            Expect.equal (r.Terminated, r.Truncated, r.Reward) (true, false, 2.0f) "life lost at frame 6: step ends after 2 frames"
            Expect.equal (env.LastStepFrames, env.Lives, env.GameEnded) (2, 2, false) "lives 2, game goes on"
            Expect.equal (env.PooledScreen.ToArray()) (Array.map2 max (patternScreen 5) (patternScreen 6)) "pooled frames 5 and 6"
            let before = observeBytes env
            env.Reset()
            Expect.equal (emu.Resets, emu.Frame, env.GameSteps, env.GameReturn) (1, 6, 2, 6.0) "no emulator reset; counters continue"
            Expect.equal (observeBytes env) before "observation unchanged"
            Expect.isFalse (env.Step 0).Done "frames 7..10"
            env.Reset() // not after a life loss: a new game
            Expect.equal (emu.Resets, emu.Frame, env.GameSteps) (2, 0, 0) "new game"

            let off, offEmu = make s (AtariOptions(TerminalOnLifeLoss = false))
            off.Step 0 |> ignore
            let r = off.Step 0
            Expect.equal (r.Terminated, off.LastStepLostLife, off.LastStepFrames, offEmu.Frame) (false, true, 4, 8) "option off: full skip, not terminal"
        }

        test "game over: terminated, game ended, later steps emulate nothing, Reset starts a new game" {
            let s = script (AtariScript.Constant(fun k -> byte k)) (fun _ _ -> -3) (fun _ -> 0) 10 minimal
            let env, emu = make s (AtariOptions())
            env.Step 0 |> ignore
            env.Step 0 |> ignore
            let r = env.Step 1
            Expect.equal (r.Terminated, r.Truncated, r.Reward, env.LastStepFrames) (true, false, -6.0f, 2) "frames 9 and 10"
            Expect.isTrue env.GameEnded "game ended"
            Expect.equal env.GameReturn -30.0 "raw return"
            let acted = emu.ExecutedActions.Count
            let again = env.Step 0
            Expect.equal (again.Reward, again.Terminated, emu.ExecutedActions.Count) (0.0f, true, acted) "nothing emulated"
            env.Reset()
            Expect.equal (emu.Resets, env.GameSteps, env.GameReturn, env.GameEnded) (2, 0, 0.0, false) "new game"
        }

        test "the step cap truncates (not terminates) and the next Reset is a new game" {
            let s = script (AtariScript.Constant(fun _ -> 1uy)) (fun _ _ -> 0) (fun k -> if k < 19 then 2 else 1) 100000 minimal
            let env, emu = make s (AtariOptions(MaxEpisodeSteps = 5))
            for i in 1 .. 4 do Expect.isFalse (env.Step 0).Done $"step {i}"
            let r = env.Step 0 // frames 17..19: loses a life at frame 19 and hits the cap
            Expect.equal (r.Terminated, r.Truncated, env.GameEnded) (true, false, true) "terminal step at the cap: terminated, game ended"
            env.Reset()
            Expect.equal (emu.Resets, env.GameSteps) (2, 0) "new game after the cap"
            let plain, plainEmu = make (script (AtariScript.Constant(fun _ -> 1uy)) (fun _ _ -> 0) (fun _ -> 3) 100000 minimal) (AtariOptions(MaxEpisodeSteps = 5))
            for _ in 1 .. 4 do plain.Step 0 |> ignore
            let r = plain.Step 0
            Expect.equal (r.Terminated, r.Truncated, plain.GameEnded, plainEmu.Frame) (false, true, true, 20) "truncated at step 5"
        }

        test "the paper's cap: 27000 agent steps = 108000 frames, then truncated" {
            let s = script (AtariScript.Constant(fun k -> byte (k % 251))) (fun _ _ -> 1) (fun _ -> 5) Int32.MaxValue minimal
            let env, emu = make s (AtariOptions())
            emu.RecordActions <- false
            let mutable firstDone = 0
            let mutable step = 0
            while firstDone = 0 do
                step <- step + 1
                if (env.Step(step % 4)).Done then firstDone <- step
            Expect.equal firstDone 27000 "first done at step 27000"
            Expect.equal (env.Step 0) (StepResult(0.0f, false, true)) "repeats truncation without emulating"
            Expect.equal (emu.Frame, env.GameReturn) (108000, 108000.0) "frames and return"
        }

        test "sticky actions: per frame, with probability p the previous executed action, from the seeded stream" {
            let s = script (AtariScript.Constant(fun _ -> 0uy)) (fun _ _ -> 0) (fun _ -> 3) Int32.MaxValue minimal
            let run seed p =
                let env, emu = make s (AtariOptions(Seed = seed, StickyActionProbability = p))
                for i in 0 .. 499 do env.Step(i % 4) |> ignore
                List.ofSeq emu.ExecutedActions
            let agent = [ for i in 0 .. 499 do for _ in 1 .. 4 -> minimal.[i % 4] ]
            Expect.equal (run 3 0.0) agent "p = 0: the agent's actions"
            Expect.isTrue (run 3 1.0 |> List.forall ((=) 0)) "p = 1: NOOP forever (the previous action starts at NOOP)"
            Expect.equal (run 5 0.25) (run 5 0.25) "same seed, same actions"
            Expect.notEqual (run 5 0.25) (run 6 0.25) "another seed, other actions"
            // Reference: one MT19937 draw per frame, seeded with the environment seed.
            let rng = Mt19937 5u
            let mutable previous = 0
            let expected =
                [ for a in agent ->
                    let executed = if rng.NextDouble() < 0.25 then previous else a
                    previous <- executed
                    executed ]
            Expect.equal (run 5 0.25) expected "draws from Mt19937(seed)"
            // The agent's action changes every step, so frame f (1..4) of a step differs from it exactly when
            // frames 1..f were all sticky: expected rate (p + p^2 + p^3 + p^4) / 4 = 0.083 for p = 0.25.
            let changed = List.map2 (fun e a -> e <> a) (run 9 0.25) agent |> List.filter id |> List.length
            let rate = float changed / 2000.0
            Expect.isGreaterThan rate 0.05 "sticky rate above 0.05"
            Expect.isLessThan rate 0.12 "sticky rate below 0.12"
        }

        test "no-op starts: 1..NoopMax no-op frames from the seeded stream, rewards dropped" {
            let s = script (AtariScript.Constant(fun _ -> 0uy)) (fun _ _ -> 100) (fun _ -> 3) 1000 minimal
            let env, emu = make s (AtariOptions(Seed = 3, NoopMax = 30))
            let n = Mt19937(3u).RandInt(1, 31)
            Expect.equal emu.Frame n "frames after the start"
            Expect.isTrue (emu.ExecutedActions |> Seq.forall ((=) 0)) "all NOOP"
            Expect.equal (env.GameReturn, env.GameSteps) (0.0, 0) "no reward counted"
            let short = script (AtariScript.Constant(fun _ -> 0uy)) (fun _ _ -> 0) (fun _ -> 3) 2 minimal
            Expect.isGreaterThan n 2 "precondition: this seed draws more no-ops than the 2-frame game lasts"
            let _, shortEmu = make short (AtariOptions(Seed = 3, NoopMax = 30))
            Expect.isFalse shortEmu.GameOver "a game that ends during the no-ops is reset"
            Expect.isGreaterThan shortEmu.Resets 1 "reset again"
        }

        test "rewards: raw in StepResult, clipped to [-1, 1] for learning" {
            let s = script (AtariScript.Constant(fun _ -> 0uy)) (fun k _ -> if k <= 4 then 5 elif k <= 8 then -7 else 0) (fun _ -> 3) 1000 minimal
            let env, _ = make s (AtariOptions())
            let expected = [ 20.0f, 1.0f; -28.0f, -1.0f; 0.0f, 0.0f ]
            for raw, clipped in expected do
                let r = env.Step 0
                Expect.equal (r.Reward, env.LastRawReward, env.LastClippedReward) (raw, raw, clipped) "raw and clipped"
            Expect.equal (AtariPreprocessing.ClipReward 0.5f) 0.5f "inside the range unchanged"
            Expect.equal env.GameReturn -8.0 "reported return is raw"
        }

        test "snapshot round trip continues identically (sticky stream, counters, screens)" {
            let s = script (AtariScript.FromPixels(fun k r c -> pattern k r c)) (fun k a -> k % 3 + a) (fun k -> 5 - k / 9) 200 minimal
            let options = AtariOptions(Seed = 4, StickyActionProbability = 0.3)
            let env, _ = make s options
            for i in 0 .. 9 do env.Step(i % 4) |> ignore
            let state = env.SaveState()
            let trace (e: AtariPreprocessing) =
                [ for i in 0 .. 14 ->
                    let r = e.Step((i * 3) % 4)
                    let t = r, observeBytes e, e.Lives
                    if r.Done then e.Reset()
                    t ]
            let original = trace env
            let copy, _ = make s (AtariOptions(Seed = 99, StickyActionProbability = 0.3))
            copy.RestoreState(ReadOnlySpan state)
            Expect.equal (trace copy) original "same continuation"
            let other, _ = make s (AtariOptions(Seed = 4, StickyActionProbability = 0.1))
            let e = catchExn<InvalidDataException> (fun () -> other.RestoreState(ReadOnlySpan state))
            Expect.stringContains e.Message "sticky=0.3" "names the mismatch"
        }

        test "Step, Reset and Observe allocate nothing" {
            let s = script (AtariScript.Constant(fun k -> byte k)) (fun _ _ -> 1) (fun k -> 3 - (k / 400) % 3) 2000 minimal
            let env, emu = make s (AtariOptions())
            emu.RecordActions <- false
            let obs = Array.zeroCreate<byte> (84 * 84)
            let floats = Array.zeroCreate<float32> (84 * 84)
            let run () =
                for i in 0 .. 1199 do // 4800 frames: life losses and two game overs
                    if (env.Step(i % 4)).Done then env.Reset()
                    env.Observe(Span obs)
                    env.Observe(Span floats)
            run () // warm up (JIT)
            let before = GC.GetAllocatedBytesForCurrentThread()
            run ()
            Expect.equal (GC.GetAllocatedBytesForCurrentThread() - before) 0L "bytes allocated"
        }
    ]

[<Tests>]
let frameStackTests =
    testList "Atari frame stack" [
        test "zero frames at reset, newest last, one shift per step, zeroed again after a life loss" {
            let lives k = if k < 10 then 3 else 2
            let s = script (AtariScript.Constant(fun k -> byte (10 * k + 1))) (fun _ _ -> 0) lives 1000 minimal
            let inner, _ = make s (AtariOptions())
            let stack = new FrameStack(inner, 4)
            Expect.equal stack.Observation (ObservationSpec(4, 84, 84, ObservationKind.Pixels)) "[4, 84, 84]"
            let channels () =
                let o = observeBytes stack
                [ for ch in 0 .. 3 ->
                    let plane = o.[ch * 7056 .. ch * 7056 + 7055]
                    Expect.isTrue (plane |> Array.forall ((=) plane.[0])) "constant plane"
                    int plane.[0] ]
            Expect.equal (channels ()) [ 0; 0; 0; 1 ] "reset: three zero frames and frame 0"
            stack.Step 0 |> ignore
            Expect.equal (channels ()) [ 0; 0; 1; 41 ] "after step 1: max(frames 3, 4) = 41"
            stack.Step 0 |> ignore
            Expect.equal (channels ()) [ 0; 1; 41; 81 ] "after step 2"
            let r = stack.Step 0 // frames 9, 10: life lost at 10
            Expect.isTrue r.Terminated "life loss"
            Expect.equal (channels ()) [ 1; 41; 81; 101 ] "after step 3"
            stack.Reset()
            Expect.equal (channels ()) [ 0; 0; 0; 101 ] "reset after a life loss: zeroed, current frame last"
            Expect.equal (stack.GameSteps, stack.Lives, stack.GameEnded) (3, 2, false) "game reporting forwarded"
            let floats = Array.zeroCreate<float32> (4 * 7056)
            stack.Observe(Span floats)
            Expect.equal floats.[3 * 7056] 101.0f "float observation"
        }

        test "snapshot round trip includes the stack" {
            let s = script (AtariScript.Constant(fun k -> byte (k % 200))) (fun _ _ -> 0) (fun _ -> 3) 1000 minimal
            let a = new FrameStack(fst (make s (AtariOptions())), 4)
            for _ in 1 .. 3 do a.Step 1 |> ignore
            let state = a.SaveState()
            let b = new FrameStack(fst (make s (AtariOptions())), 4)
            b.RestoreState(ReadOnlySpan state)
            Expect.equal (observeBytes b) (observeBytes a) "same stack"
            a.Step 2 |> ignore
            b.Step 2 |> ignore
            Expect.equal (observeBytes b) (observeBytes a) "same after a step"
        }
    ]

[<Tests>]
let errorTests =
    testList "Atari errors" [
        test "invalid options name the field, the value and what is allowed" {
            let e = catchExn<ArgumentException> (fun () -> AtariOptions(FrameSkip = 0).Validate())
            Expect.stringContains e.Message "AtariOptions.FrameSkip must be >= 1, got 0" "frame skip"
            let e = catchExn<ArgumentException> (fun () -> AtariOptions(StickyActionProbability = 1.5).Validate())
            Expect.stringContains e.Message "in [0, 1], got 1.5" "sticky"
            let e = catchExn<ArgumentException> (fun () -> AtariScript(AtariScript.Constant(fun _ -> 0uy), Func<_, _, _>(fun _ _ -> 0), Func<_, _>(fun _ -> 0), 5, [| 0; 18 |]).Validate())
            Expect.stringContains e.Message "action id 18" "action set"
        }

        test "an action outside the set is rejected" {
            let env, _ = make (script (AtariScript.Constant(fun _ -> 0uy)) (fun _ _ -> 0) (fun _ -> 3) 10 minimal) (AtariOptions())
            let e = catchExn<ArgumentOutOfRangeException> (fun () -> env.Step 4 |> ignore)
            Expect.stringContains e.Message "0..3" "range"
        }

        test "a missing ALE shim: what was looked for, where, and the build command" {
            let path = Path.Combine(Path.GetTempPath(), "no-such-dir", "libprox_ale.so")
            let e = catchExn<DllNotFoundException> (fun () -> new NativeAleEmulator(path) |> ignore)
            Expect.stringContains e.Message path "the path"
            Expect.stringContains e.Message "AtariOptions.AleLibrary" "where the path came from"
            Expect.stringContains e.Message "ALE_LIBRARY" "the environment variable"
            Expect.stringContains e.Message "docs/atari.md" "the docs"
            Expect.stringContains e.Message "bash native/ale/build.sh" "the build command"
            let struct (resolved, source) = AleLibrary.Resolve path
            Expect.equal (resolved, source) (path, "AtariOptions.AleLibrary") "explicit path wins"
        }

        test "ROM lookup: no directory, missing file, bad game name" {
            if isNull (Environment.GetEnvironmentVariable AtariEnvironment.RomDirectoryVariable) then
                let e = catchExn<ArgumentException> (fun () -> AtariEnvironment.RomPath("breakout", null) |> ignore)
                Expect.stringContains e.Message "ALE_ROM_DIR" "names the variable"
            let dir = Path.Combine(Path.GetTempPath(), $"roms-{Guid.NewGuid():N}")
            Directory.CreateDirectory dir |> ignore
            try
                let e = catchExn<FileNotFoundException> (fun () -> AtariEnvironment.RomPath("breakout", dir) |> ignore)
                Expect.stringContains e.Message (Path.Combine(dir, "breakout.bin")) "names the file"
                File.WriteAllBytes(Path.Combine(dir, "pong.bin"), [| 0uy |])
                Expect.equal (AtariEnvironment.RomPath("pong", dir)) (Path.Combine(dir, "pong.bin")) "found"
            finally
                Directory.Delete(dir, true)
            let e = catchExn<ArgumentException> (fun () -> AtariEnvironment.Create("atari:Space Invaders") |> ignore)
            Expect.stringContains e.Message "'Space Invaders'" "names the game"
        }

        test "action names follow the ALE" {
            Expect.equal [ for a in 0 .. 17 -> AtariActions.Name a ].[10..12] [ "UPFIRE"; "RIGHTFIRE"; "LEFTFIRE" ] "names"
            Expect.equal (int AtariAction.DownLeftFire) 17 "enum ids"
        }
    ]
