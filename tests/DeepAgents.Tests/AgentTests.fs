module AgentTests

open System
open Expecto
open TorchSharp
open Research.DeepAgents.Agents
open Research.DeepAgents.Configuration
open Research.DeepAgents.Environments
open Research.DeepAgents.Optimization
open Research.DeepAgents.Torch
open TrainingTestSupport

let close (expected: float) (actual: float) message =
    Expect.floatClose Accuracy.veryHigh actual expected message

/// A small CartPole config with learning from step 11, updates every 4 steps.
let smallConfig =
    (configWith Presets.CartPole [ "MinReplayHistory", box (10L); "UpdatePeriod", box (4); "TargetUpdatePeriod", box (8L); "BatchSize", box (8); "Seed", box (3L) ])

let cartpoleSpec = ObservationSpec(1, 1, 4, ObservationKind.Features)

/// Feeds the agent `steps` transitions from a real CartPole with its own actions.
let drive (agent: DqnAgent) (steps: int) =
    let env = EnvironmentFactory.Create("cartpole", EnvironmentOptions(Seed = 1))
    let o = Array.zeroCreate<float32> 4
    env.Observe(Span o)
    agent.BeginEpisode(ReadOnlySpan o)
    [ for _ in 1 .. steps do
        let a = agent.SelectAction(ReadOnlySpan o)
        let r = env.Step a
        env.Observe(Span o)
        let outcome = agent.Observe(a, r.Reward, r.Terminated, ReadOnlySpan o)
        if r.Done then
            env.Reset()
            env.Observe(Span o)
            agent.BeginEpisode(ReadOnlySpan o)
        yield outcome ]

