module TrainingTests

open System
open System.IO
open System.Threading
open Expecto
open Research.DeepAgents.Training
open Research.Random
open Research.RunFormat
open TrainingTestSupport

let tempRun (name: string) =
    let dir = Path.Combine(Path.GetTempPath(), "prox-tests", sprintf "%s-%s" name (Guid.NewGuid().ToString("N").Substring(0, 8)))
    dir

/// A CartPole run small enough for the suite: updates, target syncs, evaluations and a mid-run checkpoint.
let tiny =
    configWith Presets.CartPole [
        "TotalSteps", box 3000L; "MinReplayHistory", box 500L; "EpsilonWarmupSteps", box 500L; "EpsilonDecaySteps", box 2000L
        "TargetUpdatePeriod", box 250L; "EvalPeriod", box 1000L; "EvalEpisodes", box 2; "UpdateLogPeriod", box 50
        "CheckpointPeriod", box 1000L; "ThroughputLogPeriod", box 500L; "Seed", box 17L ]

let train config dir =
    use trainer = Trainer.Start(config, dir)
    trainer.Train()

/// Metrics files that depend only on config and seed (throughput.csv holds wall-clock data).
let reproducible = MetricsFiles.Names |> Seq.filter ((<>) "throughput.csv") |> List.ofSeq

let metricsBytes dir =
    [ for f in reproducible -> f, File.ReadAllBytes(Path.Combine(dir, "metrics", f)) ]

let expectSameMetrics a b message =
    for (name, x), (_, y) in List.zip (metricsBytes a) (metricsBytes b) do
        Expect.isTrue (x.Length > 0) (sprintf "%s: %s is not empty" message name)
        Expect.isTrue (x = y) (sprintf "%s: metrics/%s identical (%d vs %d bytes)" message name x.Length y.Length)

let rows dir file = File.ReadAllLines(Path.Combine(dir, "metrics", file)) |> Array.skip 1

let column (header: string) (name: string) = header.Split(',') |> Array.findIndex ((=) name)

let meanSyncNorm dir =
    let lines = File.ReadAllLines(Path.Combine(dir, "metrics", "target_syncs.csv"))
    let i = column lines[0] "norm"
    lines |> Array.skip 1 |> Array.map (fun l -> float (l.Split(',')[i])) |> Array.average

