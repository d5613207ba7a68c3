/// Tests of prioritized replay sampling over a replay ring (Replay/PrioritizedSampler.cs).
module PrioritizedSamplerTests

open System
open System.IO
open Expecto
open Research.DeepAgents.Environments
open Research.DeepAgents.Replay

let scalar = ObservationSpec(1, 1, 1, ObservationKind.Features)
let obs (x: float32) = ReadOnlySpan [| x |]

/// A buffer, its ring and a sampler; every write goes through `write` so the sampler is synced.
type Fixture(capacity: int, n: int, config: PrioritizedReplayConfig, ?seed: uint64) =
    let buffer = ReplayBuffer(scalar, capacity, 1UL)
    let ring = buffer :> ITransitionRing
    let sampler = PrioritizedSampler(ring, NStepReturns(n, 0.9), config, defaultArg seed 5UL)
    member _.Buffer = buffer
    member _.Ring = ring
    member _.Sampler = sampler
    member _.Begin(x: float32) =
        buffer.BeginEpisode(obs x)
        sampler.Sync()
    member _.Add(reward: float32, terminal: bool, x: float32) =
        buffer.Add(0, reward, terminal, obs x)
        sampler.Sync()
    /// One episode of `steps` transitions ending in a terminal.
    member this.Episode(steps: int) =
        this.Begin 0f
        for t in 1 .. steps do this.Add(1f, (t = steps), float32 t)

let sample (sampler: PrioritizedSampler) batch =
    let slots = Array.zeroCreate<int> batch
    let weights = Array.zeroCreate<float32> batch
    sampler.Sample(Span slots, Span weights)
    slots, weights

/// Priorities equal to the losses (alpha 1, no offsets), beta 0.5.
let linear = PrioritizedReplayConfig(Alpha = 1.0, Beta = 0.5, PriorityOffset = 0.0, ProbabilityOffset = 0.0)

/// Asserts the sampler's state equals a brute-force recomputation from the ring.
let expectConsistent (sampler: PrioritizedSampler) (ring: ITransitionRing) =
    let mutable count = 0
    for slot in 0 .. ring.Capacity - 1 do
        let expected = slot < ring.Count && sampler.NStep.IsSampleable(ring, slot)
        Expect.equal (sampler.IsSampleable slot) expected $"slot {slot} sampleable"
        Expect.equal (sampler.Priority slot > 0.0) expected $"slot {slot} has a positive priority iff sampleable"
        if expected then count <- count + 1
    Expect.equal sampler.SampleableCount count "count"

