/// Rainbow and Rainbow Pro (docs/agents.md, "Rainbow"): prioritized n-step C51 updates, the uniform switch,
/// the shared proximal pull, determinism and exact resume, and the Atari wiring on the synthetic emulator.
module RainbowTests

open System
open System.IO
open System.Threading
open Expecto
open Research.DeepAgents.Agents
open Research.DeepAgents.Environments
open Research.DeepAgents.Environments.Atari
open Research.DeepAgents.Optimization
open Research.DeepAgents.Replay
open Research.DeepAgents.Torch
open Research.DeepAgents.Training
open TrainingTestSupport
open TrainingTests

/// The rainbow cartpole preset, small enough for the suite (as TrainingTests.tiny for DQN).
let tinyRainbow =
    configWith (Presets.Get("cartpole", "rainbow")) [
        "TotalSteps", box 3000L; "MinReplayHistory", box 500L; "EpsilonWarmupSteps", box 500L; "EpsilonDecaySteps", box 2000L
        "TargetUpdatePeriod", box 250L; "UpdatePeriod", box 2; "EvalPeriod", box 1000L; "EvalEpisodes", box 2; "UpdateLogPeriod", box 50
        "CheckpointPeriod", box 1000L; "ThroughputLogPeriod", box 500L; "Seed", box 17L ]

let cartpoleSpec = ObservationSpec(1, 1, 4, ObservationKind.Features)

/// Feeds `steps` CartPole transitions chosen by the agent (no learning: min-replay-history is above `steps`).
let fill (agent: IAgent) (steps: int) =
    let env = EnvironmentFactory.Create("cartpole", EnvironmentOptions(Seed = 2))
    feed env agent steps

let manualAgent (extra: (string * objnull) list) =
    TorchRuntime.Initialize 1
    let config = configWith tinyRainbow ([ "MinReplayHistory", box 1000000L; "BatchSize", box 32; "ReplayCapacity", box 1000 ] @ extra)
    new RainbowAgent(AgentFactory.RainbowSettingsOf config, cartpoleSpec, 2)

/// A synthetic Atari game (ScriptedEmulator): screen value = frame mod 256; reward 3 every 40 frames whatever
/// the action; 3 lives lost at frames 200, 400, 600 (each exactly at the end of an agent step); game over at
/// frame 800. So a game is 200 agent steps with raw return 60, and 4 learning episodes (lives).
let script =
    AtariScript(AtariScript.Constant(fun f -> byte (f % 256)), Func<int, int, int>(fun f _ -> if f % 40 = 0 then 3 else 0),
                Func<int, int>(fun f -> max 0 (3 - f / 200)), 800, [| 0; 1; 3; 4 |])

let scripted : EnvironmentMaker =
    EnvironmentMaker(fun config seed ->
        TrainingEnvironments.CreateAtari(config, seed, new ScriptedEmulator(script, RecordActions = false), "/roms/scripted.bin"))

/// The atari-paper Rainbow preset with tiny budgets (as `--set` would give them).
let atariTiny =
    configWith (Presets.Get("atari-paper", "rainbow-pro")) [
        "Environment", box "atari:scripted"; "TotalSteps", box 600L; "ReplayCapacity", box 1000; "MinReplayHistory", box 300L
        "BatchSize", box 8; "TargetUpdatePeriod", box 100L; "EpsilonWarmupSteps", box 300L; "EpsilonDecaySteps", box 200L
        "EvalPeriod", box 300L; "EvalEpisodes", box 1; "UpdateLogPeriod", box 5; "ThroughputLogPeriod", box 100L
        "CheckpointPeriod", box 0L; "TensorBoard", box false; "Seed", box 5L ]

