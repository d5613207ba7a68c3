/// The environment contract: factory, options, errors, allocation-free
/// stepping, snapshots, vectorised stepping.
module EnvironmentsTests

open System
open System.IO
open Expecto
open Research.DeepAgents.Environments
open Research.DeepAgents.Environments.MinAtar
open EnvironmentsTestSupport

let private minatarIds = EnvironmentFactory.Ids |> Seq.filter (fun id -> id.StartsWith "minatar:") |> List.ofSeq

/// Steps with the given actions (resetting on done) and records rewards, flags and float observations.
let private rollout (env: IEnvironment) (acts: int[]) =
    let obs = Array.zeroCreate<float32> env.Observation.Size
    [ for a in acts ->
        let r = env.Step a
        if r.Done then env.Reset()
        env.Observe(Span obs)
        (r, Array.copy obs) ]

[<Tests>]
let tests =
    testList "Environments" [
        testList "factory" [
            test "ids: the five MinAtar games and cartpole" {
                Expect.equal (List.ofSeq EnvironmentFactory.Ids)
                    [ "minatar:asterix"; "minatar:breakout"; "minatar:freeway"; "minatar:seaquest"; "minatar:space_invaders"; "cartpole" ] "ids"
            }
            test "observation shapes and action counts" {
                let shape id =
                    let e = EnvironmentFactory.Create(id, EnvironmentOptions())
                    (e.Name, e.Observation.Channels, e.Observation.Height, e.Observation.Width, e.Observation.Kind, e.ActionCount)
                Expect.equal (shape "minatar:asterix") ("minatar:asterix", 4, 10, 10, ObservationKind.Binary, 6) "asterix"
                Expect.equal (shape "minatar:freeway") ("minatar:freeway", 7, 10, 10, ObservationKind.Binary, 6) "freeway"
                Expect.equal (shape "minatar:seaquest") ("minatar:seaquest", 10, 10, 10, ObservationKind.Binary, 6) "seaquest"
                Expect.equal (shape "minatar:space_invaders") ("minatar:space_invaders", 6, 10, 10, ObservationKind.Binary, 6) "space invaders"
                Expect.equal (shape "cartpole") ("cartpole", 1, 1, 4, ObservationKind.Features, 2) "cartpole"
            }
            test "unknown id names the id and lists the allowed ones" {
                let e = catchExn<ArgumentException> (fun () -> EnvironmentFactory.Create("minatar:pong", EnvironmentOptions()) |> ignore)
                Expect.stringContains e.Message "'minatar:pong'" "names the id"
                Expect.stringContains e.Message "minatar:space_invaders, cartpole" "lists the allowed ids"
            }
            test "sticky probability outside [0, 1] is rejected with the field and value" {
                for p in [ -0.1; 1.5; Double.NaN ] do
                    let e = catchExn<ArgumentException> (fun () -> EnvironmentFactory.Create("minatar:breakout", EnvironmentOptions(StickyActionProbability = p)) |> ignore)
                    Expect.stringContains e.Message "StickyActionProbability" "names the field"
                    Expect.stringContains e.Message "[0, 1]" "says what is allowed"
                Expect.equal (EnvironmentFactory.Create("minatar:breakout", EnvironmentOptions(StickyActionProbability = 1.0))).ActionCount 6 "1 is allowed"
            }
            test "negative seed is rejected" {
                let e = catchExn<ArgumentException> (fun () -> EnvironmentFactory.Create("cartpole", EnvironmentOptions(Seed = -1)) |> ignore)
                Expect.stringContains e.Message "Seed must be >= 0, got -1" "message"
            }
            test "an action outside the action range is rejected with the range" {
                let env = EnvironmentFactory.Create("minatar:breakout", EnvironmentOptions(MinimalActions = true))
                for a in [ -1; 3 ] do
                    let e = catchExn<ArgumentOutOfRangeException> (fun () -> env.Step a |> ignore)
                    Expect.stringContains e.Message "0..2" "allowed range"
                    Expect.stringContains e.Message "minimal" "which set"
                let cp = EnvironmentFactory.Create("cartpole", EnvironmentOptions())
                let e = catchExn<ArgumentOutOfRangeException> (fun () -> cp.Step 2 |> ignore)
                Expect.stringContains e.Message "0 (push left) or 1" "cartpole range"
            }
            test "a too-small observation buffer is rejected" {
                let env = EnvironmentFactory.Create("minatar:seaquest", EnvironmentOptions())
                let e = catchExn<ArgumentException> (fun () -> env.Observe(Span(Array.zeroCreate<byte> 999)))
                Expect.stringContains e.Message "needs 1000" "names the size"
            }
            test "same seed, same trajectory; different seed, different trajectory" {
                let acts = actions 3 6 3000
                let run seed = rollout (EnvironmentFactory.Create("minatar:asterix", EnvironmentOptions(Seed = seed))) acts
                Expect.equal (run 7) (run 7) "deterministic"
                Expect.notEqual (run 7) (run 8) "seed matters"
            }
        ]

        testList "observations" [
            for id in minatarIds ->
                test $"{id}: float and byte observations agree and are 0/1" {
                    let env = EnvironmentFactory.Create(id, EnvironmentOptions(Seed = 1))
                    let bytes = Array.zeroCreate<byte> env.Observation.Size
                    let floats = Array.zeroCreate<float32> env.Observation.Size
                    for a in actions 1 6 300 do
                        if (env.Step a).Done then env.Reset()
                        env.Observe(Span bytes)
                        env.Observe(Span floats)
                        Expect.isTrue (bytes |> Array.forall (fun b -> b <= 1uy)) "binary"
                        Expect.equal floats (bytes |> Array.map float32) "same values"
                }
        ]

        testList "no allocation per step" [
            for id in EnvironmentFactory.Ids ->
                test $"{id}: Step, Observe and Reset allocate nothing" {
                    let env = EnvironmentFactory.Create(id, EnvironmentOptions(Seed = 2))
                    let acts = actions 2 env.ActionCount 20000
                    let floats = Array.zeroCreate<float32> env.Observation.Size
                    let bytes = Array.zeroCreate<byte> env.Observation.Size
                    let binary = env.Observation.Kind <> ObservationKind.Features
                    let run () =
                        for a in acts do
                            if (env.Step a).Done then env.Reset()
                            env.Observe(Span floats)
                            if binary then env.Observe(Span bytes)
                    run () // warm up (JIT, Seaquest's entity lists reach their working size)
                    let before = GC.GetAllocatedBytesForCurrentThread()
                    run ()
                    Expect.equal (GC.GetAllocatedBytesForCurrentThread() - before) 0L "bytes allocated"
                }
        ]

        testList "snapshots" [
            for id in EnvironmentFactory.Ids do
                test $"{id}: restoring a mid-episode snapshot continues identically" {
                    let options = EnvironmentOptions(Seed = 5, StickyActionProbability = 0.25)
                    let env = EnvironmentFactory.Create(id, options)
                    let acts = actions 5 env.ActionCount 1200
                    rollout env acts.[.. 399] |> ignore
                    let snapshot = (env :?> ISnapshotEnvironment).SaveState()
                    let expected = rollout env acts.[400 ..]
                    // into the same object and into a fresh one with another seed
                    (env :?> ISnapshotEnvironment).RestoreState(ReadOnlySpan snapshot)
                    Expect.equal (rollout env acts.[400 ..]) expected "same object"
                    let fresh = EnvironmentFactory.Create(id, EnvironmentOptions(Seed = 99, StickyActionProbability = 0.25))
                    (fresh :?> ISnapshotEnvironment).RestoreState(ReadOnlySpan snapshot)
                    Expect.equal (rollout fresh acts.[400 ..]) expected "fresh object"
                }
            test "a snapshot of another game or other options is rejected" {
                let breakout = MinAtarEnvironment("breakout", EnvironmentOptions())
                let snapshot = breakout.SaveState()
                let asterix = MinAtarEnvironment("asterix", EnvironmentOptions())
                let e = catchExn<InvalidDataException> (fun () -> asterix.RestoreState(ReadOnlySpan snapshot))
                Expect.stringContains e.Message "minatar:breakout" "names the saved game"
                let other = MinAtarEnvironment("breakout", EnvironmentOptions(StickyActionProbability = 0.0))
                let e2 = catchExn<InvalidDataException> (fun () -> other.RestoreState(ReadOnlySpan snapshot))
                Expect.stringContains e2.Message "sticky=0.1" "names the options"
                let e3 = catchExn<InvalidDataException> (fun () -> breakout.RestoreState(ReadOnlySpan snapshot.[.. 40]))
                Expect.stringContains e3.Message "Truncated" "truncated state"
            }
        ]

        testList "vectorised" [
            test "N copies give the same trajectories as N independent environments, with auto-reset" {
                let n = 4
                let options = EnvironmentOptions(Seed = 10, StickyActionProbability = 0.1)
                let vec = VectorEnvironment.Create("minatar:breakout", options, n)
                let singles = Array.init n (fun i -> EnvironmentFactory.Create("minatar:breakout", EnvironmentOptions(Seed = 10 + i, StickyActionProbability = 0.1)))
                let size = vec.Observation.Size
                let obs = Array.zeroCreate<byte> (n * size)
                let final = Array.zeroCreate<byte> (n * size)
                let rewards = Array.zeroCreate<float32> n
                let term = Array.zeroCreate<bool> n
                let trunc = Array.zeroCreate<bool> n
                let single = Array.zeroCreate<byte> size
                let acts = actions 11 6 (n * 2000)
                let mutable episodes = 0
                vec.Reset(Span obs)
                for e in singles do e.Reset()
                for t in 0 .. 1999 do
                    let a = acts.[t * n .. t * n + n - 1]
                    vec.Step(ReadOnlySpan a, Span obs, Span rewards, Span term, Span trunc, Span final)
                    for i in 0 .. n - 1 do
                        let r = singles.[i].Step a.[i]
                        Expect.equal (rewards.[i], term.[i], trunc.[i]) (r.Reward, r.Terminated, r.Truncated) $"step {t} env {i}"
                        if r.Done then
                            singles.[i].Observe(Span single)
                            Expect.equal final.[i * size .. (i + 1) * size - 1] single "final observation"
                            singles.[i].Reset()
                            episodes <- episodes + 1
                        singles.[i].Observe(Span single)
                        Expect.equal obs.[i * size .. (i + 1) * size - 1] single $"observation at step {t} env {i}"
                Expect.isGreaterThan episodes 10 "auto-reset exercised"
            }
            test "vectorised stepping allocates nothing" {
                let vec = VectorEnvironment.Create("minatar:seaquest", EnvironmentOptions(), 8)
                let obs = Array.zeroCreate<float32> (8 * vec.Observation.Size)
                let rewards = Array.zeroCreate<float32> 8
                let term = Array.zeroCreate<bool> 8
                let trunc = Array.zeroCreate<bool> 8
                let acts = actions 4 6 8
                let run () =
                    for _ in 1 .. 3000 do vec.Step(ReadOnlySpan acts, Span obs, Span rewards, Span term, Span trunc)
                run ()
                let before = GC.GetAllocatedBytesForCurrentThread()
                run ()
                Expect.equal (GC.GetAllocatedBytesForCurrentThread() - before) 0L "bytes allocated"
            }
            test "buffers too small and mismatched environments are rejected" {
                let vec = VectorEnvironment.Create("cartpole", EnvironmentOptions(), 3)
                let e = catchExn<ArgumentException> (fun () ->
                    vec.Step(ReadOnlySpan [| 0; 1 |], Span(Array.zeroCreate<float32> 12), Span(Array.zeroCreate<float32> 3),
                             Span(Array.zeroCreate<bool> 3), Span(Array.zeroCreate<bool> 3)))
                Expect.stringContains e.Message "'actions' has 2 elements, needs at least 3" "actions buffer"
                let mixed = [| EnvironmentFactory.Create("minatar:breakout", EnvironmentOptions()); EnvironmentFactory.Create("minatar:freeway", EnvironmentOptions()) |]
                let e2 = catchExn<ArgumentException> (fun () -> VectorEnvironment(mixed) |> ignore)
                Expect.stringContains e2.Message "does not match" "mismatch"
                let e3 = catchExn<ArgumentException> (fun () -> VectorEnvironment.Create("cartpole", EnvironmentOptions(), 0) |> ignore)
                Expect.stringContains e3.Message "count must be >= 1, got 0" "count"
            }
        ]
    ]