[<Tests>]
let configTests =
    testList "Training config" [
        test "every preset validates, and the Atari preset refuses to train without the ALE (ROMs, library)" {
            for table in [ Presets.All; Presets.Rainbow ] do
                for KeyValue(name, preset) in table do
                    ConfigValidation.Validate preset |> ignore
                    Expect.equal preset.Preset name "preset name recorded"
            let dir = tempRun "atari"
            let e = throwsMessage<ArgumentException> (fun () -> Trainer.Start(Presets.AtariPaper, dir) |> ignore)
            Expect.stringContains e "docs/atari.md" "the ROM / library loader's message, pointing to the docs"
            Expect.isFalse (File.Exists(Path.Combine(dir, "config.json"))) "nothing written"
        }

        test "overrides accept kebab, camel and Pascal keys, suffixes and inf" {
            let c = ConfigOverrides.Apply(Presets.MinAtarDopamine, [ "batch-size=64"; "targetUpdatePeriod=8k"; "TotalSteps=5M"; "c-tilde=inf"; "optimizer=rms-prop"; "rms-prop-centered=off"; "epsilon-schedule=minatar-reference" ])
            Expect.equal c.BatchSize 64 "kebab"
            Expect.equal c.TargetUpdatePeriod 8000L "camel + k"
            Expect.equal c.TotalSteps 5000000L "Pascal + M"
            Expect.equal c.CTilde Double.PositiveInfinity "inf"
            Expect.equal c.Optimizer OptimizerKind.RmsProp "enum in kebab"
            Expect.isFalse c.RmsPropCentered "bool"
            Expect.equal Presets.MinAtarDopamine.BatchSize 32 "presets are not modified"
        }

        test "unknown keys and invalid values name the key, the value and the allowed range" {
            let message f = throwsMessage<ConfigException> (fun () -> f () |> ignore)
            let unknown = message (fun () -> ConfigOverrides.Apply(Presets.CartPole, [ "batchsise=3" ]))
            Expect.stringContains unknown "'batchsise'" "names the key"
            Expect.stringContains unknown "batch-size" "lists the allowed keys"
            let notInt = message (fun () -> ConfigOverrides.Apply(Presets.CartPole, [ "batch-size=many" ]))
            Expect.equal notInt "invalid value for batch-size: 'many'. Allowed: an integer (suffix k, M or G allowed) in [-2147483648, 2147483647]." "parse error"
            let range = message (fun () -> ConfigValidation.Validate(ConfigOverrides.Apply(Presets.CartPole, [ "batch-size=0" ])))
            Expect.equal range "invalid value for batch-size: '0'. Allowed: an integer in [1, 50000]." "range error"
            let gamma = message (fun () -> ConfigValidation.Validate((configWith Presets.CartPole [ "Gamma", box (1.5) ])))
            Expect.equal gamma "invalid value for gamma: '1.5'. Allowed: [0, 1]." "gamma"
            let mu = message (fun () -> ConfigValidation.Validate((configWith Presets.CartPole [ "Agent", box ("dqn-pro"); "CTilde", box (1e-4) ])))
            Expect.stringContains mu "invalid value for c-tilde: '0.0001'" "c~ below the learning rate"
            let agent = message (fun () -> ConfigValidation.Validate((configWith Presets.CartPole [ "Agent", box ("rainbow2") ])))
            Expect.stringContains agent "one of dqn, dqn-pro, rainbow, rainbow-pro" "agents"
        }

        test "config.json round-trips the resolved config (including infinity) with run metadata" {
            let dir = tempRun "config"
            let run = RunDirectory(dir)
            run.Create()
            let config = (configWith Presets.MinAtarReference [ "CTilde", box (Double.PositiveInfinity); "Seed", box (42L) ])
            run.WriteConfig(config, RunInfo.Now 42L)
            let back, info = run.ReadConfig().ToTuple()
            Expect.equal back config "config"
            Expect.equal info.Seed 42L "seed"
            Expect.isTrue (info.Machine.ContainsKey "cores") "machine"
            Expect.isTrue (info.GitCommit.Length = 40 || info.GitCommit = "unknown") "git commit"
            Expect.stringContains (File.ReadAllText run.ConfigPath) "\"cTilde\": \"Infinity\"" "infinity spelled out"
            deleteRuns [ dir ]
        }

        test "seeds derive per stream and are stable" {
            Expect.notEqual (Seeds.Derive(1L, Seeds.Replay)) (Seeds.Derive(1L, Seeds.Exploration)) "streams differ"
            Expect.notEqual (Seeds.Derive(1L, Seeds.Replay)) (Seeds.Derive(2L, Seeds.Replay)) "seeds differ"
            Expect.equal (Seeds.Fnv1a64 "a") 0xaf63dc4c8601ec8cUL "FNV-1a of 'a' (UTF-16 code unit 0x61)"
            // Published xoshiro256** known answers (state from four SplitMix64 outputs of seed 0).
            let z = Xoshiro256(0UL)
            Expect.equal [ for _ in 1 .. 3 -> z.NextUInt64() ]
                [ 0x99ec5f36cb75f2b4UL; 0xbf6e1f784956452aUL; 0x1a5f849d4933e6e0UL ] "xoshiro256**"
            // NextInt: Lemire's multiply-and-reject on the top 32 bits
            // (values from a Python port of the method).
            let b = Xoshiro256(7UL)
            Expect.equal [ for _ in 1 .. 10 -> b.NextInt 10 ] [ 7; 2; 8; 9; 9; 8; 0; 1; 4; 1 ] "NextInt 10"
            let r = Xoshiro256(5UL)
            let counts = Array.zeroCreate 3
            for _ in 1 .. 30000 do let i = r.NextInt 3 in counts[i] <- counts[i] + 1
            for c in counts do Expect.isTrue (abs (c - 10000) < 400) "NextInt is uniform"
        }
    ]