[<Tests>]
let prioritizedTests =
    testList "Replay.Prioritized" [
        test "new items enter at the maximum recorded priority (1 at the start, then the largest set)" {
            let f = Fixture(32, 1, PrioritizedReplayConfig.Dopamine)
            f.Episode 3
            for slot in 0 .. 2 do Expect.equal (f.Sampler.Priority slot) 1.0 $"slot {slot}"
            f.Sampler.UpdatePriorities(ReadOnlySpan [| 0; 1 |], ReadOnlySpan [| 8f; 0.25f |])
            Expect.floatClose Accuracy.veryHigh (f.Sampler.Priority 0) (sqrt (8.0 + 1e-10)) "sqrt(loss + 1e-10)"
            Expect.floatClose Accuracy.veryHigh (f.Sampler.Priority 1) 0.5 "sqrt(0.25)"
            f.Episode 1
            Expect.floatClose Accuracy.veryHigh (f.Sampler.Priority 4) (sqrt 8.0) "new item at the recorded maximum"
            f.Sampler.UpdatePriorities(ReadOnlySpan [| 0 |], ReadOnlySpan [| 0f |])
            f.Episode 1
            Expect.floatClose Accuracy.veryHigh (f.Sampler.Priority 6) (sqrt 8.0) "the maximum never decreases"
        }
        test "importance weights (P(i))^(-beta) / max on a hand case; strata pick known slots" {
            let f = Fixture(32, 1, linear)
            f.Episode 4 // slots 0..3 sampleable
            f.Sampler.UpdatePriorities(ReadOnlySpan [| 0; 1; 2; 3 |], ReadOnlySpan [| 1f; 2f; 3f; 4f |])
            Expect.floatClose Accuracy.veryHigh (f.Sampler.Probability 2) 0.3 "P(2) = 3 / 10"
            // 10 strata of width 1 on the total 10: slots 0, 1, 1, 2, 2, 2, 3, 3, 3, 3 whatever the draws.
            let slots, weights = sample f.Sampler 10
            Expect.equal slots [| 0; 1; 1; 2; 2; 2; 3; 3; 3; 3 |] "one slot per stratum"
            let w p = sqrt (0.1 / p) // (p)^(-1/2) / (0.1)^(-1/2)
            let expected = [| 1.0; w 0.2; w 0.2; w 0.3; w 0.3; w 0.3; w 0.4; w 0.4; w 0.4; w 0.4 |]
            TorchTestSupport.closeTo "weights" 1e-6 expected weights
            // A batch without slot 0 is normalised by its own maximum.
            let slots2, weights2 = sample f.Sampler 1
            Expect.equal weights2 [| 1f |] $"single draw (slot {slots2.[0]})"
        }
        test "Dopamine's preset: priorities sqrt(loss + 1e-10), weights 1/sqrt(P + 1e-10) over the batch maximum" {
            let f = Fixture(32, 1, PrioritizedReplayConfig.Dopamine)
            f.Episode 3
            // priorities ~1, 2, 4
            f.Sampler.UpdatePriorities(ReadOnlySpan [| 0; 1; 2 |], ReadOnlySpan [| 1f; 4f; 16f |])
            let slots, weights = sample f.Sampler 7
            Expect.equal slots [| 0; 1; 1; 2; 2; 2; 2 |] "strata of width 1"
            let p = [| sqrt (1.0 + 1e-10); sqrt (4.0 + 1e-10); sqrt (16.0 + 1e-10) |]
            let raw = slots |> Array.map (fun s -> 1.0 / sqrt (p.[s] / Array.sum p + 1e-10))
            TorchTestSupport.closeTo "weights" 1e-6 (raw |> Array.map (fun x -> x / raw.[0])) weights
            TorchTestSupport.closeTo "hand values" 1e-6 [| 1.0; sqrt 0.5; sqrt 0.5; 0.5; 0.5; 0.5; 0.5 |] weights
        }
        test "uniform switch: priority updates are ignored, every item keeps priority 1 and weights are 1" {
            let f = Fixture(32, 1, PrioritizedReplayConfig.Uniform)
            f.Episode 5
            f.Sampler.UpdatePriorities(ReadOnlySpan [| 0; 1; 2 |], ReadOnlySpan [| 100f; 0f; 3f |])
            for slot in 0 .. 4 do Expect.equal (f.Sampler.Priority slot) 1.0 $"slot {slot}"
            let slots, weights = sample f.Sampler 5
            Expect.equal slots [| 0; 1; 2; 3; 4 |] "stratified uniform: one per slot"
            Expect.equal weights (Array.create 5 1f) "weights"
        }
        test "sampling frequencies follow the updated priorities (chi-square, 3 df, significance 1e-4)" {
            let f = Fixture(64, 1, PrioritizedReplayConfig.Dopamine, 17UL)
            f.Episode 4
            // priorities ~1, 2, 3, 4
            f.Sampler.UpdatePriorities(ReadOnlySpan [| 0; 1; 2; 3 |], ReadOnlySpan [| 1f; 4f; 9f; 16f |])
            let counts = Array.zeroCreate<int> 4
            for _ in 1 .. 2000 do
                let slots, _ = sample f.Sampler 32
                for s in slots do counts.[s] <- counts.[s] + 1
            let chi = SumTreeTests.chiSquare counts [| 0.1; 0.2; 0.3; 0.4 |]
            // 21.11 is the 1 - 1e-4 quantile of chi-square with 3 degrees of freedom.
            Expect.isLessThan chi 21.11 $"counts {counts}"
        }
        test "only slots with a complete n-step window are sampleable; a terminal completes the rest" {
            let f = Fixture(32, 3, PrioritizedReplayConfig.Dopamine)
            f.Begin 0f
            for t in 1 .. 4 do f.Add(1f, false, float32 t)
            Expect.equal f.Sampler.SampleableCount 2 "slots 0 and 1 have 3 steps written"
            Expect.equal (f.Sampler.Probability 2) 0.0 "slot 2 cannot be drawn"
            let slots, _ = sample f.Sampler 64
            Expect.all slots (fun s -> s = 0 || s = 1) "draws"
            f.Add(1f, true, 5f)
            Expect.equal f.Sampler.SampleableCount 5 "terminal: slots 0..4"
            expectConsistent f.Sampler f.Ring
        }
        test "the sampler matches a brute-force recomputation after every write (wrap-around, truncations, terminals)" {
            let rng = Random 3
            for n in [ 1; 3 ] do
                let f = Fixture(7, n, PrioritizedReplayConfig.Dopamine)
                for episode in 1 .. 12 do
                    f.Begin 0f
                    expectConsistent f.Sampler f.Ring
                    let length = 1 + rng.Next 9
                    let terminal = episode % 3 <> 0
                    for t in 1 .. length do
                        f.Add(1f, terminal && t = length, float32 t)
                        expectConsistent f.Sampler f.Ring
                        if f.Sampler.SampleableCount > 0 then
                            let slots, _ = sample f.Sampler 4
                            f.Sampler.UpdatePriorities(ReadOnlySpan slots, ReadOnlySpan(Array.init 4 (fun i -> float32 (rng.NextDouble() * 5.0))))
                let rebuilt = PrioritizedSampler(f.Ring, NStepReturns(n, 0.9), PrioritizedReplayConfig.Dopamine, 1UL)
                for slot in 0 .. 6 do
                    Expect.equal (rebuilt.IsSampleable slot) (f.Sampler.IsSampleable slot) $"rebuild, slot {slot}"
        }
        test "the sampler stays consistent on frame-stack storage (history overwritten at the ring edge)" {
            let replay = FrameStackReplay(1, 2, 4, 9)
            let sampler = PrioritizedSampler(replay, NStepReturns(2, 0.9), PrioritizedReplayConfig.Dopamine, 2UL)
            let frame = [| 1uy; 2uy |]
            for length in [ 2; 11; 1; 4; 6 ] do
                replay.BeginEpisode(ReadOnlySpan frame)
                sampler.Sync()
                for t in 1 .. length do
                    replay.Add(0, 1f, false, ReadOnlySpan frame)
                    sampler.Sync()
                    expectConsistent sampler replay
        }
        test "Sample(batch) fills n-step transitions and weights" {
            let f = Fixture(32, 2, linear)
            f.Episode 3 // obs 0, 1, 2, 3 in slots 0..3, rewards 1, terminal into slot 3
            let batch = NStepBatch(3, 1)
            f.Sampler.Sample batch
            Expect.equal batch.Slots [| 0; 1; 2 |] "equal priorities: one per slot"
            Expect.equal batch.Observations [| 0f; 1f; 2f |] "s_t"
            Expect.equal batch.BootstrapObservations [| 2f; 3f; 3f |] "s_{t+m}"
            Expect.equal batch.Returns [| 1.9f; 1.9f; 1f |] "returns"
            Expect.equal batch.Discounts [| 0.81f; 0f; 0f |] "discounts"
            Expect.equal batch.Weights [| 1f; 1f; 1f |] "weights"
        }
        test "errors: nothing to sample, bad losses, bad config" {
            let f = Fixture(8, 3, PrioritizedReplayConfig.Dopamine)
            f.Begin 0f
            Expect.throwsT<InvalidOperationException> (fun () -> sample f.Sampler 2 |> ignore) "empty"
            f.Episode 2
            let e = Expect.throwsC (fun () -> f.Sampler.UpdatePriorities(ReadOnlySpan [| 1; 2 |], ReadOnlySpan [| 1f; -0.5f |])) id
            Expect.stringContains e.Message "losses[1] = -0.5 must be a finite number >= 0" "loss message"
            TorchTestSupport.throwsWith [ "Alpha = 2"; "[0, 1]" ] (fun () -> PrioritizedReplayConfig(Alpha = 2.0).Validate())
            TorchTestSupport.throwsWith [ "Beta = -1" ] (fun () -> PrioritizedSampler(f.Ring, NStepReturns(1, 0.9), PrioritizedReplayConfig(Beta = -1.0), 1UL) |> ignore)
        }
        test "the hot path does not allocate: ring writes + Sync, Sample(batch), UpdatePriorities, stack rebuilding" {
            let replay = FrameStackReplay(4, 4, 4, 64)
            let sampler = PrioritizedSampler(replay, NStepReturns(3, 0.99), PrioritizedReplayConfig.Dopamine, 4UL)
            let frame = Array.create 16 7uy
            let batch = NStepBatch(32, replay.ObservationSize)
            let losses = Array.create 32 0.5f
            let stack = Array.zeroCreate<byte> replay.ObservationSize
            let run steps =
                for t in 1 .. steps do
                    if t % 10 = 1 then replay.BeginEpisode(ReadOnlySpan frame)
                    else replay.Add(t % 3, 1f, (t % 10 = 0), ReadOnlySpan frame)
                    sampler.Sync()
                    if sampler.SampleableCount > 0 then
                        sampler.Sample batch
                        sampler.UpdatePriorities(ReadOnlySpan batch.Slots, ReadOnlySpan losses)
                        replay.CopyStack(batch.Slots.[0], Span stack)
            run 500 // warm-up (JIT)
            let before = GC.GetAllocatedBytesForCurrentThread()
            run 500
            Expect.equal (GC.GetAllocatedBytesForCurrentThread() - before) 0L "bytes allocated"
        }
        test "save and load: same priorities and the same draws afterwards" {
            let f = Fixture(16, 2, PrioritizedReplayConfig.Dopamine, 9UL)
            for length in [ 5; 3; 6 ] do f.Episode length
            f.Sampler.UpdatePriorities(ReadOnlySpan [| 0; 4; 7 |], ReadOnlySpan [| 2f; 0.5f; 9f |])
            use stream = new MemoryStream()
            f.Sampler.Save(new BinaryWriter(stream))
            stream.Position <- 0L
            let copy = PrioritizedSampler(f.Ring, NStepReturns(2, 0.9), PrioritizedReplayConfig.Dopamine, 0UL)
            copy.Load(new BinaryReader(stream))
            for slot in 0 .. 15 do Expect.equal (copy.Priority slot) (f.Sampler.Priority slot) $"priority {slot}"
            Expect.equal (sample copy 32) (sample f.Sampler 32) "next batch"
            f.Begin 0f
            copy.Sync()
            expectConsistent copy f.Ring
        }
    ]