/// Trains `config` on the synthetic emulator into `split`, stops at step 333 (mid-life), resumes,
/// and expects the metrics of the uninterrupted run in `full`.
let expectScriptedResume (config: TrainingConfig) full split message =
    using (new CancellationTokenSource()) (fun cts ->
        use trainer = Trainer.Start(config, split, scripted)
        let r = trainer.Train(cts.Token, (fun s -> if s.Step = 333L then cts.Cancel()), 1L)
        Expect.equal r.Steps 333L "stopped mid-life")
    do
        use resumed = Trainer.Resume(split, Nullable(), scripted)
        Expect.isTrue (resumed.Train()).Completed "completed after resume"
    expectSameMetrics full split message

let csvColumn dir file name =
    let lines = File.ReadAllLines(Path.Combine(dir, "metrics", file))
    let i = column lines[0] name
    lines |> Array.skip 1 |> Array.map (fun l -> l.Split(',')[i])

[<Tests>]
let agentTests =
    testSequenced <| testList "Rainbow agent" [
        test "prioritized replay: after each update the sampled slots' priorities are (loss + 1e-10)^0.5, the others keep theirs" {
            use agent = manualAgent []
            fill agent 300
            let sampler = agent.Sampler
            let sampleable = [ for s in 0 .. agent.Replay.Count - 1 do if sampler.IsSampleable s then yield s ]
            Expect.isGreaterThan sampleable.Length 250 "most slots are sampleable"
            for s in sampleable do Expect.equal (sampler.Priority s) 1.0 "new items enter at the max recorded priority (1)"
            for round in 1 .. 3 do
                let before = sampleable |> List.map (fun s -> s, sampler.Priority s) |> Map.ofList
                agent.Update() |> ignore
                let slots = agent.LastBatch.Slots
                let losses = agent.LastLosses.ToArray()
                let last = Seq.zip slots losses |> Seq.fold (fun (m: Map<int, float32>) (s, l) -> m.Add(s, l)) Map.empty
                for KeyValue(slot, loss) in last do
                    Expect.isTrue (loss >= 0.0f && Single.IsFinite loss) "per-sample cross-entropy is finite and >= 0"
                    Expect.equal (sampler.Priority slot) (Math.Pow(float loss + 1e-10, 0.5)) (sprintf "round %d: priority of sampled slot %d" round slot)
                for s in sampleable do
                    if not (last.ContainsKey s) then Expect.equal (sampler.Priority s) before[s] "unsampled slots keep their priority"
                Expect.notEqual (set slots).Count 1 "a batch draws several slots"
            Expect.equal agent.Updates 3L "three updates"
        }

        test "prioritized=false: priorities stay 1, weights are 1 and sampling is uniform over the sampleable slots" {
            use agent = manualAgent [ "Prioritized", box false ]
            fill agent 300
            for _ in 1 .. 5 do agent.Update() |> ignore
            let sampler = agent.Sampler
            let sampleable = [ for s in 0 .. agent.Replay.Count - 1 do if sampler.IsSampleable s then yield s ]
            for s in sampleable do Expect.equal (sampler.Priority s) 1.0 "priority unchanged by updates"
            Expect.isTrue (agent.LastBatch.Weights |> Array.forall ((=) 1.0f)) "all importance weights 1"
            let counts = Collections.Generic.Dictionary<int, int>()
            let slots, weights = Array.zeroCreate<int> 32, Array.zeroCreate<float32> 32
            let draws = 300 * 32
            for _ in 1 .. 300 do
                sampler.Sample(Span slots, Span weights)
                for s in slots do counts[s] <- (match counts.TryGetValue s with | true, c -> c + 1 | _ -> 1)
            let expected = float draws / float sampleable.Length
            Expect.equal counts.Count sampleable.Length "every sampleable slot is drawn, and only those"
            for KeyValue(_, c) in counts do
                Expect.isLessThan (abs (float c - expected)) (5.0 * sqrt expected) (sprintf "count %d vs expected %.1f" c expected)
        }

        test "rainbow-pro has the same AgentCore and ProximalPull as dqn-pro; atari-paper mu = 6.25e-5 / 0.05" {
            TorchRuntime.Initialize 1
            let atari = configWith (Presets.Get("atari-paper", "rainbow-pro")) [ "ReplayCapacity", box 1000 ]
            use rainbow = new RainbowAgent(AgentFactory.RainbowSettingsOf atari, ObservationSpec(4, 84, 84, ObservationKind.Pixels), 6)
            use dqn = new DqnAgent(AgentFactory.DqnSettingsOf(configWith (Presets.Get("cartpole", "dqn-pro")) []), cartpoleSpec, 2)
            Expect.isTrue (box rainbow :? AgentCore && box dqn :? AgentCore) "one skeleton"
            let rainbowPull, dqnPull = nonNull rainbow.Pull, nonNull dqn.Pull
            Expect.equal (rainbowPull.GetType()) (dqnPull.GetType()) "the same pull class as DQN Pro's"
            Expect.floatClose Accuracy.veryHigh rainbow.Mu 1.25e-3 "mu = 6.25e-5 / 0.05"
            Expect.floatClose Accuracy.veryHigh rainbowPull.Mu 1.25e-3 "the pull's mu"
            Expect.equal atari.BatchSize 64 "batch 64"
            Expect.equal (rainbow.Replay.GetType()) typeof<FrameStackReplay> "Atari frames are stored once (FrameStackReplay)"
            use plain = new RainbowAgent(AgentFactory.RainbowSettingsOf(configWith atari [ "Agent", box "rainbow" ]), ObservationSpec(4, 84, 84, ObservationKind.Pixels), 6)
            Expect.isNull plain.Pull "rainbow has no pull"
            Expect.equal plain.Mu 0.0 "mu 0"
            Expect.throwsT<ConfigException> (fun () -> AgentFactory.RainbowSettingsOf(configWith atari [ "Agent", box "dqn" ]) |> ignore) "dqn settings are not Rainbow's"
        }
    ]