[<Tests>]
let runTests =
    testSequenced <| testList "Training runs" [
        test "a run writes every file; two runs with the same seed write identical metrics" {
            let a, b = tempRun "det-a", tempRun "det-b"
            let result = train tiny a
            train tiny b |> ignore
            Expect.isTrue result.Completed "completed"
            for f in MetricsFiles.Names do Expect.isTrue (File.Exists(Path.Combine(a, "metrics", f))) f
            Expect.isTrue (File.Exists(Path.Combine(a, "config.json"))) "config.json"
            Expect.isTrue (File.Exists(Path.Combine(a, "checkpoints", "checkpoint.bin"))) "checkpoint"
            Expect.equal (rows a "evaluations.csv").Length 3 "an evaluation every 1000 steps"
            Expect.equal (rows a "target_syncs.csv").Length ((3000 - 500) / 250) "a sync row at every target refresh"
            Expect.isGreaterThan (rows a "target_sync_layers.csv").Length (rows a "target_syncs.csv").Length "per-layer rows"
            Expect.equal (rows a "updates.csv").Length (2500 / 50) "an update row every 50 updates"
            expectSameMetrics a b "same seed"
            let c = tempRun "det-c"
            train (configWith tiny [ "Seed", box (18L) ]) c |> ignore
            Expect.notEqual (File.ReadAllBytes(Path.Combine(a, "metrics", "episodes.csv"))) (File.ReadAllBytes(Path.Combine(c, "metrics", "episodes.csv"))) "another seed differs"
            deleteRuns [ a; b; c ]
        }

        test "resume from a mid-run checkpoint reproduces the uninterrupted run byte for byte" {
            let full, split = tempRun "full", tempRun "split"
            train tiny full |> ignore
            // Stop at an arbitrary step (mid-episode) as Ctrl-C would, then resume.
            using (new CancellationTokenSource()) (fun cts ->
                use trainer = Trainer.Start(tiny, split)
                let r = trainer.Train(cts.Token, (fun s -> if s.Step = 1337L then cts.Cancel()), 1L)
                Expect.isFalse r.Completed "interrupted"
                Expect.equal r.Steps 1337L "stopped right after the signal")
            do
                use resumed = Trainer.Resume(split)
                let r = resumed.Train()
                Expect.isTrue r.Completed "completed after resume"
            expectSameMetrics full split "interrupted + resumed"
            // A crash while writing a checkpoint leaves a .tmp file behind; it is ignored.
            File.WriteAllText(Path.Combine(split, "checkpoints", "checkpoint.bin.tmp"), "partial")
            do
                use again = Trainer.Resume(split, 3500L)
                Expect.equal again.Agent.Steps 3000L "the last complete checkpoint is used"
            deleteRuns [ full; split ]
        }

        test "dqn-pro with c~ = inf is bit-identical to dqn" {
            let dqn, pro = tempRun "dqn", tempRun "pro-inf"
            train (configWith tiny [ "CheckpointPeriod", box (0L); "EvalPeriod", box (1500L) ]) dqn |> ignore
            train (configWith tiny [ "CheckpointPeriod", box (0L); "EvalPeriod", box (1500L); "Agent", box ("dqn-pro"); "CTilde", box (Double.PositiveInfinity) ]) pro |> ignore
            expectSameMetrics dqn pro "c~ = inf"
            deleteRuns [ dqn; pro ]
        }

        test "target-network norm differences are logged at every sync and are smaller for DQN Pro" {
            let config = (configWith tiny [ "TotalSteps", box (4000L); "CheckpointPeriod", box (0L); "EvalPeriod", box (0L) ])
            let dqn, pro = tempRun "norm-dqn", tempRun "norm-pro"
            train config dqn |> ignore
            train (configWith config [ "Agent", box ("dqn-pro"); "CTilde", box (0.05) ]) pro |> ignore
            let d, p = meanSyncNorm dqn, meanSyncNorm pro
            Expect.equal (rows pro "target_syncs.csv").Length ((4000 - 500) / 250) "one row per sync"
            Expect.isLessThan p (0.8 * d) (sprintf "mean d_k: Pro %.4f vs DQN %.4f" p d)
            deleteRuns [ dqn; pro ]
        }
    ]