[<Tests>]
let tests =
    testList "Agent" [
        test "MinAtar reference schedule: random for 5000 steps, then 1 -> 0.1 over 100k steps" {
            let e t = EpsilonSchedule.MinAtarReference(t, 5000L, 100000L, 1.0, 0.1)
            close 1.0 (e 0L) "t = 0"
            close 1.0 (e 4999L) "last warm-up step"
            close 1.0 (e 5000L) "decay starts at 1"
            close 0.55 (e 55000L) "half way"
            close 0.100009 (e 104999L) "one step before the end"
            close 0.1 (e 105000L) "end"
            close 0.1 (e 5000000L) "stays at the end value"
            close 0.55 (EpsilonSchedule.At(EpsilonScheduleKind.MinAtarReference, 55000L, 5000L, 100000L, 1.0, 0.1)) "At uses t = steps done"
        }

        test "Dopamine linearly_decaying_epsilon: 1 until warm-up, linear to epsilon over the decay period" {
            let e step = EpsilonSchedule.DopamineLinear(250000L, step, 1000L, 0.01)
            close 1.0 (e 0L) "step 0"
            close 1.0 (e 1000L) "end of warm-up: bonus clipped to 1 - eps"
            close (0.01 + 0.99 * 249999.0 / 250000.0) (e 1001L) "first decaying step"
            close 0.505 (e 126000L) "half way"
            close 0.01 (e 251000L) "end"
            close 0.01 (e 10000000L) "after the end"
            // Dopamine increments training_steps before selecting: the action after n steps uses step n + 1.
            close (e 126000L) (EpsilonSchedule.At(EpsilonScheduleKind.DopamineLinear, 125999L, 1000L, 250000L, 1.0, 0.01)) "At uses steps done + 1"
        }

        test "TD target r + gamma (1 - terminal) max_a' Q_target(s', a')" {
            TorchRuntime.Initialize()
            use r = torch.tensor([| 1.0f; 0.5f; -1.0f |])
            use d = torch.tensor([| 0.0f; 1.0f; 0.0f |])
            use q = torch.tensor([| 1.0f; 2.0f; 5.0f; 3.0f; -2.0f; -4.0f |]).reshape(3L, 2L)
            use y = TdTargets.Dqn(r, d, q, 0.9)
            let values = y.data<float32>().ToArray()
            Expect.sequenceEqual (values |> Array.map (fun v -> Math.Round(float v, 5))) [| 2.8; 0.5; -2.8 |] "targets"
        }

        test "the update's loss is the mean Huber loss of Q(s,a) - y, computed by hand from both networks" {
            TorchRuntime.Initialize()
            use agent = new DqnAgent(AgentFactory.DqnSettingsOf(configWith smallConfig [ "PullTowardRandomTargetAtStart", box (true); "HuberDelta", box (0.5) ]), cartpoleSpec, 2)
            let s = [| 0.1f; -0.2f; 0.03f; 0.4f |]
            let s' = [| 0.12f; 0.1f; 0.02f; 0.1f |]
            agent.BeginEpisode(ReadOnlySpan s)
            agent.Replay.Add(1, 1.0f, false, ReadOnlySpan s')
            let q (net: Research.DeepAgents.Networks.QNetwork) (x: float32[]) =
                use input = torch.tensor(x).reshape(1L, 1L, 1L, 4L)
                use out = torch.no_grad()
                use values = net.forward(input)
                values.data<float32>().ToArray() |> Array.map float
            let qsa = (q agent.Online s)[1]
            let y = 1.0 + 0.99 * (Array.max (q agent.Target s'))
            let x = abs (qsa - y)
            let huber = if x <= 0.5 then 0.5 * x * x else 0.5 * (x - 0.25)
            let loss, meanQ = agent.Update().ToTuple()
            Expect.floatClose { absolute = 1e-5; relative = 1e-5 } (float loss) huber "loss (all 8 rows are the one transition)"
            Expect.floatClose { absolute = 1e-5; relative = 1e-5 } (float meanQ) qsa "mean Q(s, a)"
        }

        test "updates start after min-replay-history and the target refreshes every target-update-period steps" {
            TorchRuntime.Initialize()
            use agent = new DqnAgent(AgentFactory.DqnSettingsOf smallConfig, cartpoleSpec, 2)
            let outcomes = drive agent 40
            let stepsWith f = outcomes |> List.indexed |> List.filter (snd >> f) |> List.map (fst >> (+) 1)
            Expect.equal (stepsWith (fun o -> o.Updated)) [ 12; 16; 20; 24; 28; 32; 36; 40 ] "updates at multiples of 4 after step 10"
            Expect.equal (stepsWith (fun o -> o.Synced)) [ 16; 24; 32; 40 ] "syncs at multiples of 8 after step 10"
            Expect.equal (agent.Updates, agent.Syncs, agent.Steps) (8L, 4L, 40L) "counters"
            let firstSync = outcomes[15].TargetChange |> nonNull
            Expect.isGreaterThan firstSync.Global 0.0 "the online network moved during 2 updates"
            let sumSquares = firstSync.PerParameter |> Seq.sumBy (fun struct (_, n) -> n * n)
            close firstSync.Global (sqrt sumSquares) "the global norm is the norm of the per-parameter norms"
        }

        test "MinAtar-style target period counts updates" {
            TorchRuntime.Initialize()
            use agent = new DqnAgent(AgentFactory.DqnSettingsOf(configWith smallConfig [ "UpdatePeriod", box (2); "TargetUpdatePeriod", box (3L); "TargetPeriodUnit", box (TargetPeriodUnit.Updates) ]), cartpoleSpec, 2)
            let outcomes = drive agent 30
            let syncSteps = outcomes |> List.indexed |> List.filter (fun (_, o) -> o.Synced) |> List.map (fst >> (+) 1)
            // updates at 12, 14, ..., 30 (10 updates); syncs after updates 3, 6, 9 -> steps 16, 22, 28
            Expect.equal syncSteps [ 16; 22; 28 ] "sync after every third update"
        }

        test "the target starts as a copy of the online network unless the compatibility switch is on" {
            TorchRuntime.Initialize()
            let distance (agent: DqnAgent) =
                use d = agent.Online.Flat.Values - agent.Target.Flat.Values
                d.norm().item<float32>()
            use copied = new DqnAgent(AgentFactory.DqnSettingsOf(configWith smallConfig [ "Agent", box ("dqn-pro") ]), cartpoleSpec, 2)
            Expect.equal (distance copied) 0.0f "w = theta at start (Algorithm 1)"
            use independent = new DqnAgent(AgentFactory.DqnSettingsOf(configWith smallConfig [ "Agent", box ("dqn-pro"); "PullTowardRandomTargetAtStart", box (true) ]), cartpoleSpec, 2)
            Expect.isGreaterThan (distance independent) 0.1f "released code: independent random target"
        }

        test "DQN Pro pulls w toward theta: mu = alpha / c~ and a step moves w by the pull plus the optimizer step" {
            TorchRuntime.Initialize()
            let config = (configWith smallConfig [ "Agent", box ("dqn-pro"); "CTilde", box (0.01); "PullTowardRandomTargetAtStart", box (true) ])
            use pro = new DqnAgent(AgentFactory.DqnSettingsOf config, cartpoleSpec, 2)
            use plain = new DqnAgent(AgentFactory.DqnSettingsOf(configWith config [ "Agent", box ("dqn") ]), cartpoleSpec, 2)
            close 0.1 pro.Mu "mu = 1e-3 / 0.01"
            let fill (a: DqnAgent) =
                let s = [| 0.1f; -0.2f; 0.03f; 0.4f |]
                a.BeginEpisode(ReadOnlySpan s)
                a.Replay.Add(0, 1.0f, false, ReadOnlySpan s)
            fill pro
            fill plain
            use theta = pro.Target.Flat.Values.clone()
            use w0 = pro.Online.Flat.Values.clone()
            pro.Update() |> ignore
            plain.Update() |> ignore
            // Same seed, same batch, same gradient: the only difference is the pull mu (theta - w0).
            use expected = plain.Online.Flat.Values + 0.1 * (theta - w0)
            let err = (pro.Online.Flat.Values - expected).abs().max().item<float32>()
            Expect.isLessThan err 1e-6f "w_pro = w_dqn + mu (theta - w0)"
        }

        test "the fused accelerator runs Algorithm 1 as ProximalUpdate does: same batches, losses and parameters (dqn-pro, nu, RMSProp)" {
            TorchRuntime.Initialize()
            let rng = Random 6
            let states = Array.init 60 (fun _ -> Array.init 4 (fun _ -> float32 (rng.NextDouble() - 0.5)))
            let cases =
                [ "dqn-pro c~ 0.01, Adam", [ "Agent", box "dqn-pro"; "CTilde", box 0.01; "PullTowardRandomTargetAtStart", box true ]
                  "dqn nu 0.5, Adam", [ "Nu", box 0.5; "PullTowardRandomTargetAtStart", box true ]
                  "dqn-pro c~ 0.05, RMSProp TF", [ "Agent", box "dqn-pro"; "CTilde", box 0.05; "Optimizer", box OptimizerKind.RmsProp
                                                   "OptimizerForm", box OptimizerForm.TensorFlow; "OptimizerEpsilon", box 0.01 ] ]
            for name, keys in cases do
                let build kernel = new DqnAgent(AgentFactory.DqnSettingsOf(configWith smallConfig (keys @ [ "UpdateKernel", box kernel ])), cartpoleSpec, 2)
                use reference = build UpdateKernel.Autograd
                use fused = build UpdateKernel.Fused
                Expect.equal (reference.Kernel, fused.Kernel) (UpdateKernel.Autograd, UpdateKernel.Fused) $"{name}: the switch"
                for a in [ reference; fused ] do
                    a.BeginEpisode(ReadOnlySpan states[0])
                    for i in 1 .. states.Length - 1 do
                        a.Replay.Add(i % 2, (if i % 7 = 0 then 1.0f else 0.0f), i % 13 = 0, ReadOnlySpan states[i])
                use w0 = reference.Online.Flat.Values.clone()
                for k in 1 .. 5 do
                    let struct (l1, q1) = reference.Update()
                    let struct (l2, q2) = fused.Update()
                    Expect.floatClose { absolute = 1e-5; relative = 1e-5 } (float l2) (float l1) $"{name}, update {k}: loss"
                    Expect.floatClose { absolute = 1e-5; relative = 1e-5 } (float q2) (float q1) $"{name}, update {k}: mean Q"
                use d = (reference.Online.Flat.Values - fused.Online.Flat.Values).abs()
                Expect.isLessThan (d.max().item<float32>()) 1e-5f $"{name}: parameters after 5 updates"
                use moved = (reference.Online.Flat.Values - w0).abs()
                Expect.isGreaterThan (moved.max().item<float32>()) 1e-4f $"{name}: (the updates moved w by more than the tolerance)"
        }
    ]
