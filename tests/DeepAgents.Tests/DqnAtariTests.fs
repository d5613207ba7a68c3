/// DQN on Atari stores one frame per transition (FrameStackReplay, as Rainbow) and rebuilds s and s' as
/// 4-frame stacks: the storage formula, the rebuilt batches and exact resume on the
/// synthetic emulator (RainbowTests.scripted).
module DqnAtariTests

open System
open Expecto
open Research.DeepAgents.Agents
open Research.DeepAgents.Replay
open Research.DeepAgents.Training
open Research.Random
open TrainingTestSupport
open TrainingTests
open RainbowTests

/// The atari-paper DQN preset with the tiny budgets of RainbowTests.atariTiny.
let dqnAtariTiny =
    configWith (Presets.Get("atari-paper", "dqn")) [
        "Environment", box "atari:scripted"; "TotalSteps", box 600L; "ReplayCapacity", box 1000; "MinReplayHistory", box 300L
        "BatchSize", box 8; "TargetUpdatePeriod", box 100L; "EpsilonWarmupSteps", box 300L; "EpsilonDecaySteps", box 200L
        "EvalPeriod", box 300L; "EvalEpisodes", box 1; "UpdateLogPeriod", box 5; "ThroughputLogPeriod", box 100L
        "CheckpointPeriod", box 0L; "TensorBoard", box false; "Seed", box 5L ]

[<Tests>]
let tests =
    testSequenced <| testList "DQN on Atari" [
        test "atari-paper DQN on the synthetic emulator: frame-stack replay (7,067 B per transition), rebuilt stacks, exact resume" {
            let full, split = tempRun "dqn-atari-full", tempRun "dqn-atari-split"
            do
                use trainer = Trainer.Start(dqnAtariTiny, full, scripted)
                Expect.isTrue (trainer.Train()).Completed "completed"
                let agent = trainer.Agent :?> DqnAgent
                Expect.equal agent.Updates ((600L - 300L) / 4L) "an update every 4 steps after 300"
                let ring = agent.Replay :?> FrameStackReplay
                Expect.equal (ring.FrameSize, ring.Stack) (84 * 84, 4) "84x84 frames, stacks of 4"
                // Per slot: one frame + action (4) + reward (4) + 3 flags = 7,067
                // B; whole stacks would take 4 * 7,056 + 11.
                Expect.equal ring.StorageBytes (1000L * 7067L) "7,067 B per transition"
                Expect.equal ring.TransitionCount 600 "every step stored once"
                let starts = [ for s in 0 .. ring.Count - 1 do if ring.IsEpisodeStart s then yield s ] |> List.length
                Expect.equal starts (3 * 4 + 1) "a learning episode per life"
                // A uniform batch: s' is s shifted by one frame (slot + 1 continues the episode), the new
                // frame last; at an episode's first slot the three older frames of s are zeros.
                let size = ring.ObservationSize
                let frame = ring.FrameSize
                let batch = ReplayBatch(256, size)
                ring.Sample(batch, Xoshiro256(9UL))
                let mutable sawStart = false
                for b in 0 .. batch.Size - 1 do
                    let s = batch.Observations.AsSpan(b * size, size).ToArray()
                    let s' = batch.NextObservations.AsSpan(b * size, size).ToArray()
                    let slot = batch.Slots[b]
                    Expect.isTrue (ring.HasTransition slot) "only transitions are drawn"
                    Expect.sequenceEqual s'[.. 3 * frame - 1] s[frame ..] (sprintf "row %d: s' = s shifted by one frame" b)
                    let last = ring.Frame(if slot + 1 = ring.Capacity then 0 else slot + 1).ToArray() |> Array.map float32
                    Expect.sequenceEqual s'[3 * frame ..] last "the newest frame of s' is the next slot's frame"
                    Expect.equal batch.Actions[b] (int64 (ring.ActionAt slot)) "action"
                    Expect.equal batch.Terminals[b] (if ring.TerminatedAt slot then 1.0f else 0.0f) "terminal flag"
                    if ring.IsEpisodeStart slot then
                        sawStart <- true
                        Expect.isTrue (s[.. 3 * frame - 1] |> Array.forall ((=) 0.0f)) "zeros before the episode's first frame"
                Expect.isTrue sawStart "the batch contains an episode's first transition"
            expectScriptedResume dqnAtariTiny full split "interrupted + resumed (replay frames and sampling stream restored)"
            deleteRuns [ full; split ]
        }
    ]
