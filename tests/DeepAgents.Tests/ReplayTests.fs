module ReplayTests

open System
open System.IO
open Expecto
open Research.DeepAgents.Environments
open Research.DeepAgents.Replay

let featureSpec = ObservationSpec(1, 1, 1, ObservationKind.Features)

/// Observation encoding used by these tests: one float = episode * 1000 + time index.
let obs (episode: int) (t: int) = [| float32 (episode * 1000 + t) |]

/// Runs episodes of the given lengths; the last transition of each is terminal unless listed as truncated.
let fill (buffer: ReplayBuffer) (lengths: int list) (truncated: Set<int>) =
    lengths |> List.iteri (fun e len ->
        buffer.BeginEpisode(ReadOnlySpan(obs e 0))
        for t in 1 .. len do
            let last = t = len
            buffer.Add(t % 3, float32 t, last && not (truncated.Contains e), ReadOnlySpan(obs e t)))

[<Tests>]
let tests =
    testList "Replay" [
        test "slots hold episodes contiguously; the final observation of an episode has no transition" {
            let b = ReplayBuffer(featureSpec, 100, 1UL)
            fill b [ 3; 2 ] Set.empty
            // slots: e0: o0 o1 o2 o3 | e1: o0 o1 o2  -> 7 slots, 5 transitions
            Expect.equal b.Count 7 "slots written"
            Expect.equal b.TransitionCount 5 "transitions"
            Expect.equal b.AddCount 5L "add count"
            Expect.isFalse (b.HasTransition 3) "o3 of episode 0 ends it"
            Expect.isTrue (b.HasTransition 2) "o2 -> o3"
            Expect.isTrue (b.TerminatedAt 2) "last transition of episode 0 is terminal"
            Expect.isFalse (b.TerminatedAt 1) "middle transition is not terminal"
        }

        test "sampled transitions never cross an episode boundary and truncations keep their final observation" {
            let b = ReplayBuffer(featureSpec, 1000, 7UL)
            fill b [ 5; 1; 4; 2 ] (Set.ofList [ 2 ])
            let batch = ReplayBatch(256, 1)
            for _ in 1 .. 20 do
                b.Sample batch
                for i in 0 .. batch.Size - 1 do
                    let s, s' = batch.Observations[i], batch.NextObservations[i]
                    Expect.equal (s' - s) 1.0f "next observation is the same episode's next time index"
                    Expect.equal batch.Rewards[i] (float32 (int s' % 1000)) "reward of the transition"
                    Expect.equal batch.Actions[i] (int64 ((int s' % 1000) % 3)) "action of the transition"
                    let episode, t = int s / 1000, int s' % 1000
                    let len = [| 5; 1; 4; 2 |][episode]
                    let expectedTerminal = if t = len && episode <> 2 then 1.0f else 0.0f
                    Expect.equal batch.Terminals[i] expectedTerminal "terminal only at the end of non-truncated episodes"
        }

        test "the ring wraps: old slots are overwritten and their transitions leave the sample" {
            let b = ReplayBuffer(featureSpec, 5, 3UL)
            fill b [ 12 ] Set.empty
            // 13 observations into 5 slots: slots hold o8..o12, transitions o8..o11 -> 4
            Expect.equal b.Count 5 "full"
            Expect.equal b.TransitionCount 4 "one slot (the newest) has no outgoing transition"
            Expect.equal b.Cursor (13 % 5) "cursor"
            let batch = ReplayBatch(200, 1)
            b.Sample batch
            for i in 0 .. batch.Size - 1 do
                Expect.isGreaterThanOrEqual batch.Observations[i] 8.0f "only the last 5 observations remain"
                Expect.equal (batch.NextObservations[i] - batch.Observations[i]) 1.0f "consistent after wrap"
            let seen = batch.Observations |> Array.distinct |> Array.sort
            Expect.equal seen [| 8.0f; 9.0f; 10.0f; 11.0f |] "every stored transition is sampled"
        }

        test "sampling is deterministic for a seed and differs across seeds" {
            let run seed =
                let b = ReplayBuffer(featureSpec, 50, seed)
                fill b [ 30; 40 ] Set.empty
                let batch = ReplayBatch(32, 1)
                [ for _ in 1 .. 5 do
                    b.Sample batch
                    yield! batch.Slots ]
            Expect.equal (run 11UL) (run 11UL) "same seed, same slots"
            Expect.notEqual (run 11UL) (run 12UL) "different seed, different slots"
        }

        test "binary observations are stored as bytes and come back as 0/1 floats" {
            let spec = ObservationSpec(2, 3, 3, ObservationKind.Binary)
            let b = ReplayBuffer(spec, 10, 0UL)
            let o0 = Array.init 18 (fun i -> float32 (i % 2))
            let o1 = Array.init 18 (fun i -> float32 ((i + 1) % 2))
            b.BeginEpisode(ReadOnlySpan o0)
            b.Add(4, -1.0f, true, ReadOnlySpan o1)
            let batch = ReplayBatch(3, 18)
            b.Sample batch
            Expect.equal batch.Observations[0..17] o0 "s"
            Expect.equal batch.NextObservations[0..17] o1 "s'"
            Expect.equal batch.Actions[0] 4L "a"
            Expect.equal batch.Rewards[0] -1.0f "r"
        }

        test "save and load round-trip the contents, counters and sampling stream" {
            let spec = ObservationSpec(1, 2, 2, ObservationKind.Pixels)
            let o (v: int) = Array.init 4 (fun i -> float32 ((v * 4 + i) % 256))
            let a = ReplayBuffer(spec, 16, 5UL)
            a.BeginEpisode(ReadOnlySpan(o 0))
            for t in 1 .. 23 do a.Add(t % 4, float32 t, t % 7 = 0, ReadOnlySpan(o t))
            let batch = ReplayBatch(8, 4)
            a.Sample batch
            use ms = new MemoryStream()
            use w = new BinaryWriter(ms)
            a.Save w
            w.Flush()
            ms.Position <- 0L
            let b = ReplayBuffer(spec, 16, 999UL)
            b.Load(new BinaryReader(ms))
            Expect.equal (b.Count, b.TransitionCount, b.AddCount, b.Cursor) (a.Count, a.TransitionCount, a.AddCount, a.Cursor) "counters"
            for t in 24 .. 30 do
                a.Add(t % 4, float32 t, false, ReadOnlySpan(o t))
                b.Add(t % 4, float32 t, false, ReadOnlySpan(o t))
            let sample (r: ReplayBuffer) =
                let x = ReplayBatch(64, 4)
                r.Sample x
                x.Slots, x.Observations, x.NextObservations, x.Actions, x.Rewards, x.Terminals
            Expect.equal (sample b) (sample a) "identical continuation"
            let other = ReplayBuffer(spec, 8, 5UL)
            ms.Position <- 0L
            Expect.throwsT<InvalidDataException> (fun () -> other.Load(new BinaryReader(ms))) "capacity mismatch is rejected"
        }

        test "Add and Sample allocate nothing" {
            let spec = ObservationSpec(4, 10, 10, ObservationKind.Binary)
            let b = ReplayBuffer(spec, 1000, 1UL)
            let o = Array.zeroCreate<float32> 400
            let batch = ReplayBatch(32, 400)
            b.BeginEpisode(ReadOnlySpan o)
            let step t =
                if t % 50 = 0 then b.BeginEpisode(ReadOnlySpan o)
                else b.Add(1, 1.0f, t % 49 = 0, ReadOnlySpan o)
                b.Sample batch
            let measure n =
                let before = GC.GetAllocatedBytesForCurrentThread()
                for t in 1 .. n do step t
                GC.GetAllocatedBytesForCurrentThread() - before
            measure 2000 |> ignore // warm up (JIT, tiering)
            let small, large = measure 1000, measure 20000
            // A constant few bytes may come from the runtime (tiering);
            // per-call allocation would scale with n.
            Expect.isLessThanOrEqual large 256L (sprintf "bytes allocated by 20000 Add+Sample calls (1000 calls: %d)" small)
        }

        test "bad use is rejected with a clear error" {
            let b = ReplayBuffer(featureSpec, 10, 1UL)
            Expect.throwsT<InvalidOperationException> (fun () -> b.Add(0, 0.0f, false, ReadOnlySpan [| 1.0f |])) "Add before BeginEpisode"
            Expect.throwsT<InvalidOperationException> (fun () -> b.Sample(ReplayBatch(1, 1))) "sample when empty"
            Expect.throwsT<ArgumentException> (fun () -> b.BeginEpisode(ReadOnlySpan [| 1.0f; 2.0f |])) "wrong observation size"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> ReplayBuffer(featureSpec, 1, 1UL) |> ignore) "capacity 1"
        }
    ]
