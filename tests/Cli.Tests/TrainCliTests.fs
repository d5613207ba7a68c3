/// `prox train` and `prox eval`, run as a real process (exit codes, messages, run directory).
module TrainCliTests

open System
open System.IO
open Expecto
open CliTestSupport

let private expectUsage (args: string list) (fragments: string list) =
    let code, _, err = prox args
    Expect.equal code 2 (sprintf "exit code of %A (stderr: %s)" args err)
    for f in fragments do Expect.stringContains err f (sprintf "message of %A" args)

/// The events of a TensorBoard event file (framing and checksums are
/// checked in DeepAgents.Tests' TensorBoardTests).
let readEvents (path: string) =
    let bytes = File.ReadAllBytes path
    let mutable at = 0
    [ while at < bytes.Length do
        let length = int (BitConverter.ToUInt64(bytes, at))
        yield Tensorboard.Event.Parser.ParseFrom(bytes, at + 12, length)
        at <- at + 16 + length ]

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

        test "--config FILE (YAML or JSON): the keys of --set; flags and --set override it; bad keys and values named" {
            let dir = tempRun "config"
            Directory.CreateDirectory dir |> ignore
            let yaml = Path.Combine(dir, "run.yaml")
            File.WriteAllLines(yaml, [ "# a config file"; "agent: dqn-pro"; "preset: minatar-reference"; "environment: minatar:asterix"
                                       "c-tilde: 0.5"; "batch-size: 64"; "learningRate: 0.001" ])
            let code, out, err = prox [ "train"; "--config"; yaml; "--set"; "batch-size=16"; "--frames"; "2M"; "--dry-run" ]
            Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
            for fragment in [ "\"agent\": \"dqn-pro\""; "\"cTilde\": 0.5"; "\"environment\": \"minatar:asterix\""; "\"totalSteps\": 2000000"
                              "\"batchSize\": 16"; "\"learningRate\": 0.001"; "\"preset\": \"minatar-reference\""; "\"seed\": 0" ] do
                Expect.stringContains out fragment fragment
            let json = Path.Combine(dir, "run.json")
            File.WriteAllText(json, "{ \"agent\": \"dqn\", \"gama\": 0.9 }")
            expectUsage [ "train"; "--config"; json; "--dry-run" ] [ json + ": gama"; "'gama'"; "gamma" ]
            File.WriteAllText(json, "{ \"agent\": \"dqn\", \"gamma\": \"high\" }")
            expectUsage [ "train"; "--config"; json; "--dry-run" ] [ "invalid value for gamma: 'high'" ]
            File.WriteAllText(json, "{ \"agent\": \"dqn\", \"gamma\": [0.9, 0.99] }")
            expectUsage [ "train"; "--config"; json; "--dry-run" ] [ "gamma"; "a single value" ]
            expectUsage [ "train"; "--config"; Path.Combine(dir, "missing.yaml"); "--dry-run" ] [ "--config"; "missing.yaml"; "an existing JSON or YAML file" ]
            File.WriteAllText(json, "{ \"agent\": ")
            expectUsage [ "train"; "--config"; json; "--dry-run" ] [ "--config"; "valid JSON or YAML" ]
            try Directory.Delete(dir, true) with _ -> ()
        }

        test "eval --json is machine-readable; --gif records the trained agent's episode (GIF and PNG, deterministic)" {
            let dir = tempRun "eval-gif"
            let code, _, err = prox [ "train"; "--agent"; "dqn-pro"; "--env"; "minatar:breakout"; "--frames"; "3000"; "--set"; "min-replay-history=500"
                                      "--set"; "eval-period=3000"; "--set"; "eval-steps=300"; "--set"; "tensor-board=false"; "--out"; dir ]
            Expect.equal code 0 (sprintf "train (stderr: %s)" err)
            let gifPath = Path.Combine(dir, "play.gif")
            let code, out, err = prox [ "eval"; "--run"; dir; "--episodes"; "2"; "--json"; "--gif"; gifPath ]
            Expect.equal code 0 (sprintf "eval --json (stderr: %s)" err)
            let o = nonNull (Text.Json.Nodes.JsonNode.Parse out)
            let num (n: Text.Json.Nodes.JsonNode | null) = (nonNull n).GetValue<float>()
            Expect.equal ((nonNull o["agent"]).GetValue<string>()) "dqn-pro" "agent"
            Expect.equal (num o["episodes"]) 2.0 "episodes"
            Expect.equal (num o["steps"]) 3000.0 "steps trained"
            let code, text, _ = prox [ "eval"; "--run"; dir; "--episodes"; "2" ]
            Expect.equal code 0 "eval text"
            Expect.stringContains text (sprintf "mean return %s +- %s" ((num o["meanReturn"]).ToString("F3", Globalization.CultureInfo.InvariantCulture))
                                                                     ((num o["stdReturn"]).ToString("F3", Globalization.CultureInfo.InvariantCulture))) "same numbers as the sentence"
            let recording = nonNull o["recording"]
            let gif = RenderingDecoders.decodeGif (File.ReadAllBytes gifPath)
            let steps = int (num recording["steps"])
            Expect.isTrue ((nonNull recording["episodeEnded"]).GetValue<bool>()) "a breakout episode ends within 1000 steps"
            Expect.equal gif.Frames.Length (steps + 1) "one frame per step plus the first: a single episode"
            Expect.equal (List.last gif.Frames).Delay (5 * (List.head gif.Frames).Delay) "the terminal frame is held"
            Expect.equal (num recording["frames"]) (float gif.Frames.Length) "frames reported"
            let again = Path.Combine(dir, "again.gif")
            let code, _, _ = prox [ "eval"; "--run"; dir; "--episodes"; "1"; "--gif"; again ]
            Expect.equal code 0 "second recording"
            Expect.equal (File.ReadAllBytes again) (File.ReadAllBytes gifPath) "recordings derive from the run seed: identical"
            let pngPath = Path.Combine(dir, "last.png")
            let code, out, _ = prox [ "eval"; "--run"; dir; "--episodes"; "1"; "--gif"; pngPath ]
            Expect.equal code 0 "png"
            let png = RenderingDecoders.decodePng (File.ReadAllBytes pngPath)
            Expect.equal (png.Width, png.Height) (gif.Width, gif.Height) "the PNG is a frame of the same size"
            Expect.stringContains out "episode ended" "summary line"
            expectUsage [ "eval"; "--run"; dir; "--gif"; Path.Combine(dir, "x.mp4") ] [ "--gif"; "x.mp4"; ".gif"; ".png" ]
            try Directory.Delete(dir, true) with _ -> ()
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
            let events = Directory.GetFiles(dir, "events.out.tfevents.*")
            Expect.isNonEmpty events "TensorBoard events"
            let records = readEvents events[0]
            let now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() |> float |> fun ms -> ms / 1000.0
            for e in records do
                Expect.isTrue (e.WallTime > now - 3600.0 && e.WallTime <= now + 1.0) (sprintf "wall time %f in Unix seconds (now %f)" e.WallTime now)
            let values = records |> Seq.filter (fun e -> not (isNull e.Summary)) |> Seq.collect (fun e -> e.Summary.Value) |> List.ofSeq
            let text = values |> List.find (fun v -> v.Tag = "config/text_summary")
            Expect.equal text.Metadata.PluginData.PluginName "text" "text plugin"
            Expect.stringContains (text.Tensor.StringVal[0].ToStringUtf8()) "| c-tilde | 0.2 |" "config table"
            let start = values |> List.find (fun v -> v.Tag = "_hparams_/session_start_info")
            Expect.equal start.Metadata.PluginData.PluginName "hparams" "hparams plugin"
            let content = start.Metadata.PluginData.Content.ToByteArray() |> Text.Encoding.Latin1.GetString
            for key in [ "c-tilde"; "learning-rate"; "agent"; "dqn-pro" ] do Expect.stringContains content key ("hparam " + key)
            Expect.isTrue (values |> List.exists (fun v -> v.Tag = "train/episode_return")) "scalars"

            // --config: the run's config.json reruns it (same seed: the same metrics
            // byte for byte; --seed 7: only the seed differs).
            let again = dir + "-again"
            let code, _, err = prox [ "train"; "--config"; Path.Combine(dir, "config.json"); "--out"; again ]
            Expect.equal code 0 (sprintf "rerun from config.json (stderr: %s)" err)
            for f in [ "episodes.csv"; "evaluations.csv"; "target_syncs.csv"; "updates.csv" ] do
                Expect.equal (File.ReadAllBytes(Path.Combine(again, "metrics", f))) (File.ReadAllBytes(Path.Combine(dir, "metrics", f))) (f + " identical")
            let code, dry, err = prox [ "train"; "--config"; Path.Combine(dir, "config.json"); "--seed"; "7"; "--dry-run" ]
            Expect.equal code 0 (sprintf "--config --seed 7 (stderr: %s)" err)
            let root = nonNull (Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json"))))
            let stored = nonNull root["config"]
            stored["seed"] <- Text.Json.Nodes.JsonValue.Create(7L)
            Expect.isTrue (Text.Json.Nodes.JsonNode.DeepEquals(stored, Text.Json.Nodes.JsonNode.Parse dry)) (sprintf "only the seed differs: %s" dry)
            try Directory.Delete(again, true) with _ -> ()
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

        test "atari-paper without the ALE shim exits 2 with the loader's message and the build command, before writing a run" {
            let roms = tempRun "roms"
            Directory.CreateDirectory roms |> ignore
            File.WriteAllBytes(Path.Combine(roms, "pong.bin"), [| 0uy |])
            let out = tempRun "atari"
            for agent in [ "dqn"; "rainbow-pro" ] do
                let code, _, err =
                    proxWith [ "ALE_LIBRARY", Some "/nonexistent/libprox_ale.so"; "ALE_ROM_DIR", Some roms ]
                        [ "train"; "--agent"; agent; "--env"; "atari:pong"; "--preset"; "atari-paper"; "--frames"; "400"; "--out"; out ]
                Expect.equal code 2 (sprintf "%s: exit code (stderr: %s)" agent err)
                for f in [ "error: Atari needs the toolkit's ALE shim"; "/nonexistent/libprox_ale.so"; "ALE_LIBRARY"; "bash native/ale/build.sh"; "docs/atari.md" ] do
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

            // --dry-run creates the environment as the real run would (Atari needs
            // the ALE and ROMs): the preset on MinAtar.
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
