/// `prox train` and `prox eval`, run as a real process (exit codes, messages, run directory).
module TrainCliTests

open System
open System.IO
open Expecto
open CliTestSupport

let private tempRun name =
    Path.Combine(Path.GetTempPath(), "prox-cli-tests", sprintf "%s-%s" name (Guid.NewGuid().ToString("N").Substring(0, 8)))

let private expectUsage (args: string list) (fragments: string list) =
    let code, _, err = prox args
    Expect.equal code 2 (sprintf "exit code of %A (stderr: %s)" args err)
    for f in fragments do Expect.stringContains err f (sprintf "message of %A" args)

[<Tests>]
let tests =
    testSequenced <| testList "prox train" [
        test "bad flags and values exit 2 naming the key, the value and the allowed range" {
            expectUsage [ "train"; "--preset"; "nope"; "--dry-run" ] [ "preset"; "'nope'"; "minatar-reference" ]
            expectUsage [ "train"; "--agent"; "rainbow2"; "--dry-run" ] [ "agent"; "'rainbow2'"; "dqn, dqn-pro, rainbow, rainbow-pro" ]
            expectUsage [ "train"; "--set"; "batch-size=0"; "--dry-run" ] [ "invalid value for batch-size: '0'. Allowed: an integer in [1, 100000]." ]
            expectUsage [ "train"; "--set"; "gama=0.9"; "--dry-run" ] [ "'gama'"; "gamma" ]
            expectUsage [ "train"; "--set"; "gamma=high"; "--dry-run" ] [ "invalid value for gamma: 'high'" ]
            expectUsage [ "train"; "--agent"; "dqn-pro"; "--c-tilde"; "0.0001"; "--dry-run" ] [ "c-tilde"; "'0.0001'"; "mu" ]
            expectUsage [ "train"; "--c-tilde"; "0.2"; "--dry-run" ] [ "--c-tilde"; "only with --agent dqn-pro" ]
            expectUsage [ "train"; "--frames"; "-5"; "--dry-run" ] [ "--frames"; "'-5'" ]
            expectUsage [ "train"; "--env"; "minatar:pong"; "--frames"; "10"; "--out"; tempRun "pong" ] [ "environment"; "'minatar:pong'"; "minatar:breakout" ]
            expectUsage [ "eval"; "--run"; tempRun "missing" ] [ "--run" ]
        }

        test "--dry-run prints the resolved config with overrides applied" {
            let code, out, _ = prox [ "train"; "--agent"; "dqn-pro"; "--c-tilde"; "0.5"; "--preset"; "minatar-reference"; "--env"; "minatar:asterix"; "--frames"; "2M"; "--set"; "batch-size=64"; "--dry-run" ]
            Expect.equal code 0 "exit code"
            for fragment in [ "\"agent\": \"dqn-pro\""; "\"cTilde\": 0.5"; "\"environment\": \"minatar:asterix\""; "\"totalSteps\": 2000000"; "\"batchSize\": 64"; "\"preset\": \"minatar-reference\"" ] do
                Expect.stringContains out fragment fragment
        }

        test "train on cartpole writes the run directory; eval reports mean and std; --resume extends it" {
            let dir = tempRun "cartpole"
            let code, out, err = prox [ "train"; "--preset"; "cartpole"; "--agent"; "dqn-pro"; "--c-tilde"; "0.2"; "--frames"; "1500"; "--seed"; "3"
                                        "--set"; "min-replay-history=500"; "--set"; "eval-period=1000"; "--set"; "eval-episodes=2"
                                        "--set"; "tensor-board=true"; "--out"; dir ]
            Expect.equal code 0 (sprintf "train exit code (stderr: %s)" err)
            Expect.stringContains out "done: 1500 steps" "summary line"
            Expect.stringContains out "step 1500/1500" "plain progress line when redirected"
            for f in [ "config.json"; "metrics/episodes.csv"; "metrics/evaluations.csv"; "metrics/updates.csv"; "metrics/target_syncs.csv"
                       "metrics/target_sync_layers.csv"; "metrics/throughput.csv"; "checkpoints/checkpoint.bin" ] do
                Expect.isTrue (File.Exists(Path.Combine(dir, f))) f
            Expect.isNonEmpty (Directory.GetFiles(dir, "events.out.tfevents.*")) "TensorBoard events"
            Expect.isGreaterThan (File.ReadAllLines(Path.Combine(dir, "metrics", "target_syncs.csv")).Length) 1 "target syncs logged"
            let config = File.ReadAllText(Path.Combine(dir, "config.json"))
            for fragment in [ "\"format\": \"prox-run/1\""; "\"cTilde\": 0.2"; "\"gitCommit\""; "\"cores\"" ] do
                Expect.stringContains config fragment fragment

            let code, out, err = prox [ "eval"; "--run"; dir; "--episodes"; "3" ]
            Expect.equal code 0 (sprintf "eval exit code (stderr: %s)" err)
            Expect.isTrue (Text.RegularExpressions.Regex.IsMatch(out, "mean return -?[0-9.]+ \\+- [0-9.]+ \\(std\\) over 3 episodes")) (sprintf "mean and std in: %s" out)

            expectUsage [ "train"; "--out"; dir; "--frames"; "100" ] [ "--out"; "--resume" ]
            expectUsage [ "train"; "--resume"; "--out"; dir; "--seed"; "4" ] [ "--seed"; "--resume" ]
            let code, out, err = prox [ "train"; "--resume"; "--out"; dir; "--frames"; "2000" ]
            Expect.equal code 0 (sprintf "resume exit code (stderr: %s)" err)
            Expect.stringContains out "from step 1500" "resumed from the checkpoint"
            Expect.stringContains out "done: 2000 steps" "extended to 2000 steps"
            try Directory.Delete(dir, true) with _ -> ()
        }

        test "atari-paper without the ALE library exits 2 with the loader's message, before writing a run" {
            let roms = tempRun "roms"
            Directory.CreateDirectory roms |> ignore
            File.WriteAllBytes(Path.Combine(roms, "pong.bin"), [| 0uy |])
            let out = tempRun "atari"
            for agent in [ "dqn"; "rainbow-pro" ] do
                let code, _, err =
                    proxWith [ "ALE_LIBRARY", None; "ALE_ROM_DIR", Some roms ]
                        [ "train"; "--agent"; agent; "--env"; "atari:pong"; "--preset"; "atari-paper"; "--frames"; "400"; "--out"; out ]
                Expect.equal code 2 (sprintf "%s: exit code (stderr: %s)" agent err)
                for f in [ "error: Atari needs the Arcade Learning Environment's C library"; "libale_c.so"; "ALE_LIBRARY"; "docs/atari.md" ] do
                    Expect.stringContains err f (sprintf "%s: message" agent)
                Expect.isFalse (File.Exists(Path.Combine(out, "config.json"))) "no run written"
            try Directory.Delete(roms, true) with _ -> ()
        }

        test "rainbow and rainbow-pro: presets by agent, bad keys exit 2, a tiny cartpole run writes the run directory" {
            expectUsage [ "train"; "--agent"; "rainbow"; "--set"; "atoms=1"; "--dry-run" ] [ "invalid value for atoms: '1'. Allowed: an integer in [2, 10000]." ]
            expectUsage [ "train"; "--agent"; "rainbow"; "--set"; "v-max=-200"; "--dry-run" ] [ "invalid value for v-max: '-200'. Allowed: a finite number > v-min (-100)." ]
            expectUsage [ "train"; "--agent"; "rainbow"; "--set"; "n-step=0"; "--dry-run" ] [ "n-step"; "'0'" ]
            expectUsage [ "train"; "--agent"; "rainbow"; "--set"; "priority-alpha=2"; "--dry-run" ] [ "priority-alpha"; "[0, 1]" ]
            expectUsage [ "train"; "--agent"; "rainbow"; "--set"; "prioritized=maybe"; "--dry-run" ] [ "prioritized"; "true or false" ]
            expectUsage [ "train"; "--agent"; "rainbow"; "--preset"; "minatar-reference"; "--dry-run" ] [ "preset"; "minatar-dopamine, atari-paper, cartpole for rainbow" ]
            expectUsage [ "train"; "--agent"; "rainbow"; "--c-tilde"; "0.1"; "--dry-run" ] [ "--c-tilde"; "rainbow-pro" ]
            expectUsage [ "train"; "--agent"; "dqn"; "--set"; "double-q=true"; "--dry-run" ] [ "double-q" ]

            // --dry-run creates the environment as the real run would (Atari needs the ALE and ROMs): the preset on MinAtar.
            let code, out, err = prox [ "train"; "--agent"; "rainbow-pro"; "--preset"; "atari-paper"; "--env"; "minatar:breakout"; "--set"; "frame-stack=1"; "--dry-run" ]
            Expect.equal code 0 (sprintf "dry run (stderr: %s)" err)
            for fragment in [ "\"agent\": \"rainbow-pro\""; "\"cTilde\": 0.05"; "\"learningRate\": 6.25E-05"; "\"atoms\": 51"; "\"vMin\": -10"; "\"nStep\": 3"; "\"batchSize\": 64" ] do
                Expect.stringContains out fragment fragment

            let dir = tempRun "rainbow-cartpole"
            let code, out, err = prox [ "train"; "--agent"; "rainbow-pro"; "--env"; "cartpole"; "--preset"; "cartpole"; "--frames"; "1200"; "--seed"; "2"
                                        "--set"; "min-replay-history=400"; "--set"; "eval-period=600"; "--set"; "eval-episodes=2"; "--out"; dir ]
            Expect.equal code 0 (sprintf "train exit code (stderr: %s)" err)
            Expect.stringContains out "rainbow-pro on cartpole" "header"
            Expect.stringContains out "mu 0.005" "mu = 1e-3 / 0.2"
            Expect.stringContains out "done: 1200 steps" "summary line"
            for f in [ "config.json"; "metrics/episodes.csv"; "metrics/evaluations.csv"; "metrics/updates.csv"; "metrics/target_syncs.csv"; "checkpoints/checkpoint.bin" ] do
                Expect.isTrue (File.Exists(Path.Combine(dir, f))) f
            let config = File.ReadAllText(Path.Combine(dir, "config.json"))
            for fragment in [ "\"agent\": \"rainbow-pro\""; "\"atoms\": 51"; "\"vMax\": 100"; "\"prioritized\": true"; "\"priorityAlpha\": 0.5"; "\"doubleQ\": false" ] do
                Expect.stringContains config fragment fragment
            let code, out, err = prox [ "eval"; "--run"; dir; "--episodes"; "2" ]
            Expect.equal code 0 (sprintf "eval exit code (stderr: %s)" err)
            Expect.stringContains out "rainbow-pro on cartpole after 1200 steps" out
            try Directory.Delete(dir, true) with _ -> ()
        }
    ]