[<Tests>]
let runTests =
    testSequenced <| testList "Rainbow runs" [
        test "two rainbow runs with the same seed write identical metrics; an interrupted + resumed run is byte-identical" {
            let a, b, split = tempRun "rb-a", tempRun "rb-b", tempRun "rb-split"
            train tinyRainbow a |> ignore
            train tinyRainbow b |> ignore
            expectSameMetrics a b "same seed"
            Expect.equal (rows a "target_syncs.csv").Length ((3000 - 500) / 250) "a sync row at every target refresh"
            Expect.equal (rows a "updates.csv").Length (2500 / 2 / 50) "an update row every 50 updates"
            using (new CancellationTokenSource()) (fun cts ->
                use trainer = Trainer.Start(tinyRainbow, split)
                let r = trainer.Train(cts.Token, (fun s -> if s.Step = 1337L then cts.Cancel()), 1L)
                Expect.equal r.Steps 1337L "stopped right after the signal")
            do
                use resumed = Trainer.Resume(split)
                Expect.isTrue (resumed.Train()).Completed "completed after resume"
            expectSameMetrics a split "interrupted + resumed"
            deleteRuns [ a; b; split ]
        }

        test "rainbow-pro with c~ = inf is bit-identical to rainbow; uniform sampling changes the run" {
            let plain, pro, uniform = tempRun "rb-plain", tempRun "rb-pro-inf", tempRun "rb-uniform"
            let config = configWith tinyRainbow [ "CheckpointPeriod", box 0L; "TotalSteps", box 2000L ]
            train config plain |> ignore
            train (configWith config [ "Agent", box "rainbow-pro"; "CTilde", box Double.PositiveInfinity ]) pro |> ignore
            expectSameMetrics plain pro "c~ = inf"
            train (configWith config [ "Prioritized", box false ]) uniform |> ignore
            Expect.notEqual (File.ReadAllBytes(Path.Combine(plain, "metrics", "updates.csv"))) (File.ReadAllBytes(Path.Combine(uniform, "metrics", "updates.csv"))) "prioritized differs from uniform"
            deleteRuns [ plain; pro; uniform ]
        }

        test "full Rainbow options (double-q, dueling, noisy): modules, epsilon 0, deterministic, exact resume" {
            let config = configWith tinyRainbow [ "DoubleQ", box true; "Dueling", box true; "Noisy", box true; "TotalSteps", box 2000L ]
            do
                use agent = new RainbowAgent(AgentFactory.RainbowSettingsOf(configWith config [ "ReplayCapacity", box 1000 ]), cartpoleSpec, 2)
                let modules = agent.Online.modules() |> Seq.toList
                Expect.isTrue (modules |> List.exists (fun m -> m :? Research.DeepAgents.Networks.Layers.DuelingHead)) "a dueling head"
                Expect.equal (modules |> List.filter (fun m -> m :? Research.DeepAgents.Networks.Layers.NoisyLinear)).Length 2 "noisy value and advantage streams"
                Expect.equal agent.Epsilon 0.0 "no epsilon exploration with noisy layers"
            let a, b, split = tempRun "full-a", tempRun "full-b", tempRun "full-split"
            train config a |> ignore
            train config b |> ignore
            expectSameMetrics a b "same seed"
            Expect.isTrue (csvColumn a "updates.csv" "epsilon" |> Array.forall ((=) "0")) "epsilon 0 in updates.csv"
            let plain = tempRun "full-plain"
            train (configWith tinyRainbow [ "TotalSteps", box 2000L ]) plain |> ignore
            Expect.notEqual (File.ReadAllBytes(Path.Combine(plain, "metrics", "updates.csv"))) (File.ReadAllBytes(Path.Combine(a, "metrics", "updates.csv"))) "the options change the run"
            using (new CancellationTokenSource()) (fun cts ->
                use trainer = Trainer.Start(config, split)
                trainer.Train(cts.Token, (fun s -> if s.Step = 1111L then cts.Cancel()), 1L) |> ignore)
            do
                use resumed = Trainer.Resume(split)
                Expect.isTrue (resumed.Train()).Completed "completed after resume"
            expectSameMetrics a split "interrupted + resumed (noise generator state restored)"
            deleteRuns [ a; b; split; plain ]
        }

        test "atari-paper (tiny budgets) on the synthetic emulator: trains, logs per-game returns, resumes exactly" {
            let full, split = tempRun "atari-full", tempRun "atari-split"
            do
                use trainer = Trainer.Start(atariTiny, full, scripted)
                let r = trainer.Train()
                Expect.isTrue r.Completed "completed"
                let agent = trainer.Agent :?> RainbowAgent
                Expect.equal agent.Updates ((600L - 300L) / 4L) "an update every 4 steps after 300"
                let ring = agent.Replay :?> FrameStackReplay
                let starts = [ for s in 0 .. ring.Count - 1 do if ring.IsEpisodeStart s then yield s ] |> List.length
                Expect.equal starts (3 * 4 + 1) "a learning episode per life: 4 per game, plus the game begun at step 600"
            Expect.sequenceEqual (csvColumn full "episodes.csv" "return") [| "60"; "60"; "60" |] "one row per game with its raw (unclipped) return"
            Expect.sequenceEqual (csvColumn full "episodes.csv" "length") [| "200"; "200"; "200" |] "game lengths in agent steps"
            Expect.sequenceEqual (csvColumn full "episodes.csv" "truncated") [| "0"; "0"; "0" |] "games end by game over"
            Expect.sequenceEqual (csvColumn full "evaluations.csv" "mean_return") [| "60"; "60" |] "evaluation episodes are whole games"
            Expect.sequenceEqual (csvColumn full "evaluations.csv" "mean_length") [| "200"; "200" |] "evaluation game length"
            Expect.equal (rows full "target_syncs.csv").Length 3 "syncs at steps 400, 500, 600"
            expectScriptedResume atariTiny full split "interrupted + resumed"
            deleteRuns [ full; split ]
        }
    ]

[<Tests>]
let configTests =
    testList "Rainbow config" [
        test "presets depend on the agent and carry Dopamine's Rainbow values" {
            let m = Presets.Get("minatar-dopamine", "rainbow")
            Expect.equal (m.Atoms, m.VMin, m.VMax, m.NStep, m.Prioritized) (51, -100.0, 100.0, 3, true) "MinAtar C51, n, PER"
            Expect.equal (m.LearningRate, m.OptimizerEpsilon, m.Optimizer) (1e-4, 3.125e-4, OptimizerKind.Adam) "Adam 1e-4 (DopamineMinAtarRainbow)"
            Expect.equal (m.LearningRate, m.OptimizerEpsilon) (OptimizerConfig.DopamineMinAtarRainbow.LearningRate, OptimizerConfig.DopamineMinAtarRainbow.Epsilon) "= OptimizerConfig.DopamineMinAtarRainbow"
            Expect.equal (m.BatchSize, m.UpdatePeriod, m.TargetUpdatePeriod, m.MinReplayHistory) (32, 4, 1000L, 1000L) "the rest as Dopamine's MinAtar DQN"
            let a = Presets.Get("atari-paper", "rainbow-pro")
            Expect.equal (a.Agent, a.Atoms, a.VMin, a.VMax, a.NStep, a.BatchSize, a.CTilde) ("rainbow-pro", 51, -10.0, 10.0, 3, 64, 0.05) "Atari Rainbow Pro"
            Expect.equal (a.LearningRate, a.OptimizerEpsilon, a.OptimizerForm) (6.25e-5, 1.5e-4, OptimizerForm.TensorFlow) "Adam 6.25e-5, eps 1.5e-4, TF1"
            Expect.equal (a.MinReplayHistory, a.UpdatePeriod, a.TargetUpdatePeriod, a.EpsilonDecaySteps, a.EpsilonEnd, a.EvalEpsilon) (20000L, 4, 8000L, 250000L, 0.01, 0.001) "the protocol"
            Expect.equal (Presets.Get("atari-paper", "dqn").Optimizer) OptimizerKind.RmsProp "DQN keeps its own preset"
            let msg = throwsMessage<ConfigException> (fun () -> Presets.Get("minatar-reference", "rainbow") |> ignore)
            Expect.stringContains msg "minatar-dopamine, atari-paper, cartpole for rainbow" msg
        }

        test "bad rainbow values name the key, the value and the allowed range" {
            let bad pairs fragment =
                let msg = throwsMessage<ConfigException> (fun () -> ConfigValidation.Validate(configWith tinyRainbow pairs) |> ignore)
                Expect.stringContains msg fragment msg
            bad [ "Atoms", box 1 ] "invalid value for atoms: '1'. Allowed: an integer in [2, 10000]."
            bad [ "VMax", box -20.0 ] "invalid value for v-max: '-20'. Allowed: a finite number > v-min (0)."
            bad [ "NStep", box 0 ] "invalid value for n-step: '0'"
            bad [ "PriorityAlpha", box 1.5 ] "invalid value for priority-alpha: '1.5'. Allowed: [0, 1]."
            bad [ "PriorityBeta", box -0.1 ] "invalid value for priority-beta"
            bad [ "Agent", box "dqn"; "DoubleQ", box true ] "double-q"
            bad [ "FrameStack", box 4 ] "frame-stack"
            bad [ "Agent", box "rainbow-pro"; "CTilde", box 1e-5 ] "c-tilde"
            bad [ "Agent", box "dqn"; "Dueling", box true ] "invalid value for dueling: 'true'"
            bad [ "Agent", box "dqn-pro"; "Noisy", box true ] "invalid value for noisy: 'true'"
            bad [ "NoisySigma0", box 0.0 ] "invalid value for noisy-sigma0: '0'. Allowed: a finite number > 0."
            Expect.equal (configWith tinyRainbow [ "n-step", box 5 ]).NStep 5 "kebab key n-step"
        }
    ]
