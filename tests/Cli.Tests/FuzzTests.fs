/// Bad command lines and spec strings (docs/cli.md, "Errors"): every generated bad invocation of every
/// subcommand ends with exit 1 or 2 and a message on stderr, never an unhandled exception or a stack trace;
/// every spec string parses to a valid value or gets a message naming the flag.
module FuzzTests

open System
open System.IO
open Expecto
open FsCheck
open FsCheck.FSharp
open Research.Cli
open Research.DeepAgents.Training

/// Damaged study files (docs/sweeps.md) in JSON and YAML, each bad on its own, and study run folders: a
/// folder without study.json and one whose study.json is cut off. Returned as paths below `root`.
let private badStudies (root: string) =
    let good = "agents: [dqn-pro]\nenvironments: [cartpole]\nframes: 200\n"
    let files =
        [ "trunc.json", "{\"agents\": [\"dqn\"], \"environments\": ["; "list.json", "[1, 2]"; "null.json", "null"; "empty.yaml", ""
          "deep.json", String('[', 3000); "binary.yaml", "\u0000\u0001\u00ff{{{"; "bom-garbage.json", "\ufeff{\"a\" 1}"
          "dupkey.yaml", "agents: [dqn]\nagents: [dqn-pro]\nenvironments: [cartpole]"; "multi.yaml", "---\nagents: [dqn]\n---\nb: 2\n"
          "tabs.yaml", "agents:\t[dqn]\n\tenvironments: [cartpole]"; "keylist.yaml", "[a]: 1\n"; "complexkey.yaml", "? [a, b]\n: 1"
          "agents-map.yaml", "agents: {a: 1}\nenvironments: [cartpole]"; "nested.json", "{\"agents\": [[\"dqn\"]], \"environments\": [\"cartpole\"]}"
          "seeds-bad.yaml", good + "seeds: [abc]"; "seeds-map.yaml", good + "seeds: {a: 1}"; "seeds-null.yaml", good + "seeds:"
          "seeds-huge.yaml", good + "seeds: 0..99999999999"; "seeds-zero.json", "{\"agents\": [\"dqn\"], \"environments\": [\"cartpole\"], \"seeds\": 0}"
          "grid-null.yaml", good + "gamma: [~, 0.5]"; "key-null.yaml", good + "gamma:"; "grid-empty.yaml", good + "gamma: []"
          "c-tilde-empty.yaml", good + "c-tilde: []"; "c-tilde-map.yaml", good + "c-tilde: {a: 1}"; "c-tilde-zero.yaml", good + "c-tilde: [0, 1]"
          "name-null.yaml", "name:\n" + good; "name-list.yaml", "name: [a]\n" + good; "name-slash.json", "{\"name\": \"a/b\", \"agents\": [\"dqn\"], \"environments\": [\"cartpole\"]}"
          "env-bad.yaml", "agents: [dqn]\nenvironments: [minatar:pong]"; "env-null.yaml", "agents: [dqn]\nenvironments: [~]"
          "env-missing.yaml", "agents: [dqn]"; "agents-missing.json", "{\"environments\": [\"cartpole\"]}"; "agents-null.yaml", "agents: ~\nenvironments: [cartpole]"
          "preset-bad.yaml", good + "preset: bogus"; "frames-list.yaml", good + "frames: [1, 2]"; "frames-bad.json", "{\"agents\": [\"dqn\"], \"environments\": [\"cartpole\"], \"frames\": \"abc\"}"
          "frames-zero.yaml", "agents: [dqn]\nenvironments: [cartpole]\nframes: 0"; "unknown-key.json", "{\"agents\": [\"dqn\"], \"environments\": [\"cartpole\"], \"bogus\": 1}"
          "dup-values.yaml", "agents: [dqn, dqn]\nenvironments: [cartpole]"; "value-bad.yaml", good + "batch-size: -4"
          "alias.yaml", "agents: &x [dqn]\nenvironments: *x"; "tag.yaml", "agents: !!binary AAAA\nenvironments: [cartpole]"
          "atari-mode.yaml", good + "atari-mode: 2"; "long-key.yaml", good + String('a', 3000) + ": 1"
          // YamlDotNet's scanner threw InvalidOperationException on this
          // one (found by the study-file property).
          "scanner.yaml", "gamma: {a: 0..2}\nlearning-rate: [[[, 0, abc]]\ngamma: 200\nframes: cartpole" ]
    let dir = Path.Combine(root, "studies")
    Directory.CreateDirectory dir |> ignore
    let paths = [ for name, text in files -> let path = Path.Combine(dir, name) in File.WriteAllText(path, text); path ]
    let noStudy, cutStudy = Path.Combine(dir, "folder-without-study"), Path.Combine(dir, "folder-cut-study")
    Directory.CreateDirectory noStudy |> ignore
    Directory.CreateDirectory cutStudy |> ignore
    File.WriteAllText(Path.Combine(cutStudy, "study.json"), "{\"name\": \"x\", \"agents\": [\"dqn\"]")
    paths @ [ noStudy; cutStudy; Path.Combine(dir, "missing.yaml") ]

/// Paths the fuzz uses: missing, a file, an empty directory, a directory
/// whose config.json is not JSON, kernel files.
type private Paths =
    { Root: string; Missing: string; File: string; Empty: string; BadRun: string; Studies: string list; StudyFolder: string }
    member p.Bad = [ p.Missing; p.File; p.Empty; p.BadRun; "/proc/x"; "/proc/self/status"; p.File + "/below"; "" ]

let private makePaths () =
    let root = Path.Combine(Path.GetTempPath(), "prox-fuzz", Guid.NewGuid().ToString("N").Substring(0, 8))
    let p = { Root = root; Missing = Path.Combine(root, "missing", "deeper"); File = Path.Combine(root, "a-file")
              Empty = Path.Combine(root, "empty"); BadRun = Path.Combine(root, "bad-run"); Studies = badStudies root
              StudyFolder = Path.Combine(root, "sweep-study") }
    // A study's run folder as `prox sweep run` leaves it (one CartPole run, index 0), for `sweep task`.
    Directory.CreateDirectory p.StudyFolder |> ignore
    File.WriteAllText(Path.Combine(p.StudyFolder, "study.json"),
                      "{\"name\": \"fuzz\", \"agents\": [\"dqn\"], \"environments\": [\"cartpole\"], \"seeds\": [0], \"frames\": \"200\"}")
    Directory.CreateDirectory p.Empty |> ignore
    Directory.CreateDirectory p.BadRun |> ignore
    File.WriteAllText(p.File, "not a csv, not a notebook, not a trace\n")
    File.WriteAllText(Path.Combine(p.BadRun, "config.json"), "{ \"format\": \"prox-run/1\", \"config\": ")
    p

/// Bad values of every kind a number flag can get.
let private badNumbers = [ "NaN"; "nan"; "inf"; "-inf"; "1e400"; "-1"; "-0.5"; "abc"; ""; "1,5"; "0x10"; "99999999999999999999"; "--" ]
let private badCounts = [ "0"; "-1"; "-7"; "abc"; "1.5"; "NaN"; "inf"; "99999999999"; "" ]

/// One subcommand: its words, the bad groups (each makes the invocation invalid on its own) and filler flags
/// (a flag and values, good or bad) that never make a bad invocation valid.
type private Spec = { Words: string list; Poisons: string list list; Fillers: (string * string list) list; Required: (string * string list) list }

let private specs (p: Paths) =
    let opt flag values = [ for v in values -> [ flag; v ] ]
    let fresh () = Path.Combine(p.Root, "fresh-" + Guid.NewGuid().ToString("N").Substring(0, 6))
    let common = [ [ "--bogus" ]; [ "--bogus"; "1" ]; [ "--help-me" ] ]
    [ { Words = [ "plan" ]
        Poisons = common @ opt "--mdp" [ "bogus"; "garnet:states=0"; "garnet:states=abc"; "gridworld:size=0"; "chain:states=1"; "garnet:foo=1"
                                         "garnet:states=5,branching=9"; "garnet:states=100000,actions=1000,storage=dense"; ""; "garnet:states" ]
                  @ opt "--gamma" [ "1"; "1.5"; "-0.1"; "NaN"; "abc"; "inf" ] @ opt "--noise" [ "gaussian:-1"; "bogus"; "uniform:abc"; "gaussian:NaN"; "gaussian:inf"; "" ]
                  @ opt "--c" [ "0"; "-1"; "abc"; ""; "0.1,,0.2"; "NaN"; "-inf" ] @ opt "--iterations" badCounts @ opt "--seeds" [ "0"; "-2"; "x" ]
                  @ opt "--pmpi-steps" [ "0"; "-1" ] @ opt "--threads" [ "0"; "-1"; "x" ] @ opt "--out" (p.Bad |> List.filter (fun b -> b <> p.Missing && b <> p.Empty && b <> p.BadRun))
        Fillers = [ "--gamma", [ "0.9"; "0.5" ]; "--iterations", [ "5"; "10" ]; "--seeds", [ "2" ]; "--noise", [ "none"; "gaussian:1" ]
                    "--c", [ "0.5,inf" ]; "--threads", [ "1" ]; "--mdp", [ "chain:states=5" ] ]
        Required = [ "--out", [ fresh (); fresh () ] ] }
      for sub, flags in [ "optimal-c", [ "--gamma"; "--iterations"; "--e0"; "--sigma" ]; "modulus", [ "--gamma"; "--c"; "--pmpi-steps" ]
                          "bound", [ "--gamma"; "--c"; "--iterations"; "--e0"; "--noise-bound" ]; "mse", [ "--gamma"; "--c"; "--iterations"; "--e0"; "--sigma" ] ] do
        let bad flag =
            match flag with
            | "--gamma" -> [ "1"; "-0.1"; "NaN"; "abc"; "inf" ]
            | "--c" -> [ "0"; "-1"; "abc"; "NaN"; "" ]
            | "--iterations" -> [ "-1"; "abc"; "1e3" ]
            | "--pmpi-steps" -> [ "0"; "-3" ]
            | _ -> [ "-1"; "NaN"; "inf"; "abc" ]
        let good flag =
            match flag with
            | "--gamma" -> [ "0.9" ]
            | "--c" -> [ "0.5"; "inf" ]
            | "--iterations" | "--pmpi-steps" -> [ "3" ]
            | _ -> [ "1" ]
        { Words = [ "theory"; sub ]; Poisons = common @ [ for f in flags do yield! opt f (bad f) ]
          Fillers = [ for f in flags -> f, good f ]; Required = [] }
      { Words = [ "train" ]
        Poisons = common @ opt "--agent" [ "bogus"; ""; "DQN" ] @ opt "--preset" [ "bogus"; "" ] @ opt "--env" [ "minatar:pong"; "bogus"; "minatar:"; "" ]
                  @ opt "--frames" [ "0"; "-5"; "abc"; "1e400"; "NaN"; "inf"; "9223372036854775807G"; "" ] @ opt "--seed" [ "abc"; "1e99"; "NaN"; "" ]
                  @ opt "--c-tilde" [ "0"; "-1"; "NaN"; "abc"; "1e-9"; "" ]
                  @ opt "--set" [ "bogus=1"; "gamma=2"; "batch-size=-1"; "noequals"; "learning-rate=NaN"; "replay-capacity=1"; "gamma=x"; "=1"; "optimizer=bogus"
                                  "seed=1.5"; "frame-stack=2"; "sticky-action-probability=inf" ]
                  @ opt "--out" [ p.File; "/proc/x"; "/proc/self/status"; p.File + "/below"; p.BadRun; "" ]
                  @ [ for d in p.Bad -> [ "--resume"; "--out"; d ] ]
                  @ [ [ "--resume" ]; [ "--resume"; "--agent"; "dqn"; "--out"; p.BadRun ]; [ "--resume"; "--out"; p.Empty; "--frames"; "abc" ] ]
        Fillers = [ "--agent", [ "dqn"; "dqn-pro"; "rainbow" ]; "--preset", [ "minatar-dopamine"; "cartpole" ]; "--env", [ "minatar:breakout"; "cartpole" ]
                    "--frames", [ "1k"; "500" ]; "--seed", [ "0"; "7" ]; "--set", [ "batch-size=16"; "gamma=0.5" ]; "--c-tilde", [ "inf" ]; "--dry-run", [] ]
        Required = [ "--out", [ fresh (); fresh () ] ] }
      { Words = [ "eval" ]
        Poisons = common @ opt "--episodes" [ "0"; "-1"; "abc"; "1e10" ] @ opt "--epsilon" [ "2"; "-0.5"; "NaN"; "abc"; "inf" ] @ opt "--max-episode-steps" [ "0"; "-1"; "abc" ]
        Fillers = [ "--episodes", [ "1"; "3" ]; "--epsilon", [ "0"; "0.05" ]; "--max-episode-steps", [ "10" ] ]
        Required = [ "--run", p.Bad ] }
      { Words = [ "env"; "info" ]; Poisons = common @ opt "--game" [ "pong"; ""; "minatar:"; "atari:pong"; "BREAKOUT" ]; Fillers = []; Required = [] }
      { Words = [ "env"; "replay" ]; Poisons = common @ opt "--trace" (p.Bad @ [ "/etc/passwd" ]); Fillers = []; Required = [] }
      { Words = [ "env"; "render" ]
        Poisons = common @ opt "--game" [ "bogus"; ""; "pong" ] @ opt "--out" [ Path.Combine(p.Root, "x.txt"); "/proc/x.gif"; p.Empty; Path.Combine(p.Missing, "x.gif"); p.File + "/x.png"; "" ]
                  @ opt "--steps" [ "0"; "-1"; "abc" ] @ opt "--scale" [ "3"; "129"; "x" ] @ opt "--fps" [ "0"; "51" ] @ opt "--sticky" [ "-0.1"; "1.5"; "NaN" ]
                  @ opt "--policy" [ "bogus"; "" ] @ opt "--seed" [ "-1"; "x" ] @ opt "--ramping" [ "maybe" ]
        Fillers = [ "--steps", [ "3" ]; "--scale", [ "4" ]; "--fps", [ "10" ]; "--policy", [ "noop"; "random" ]; "--sticky", [ "0" ] ]
        Required = [ "--game", [ "breakout"; "minatar:asterix" ]; "--out", [ Path.Combine(p.Root, "fresh.gif") ] ] }
      { Words = [ "figures" ]
        Poisons = common @ opt "--out" [ p.File; "/proc/x"; p.File + "/below" ] @ opt "--scores" [ p.File; "/etc/passwd"; p.Missing; p.Empty; "/proc/self/status" ]
                  @ opt "--bootstrap-samples" [ "0"; "-1"; "abc"; "5" ] @ opt "--seed" [ "abc"; "1e99" ]
        Fillers = [ "--no-png", []; "--inline-plotly", []; "--bootstrap-samples", [ "100" ]; "--seed", [ "3" ] ]
        Required = [ "--runs", [ p.Missing; p.File; p.Empty; "/proc/x"; "" ] ] }
      { Words = [ "reproduce" ]
        Poisons = common @ opt "--budget" [ "bogus"; ""; "TINY" ] @ opt "--games" [ "pong"; ""; ",,"; "breakout,bogus" ] @ opt "--seeds" [ "0"; "-1"; "abc" ]
                  @ opt "--jobs" [ "0"; "-1"; "abc" ] @ opt "--runs" [ p.File; "/proc/x"; "/proc/self/status" ] @ opt "--out" [ p.File; "/proc/x" ]
                  @ [ [ "--print-commands"; "--seeds"; "0" ]; [ "--print-commands"; "--budget"; "huge" ] ]
        Fillers = [ "--budget", [ "tiny" ]; "--games", [ "cartpole" ]; "--seeds", [ "1" ]; "--jobs", [ "1" ]; "--no-png", [] ]
        Required = [ "--runs", [ fresh () ]; "--out", [ fresh () ] ] }
      // sweep: a valid flag-made study (dqn-pro on CartPole) that each flag poison spoils on its own, or no
      // flags and a damaged study file; the local executor never starts a run. task: a real study folder, bad
      // invocations only.
      let studyFiles = [ for s in p.Studies -> [ s ] ]
      let sweepPoisons =
          common @ opt "--agents" [ "bogus"; ""; ","; "dqn,bogus"; "DQN" ] @ opt "--envs" [ "minatar:pong"; "bogus"; ""; ",,"; "atari:" ]
          @ opt "--seeds" [ "0"; "-1"; "abc"; "5..2"; "1,,x"; "99999999999"; "0..100000"; "" ] @ opt "--c-tilde" [ "0"; "-1"; "abc"; ""; ","; "0.1,0.1"; "NaN" ]
          @ opt "--frames" [ "0"; "-5"; "abc"; "1e400"; "" ] @ opt "--preset" [ "bogus"; "" ] @ opt "--name" [ "a/b"; ""; "a b"; "../x" ]
          @ opt "--grid" [ "gamma=2,0.5"; "bogus=1"; "gamma"; "=1"; "gamma="; "batch-size=1,1"; "c-tilde=0" ] @ opt "--set" [ "gamma=2"; "noequals"; "seed=x"; "frame-stack=2"; "atari-mode=1" ]
      let sweepFillers = [ "--seeds", [ "1"; "0,3" ]; "--c-tilde", [ "0.5"; "inf,1" ]; "--grid", [ "learning-rate=1e-4,3e-4" ]; "--set", [ "update-period=2" ]; "--name", [ "fuzz" ] ]
      let sweepBase = [ "--agents", [ "dqn-pro" ]; "--envs", [ "cartpole" ]; "--frames", [ "200" ]; "--runs", [ fresh (); fresh () ] ]
      let runPoisons = opt "--executor" [ "bogus"; ""; "LOCAL" ] @ opt "--jobs" [ "0"; "-1"; "abc"; "" ] @ opt "--out" [ "" ] @ opt "--throttle" [ "x" ] @ opt "--gpus" [ "x" ]
      { Words = [ "sweep"; "run" ]
        Poisons = sweepPoisons @ runPoisons @ opt "--runs" [ p.File; "/proc/x"; p.File + "/below"; ""; "/proc/self/status" ]
        Fillers = sweepFillers @ [ "--no-figures", []; "--out", [ fresh () ] ]
        Required = sweepBase }
      { Words = [ "sweep"; "run" ]; Poisons = studyFiles; Fillers = [ "--no-figures", []; "--jobs", [ "1" ]; "--runs", [ fresh () ] ]; Required = [] }
      { Words = [ "sweep"; "status" ]; Poisons = sweepPoisons @ opt "--runs" [ "" ] @ [ [ "--executor"; "local" ] ]; Fillers = sweepFillers; Required = sweepBase }
      { Words = [ "sweep"; "status" ]; Poisons = studyFiles; Fillers = [ "--runs", [ fresh () ] ]; Required = [] }
      { Words = [ "sweep"; "task" ]
        Poisons = common @ [ for s in p.Studies -> [ s; "--index"; "0" ] ] @ [ for i in [ "-1"; "1"; "99"; "abc"; ""; "1e3" ] -> [ p.StudyFolder; "--index"; i ] ]
                  @ [ [ p.StudyFolder ]; [ p.StudyFolder; "--index" ]; [ "--index"; "7" ]; [ p.File; "--index"; "0" ]; [ "/proc/x"; "--index"; "0" ] ]
        Fillers = []
        Required = [] }
      { Words = [ "notebooks"; "run" ]
        Poisons = [ [ p.Missing + ".ipynb" ]; [ "/etc/passwd" ]; [ p.Empty ]; [ p.File ] ]
        Fillers = [ "--parameter", [ "frames=1000"; "novalue" ]; "--out", [ p.File; "/proc/x" ] ]
        Required = [] } ]

/// A bad invocation: 1-2 poisons, 0-4 fillers on other flags, the required flags, in random order.
let private generate (rng: Random) (spec: Spec) =
    let pick (xs: 'a list) = xs[rng.Next xs.Length]
    let poisons = [ for _ in 1 .. 1 + rng.Next 2 -> pick spec.Poisons ] |> List.distinct
    let used = poisons |> List.collect (List.filter (fun a -> a.StartsWith "--")) |> set
    let fillers =
        spec.Fillers |> List.filter (fun (f, _) -> not (used.Contains f)) |> List.sortBy (fun _ -> rng.Next())
        |> List.truncate (rng.Next 5) |> List.map (fun (f, values) -> if values.IsEmpty then [ f ] else [ f; pick values ])
    let required = spec.Required |> List.filter (fun (f, _) -> not (used.Contains f)) |> List.map (fun (f, values) -> [ f; pick values ])
    spec.Words @ List.concat ((poisons @ fillers @ required) |> List.sortBy (fun _ -> rng.Next()))

/// Runs `prox args` in-process with stdout and stderr captured.
let private runInProcess (args: string list) =
    let out, err = new StringWriter(), new StringWriter()
    let oldOut, oldErr = Console.Out, Console.Error
    Console.SetOut out
    Console.SetError err
    let code =
        try ProxApp.Run(Array.ofList args)
        finally
            Console.SetOut oldOut
            Console.SetError oldErr
    code, string out, string err

let private problem (args: string list) (code: int, _: string, err: string) =
    let shown = String.Join(" ", args |> List.map (fun a -> if a = "" || a.Contains ' ' then $"'{a}'" else a))
    if code <> 1 && code <> 2 then Some $"prox {shown}: exit {code}"
    elif String.IsNullOrWhiteSpace err then Some $"prox {shown}: nothing on stderr"
    elif err.Contains "internal error" || err.Contains "Unhandled" || err.Contains "\n   at " then Some $"prox {shown}: {err}"
    elif err.Trim().Replace("\r", "").Contains "\n\n" then Some $"prox {shown}: more than one paragraph: {err}"
    else None

[<Tests>]
let fuzzTests =
    testSequenced <| testList "CLI fuzz" [
        test "1000 generated bad invocations of every subcommand: exit 1 or 2, a message, no stack trace" {
            let paths = makePaths ()
            let rng = Random 20261206
            let mutable counts = Map.empty
            let failures = Collections.Generic.List<string>()
            for spec in specs paths do
                let top = spec.Words.Head
                // theory and env have several subcommands: 1000 per top-level
                // command, spread over its subcommands.
                let share = specs paths |> List.filter (fun s -> s.Words.Head = top) |> List.length
                for _ in 1 .. (1000 + share - 1) / share do
                    let args = generate rng spec
                    match Environment.GetEnvironmentVariable "PROX_FUZZ_LOG" with
                    | null -> ()
                    | log -> File.AppendAllText(log, String.Join(" | ", args) + "\n")
                    match problem args (runInProcess args) with
                    | Some p when failures.Count < 20 -> failures.Add p
                    | _ -> ()
                    counts <- counts |> Map.change top (fun n -> Some(defaultArg n 0 + 1))
            Directory.Delete(paths.Root, true)
            Expect.isEmpty failures (String.Join("\n", failures))
            for KeyValue(top, n) in counts do Expect.isGreaterThanOrEqual n 1000 $"{top}: at least 1000 invocations"
            Expect.equal counts.Count 9 "every top-level subcommand"
        }

        test "--verbose (or PROX_VERBOSE=1) adds the stack trace, and only then" {
            let args = [ "train"; "--resume"; "--out"; "/proc/x"; "--verbose" ]
            let code, _, err = runInProcess args
            Expect.equal code 2 "usage error"
            Expect.stringContains err "invalid value for --out: '/proc/x'" "message first"
            Expect.stringContains err "   at " "stack trace with --verbose"
            let _, _, quiet = runInProcess (List.take 4 args)
            Expect.isFalse (quiet.Contains "   at ") "no stack trace without it"
        }
    ]

/// Spec strings: a mix of arbitrary strings and near-valid ones built from the grammar's own words.
let private specStrings =
    let words = [ "garnet"; "gridworld"; "chain"; "gaussian"; "uniform"; "adversarial"; "none"; "states"; "actions"; "branching"; "seed"; "storage"
                  "dense"; "sparse"; "size"; "slip"; "batch-size"; "gamma"; "c-tilde"; "total-steps"; "optimizer"; "adam"; "learning-rate"; "agent"; "environment"
                  "replay-capacity"; "noisy"; "frame-skip"; "eval-epsilon"; "tensor-board"; "target-period-unit" ]
    let numbers = [ "0"; "1"; "-1"; "2"; "5"; "0.5"; "1e6"; "1e400"; "NaN"; "inf"; "-inf"; "∞"; "9999999999"; "1k"; "5M"; "2G"; "1.5k"; "-0"; "0x10"; ""; " "; "1_000"; "3000" ]
    let seps = [ ":"; "="; ","; ""; " "; "::"; "=="; ",," ]
    let token = Gen.oneof [ Gen.elements words; Gen.elements numbers; Gen.elements seps ]
    let structured = Gen.listOf token |> Gen.map (fun ts -> String.Join("", ts))
    let arbitrary = ArbMap.defaults |> ArbMap.generate<string> |> Gen.map string // null -> ""
    Gen.oneof [ structured; structured; arbitrary ] |> Arb.fromGen

/// The parser returns (true) or throws a usage/config error naming
/// the flag; anything else fails the property.
let private parsesOrExplains (flag: string) (parse: string -> unit) (s: string) =
    try
        parse s
        true
    with
    | :? UsageException as e -> e.Flag = flag && e.Message.Length > 0
    | :? ConfigException as e -> e.Message.Contains "invalid value for"

let private config = { FsCheckConfig.defaultConfig with maxTest = 500 }

/// Study files (docs/sweeps.md) built from the format's own words, as YAML or JSON, sometimes cut short or
/// with a character replaced: keys (study keys, config keys, unknown ones), scalars, lists, nested lists,
/// maps and nulls.
let private studyTexts =
    let keys = [ yield! Research.Studies.Study.StudyKeys; "gamma"; "batch-size"; "learning-rate"; "atari-mode"; "frame-stack"; "seed"; "bogus"; "" ]
    let scalars = [ "dqn"; "dqn-pro"; "rainbow"; "cartpole"; "minatar:breakout"; "minatar:pong"; "atari:"; "0"; "1"; "3"; "0..2"; "2..1"; "-1"
                    "0.5"; "1e400"; "NaN"; "inf"; "abc"; ""; "~"; "null"; "200"; "1k"; "a/b"; "x y"; "\"q\""; "[" ]
    let scalar = Gen.elements scalars
    let small = Gen.choose (0, 3)
    let value =
        Gen.oneof [ scalar |> Gen.map (fun s -> s, $"\"{s}\"")
                    Gen.listOfLength 2 scalar |> Gen.map (fun l -> "[" + String.Join(", ", l) + "]", "[" + String.Join(", ", l |> List.map (sprintf "\"%s\"")) + "]")
                    small |> Gen.bind (fun n -> Gen.listOfLength n scalar) |> Gen.map (fun l -> "[[" + String.Join(", ", l) + "]]", "[[" + String.Join(", ", l) + "]]")
                    scalar |> Gen.map (fun s -> "{a: " + s + "}", "{\"a\": \"" + s + "\"}")
                    Gen.constant ("", "null") ]
    let entries = Gen.choose (0, 7) |> Gen.bind (fun n -> Gen.listOfLength n (Gen.zip (Gen.elements keys) value))
    let text =
        Gen.zip entries (Gen.elements [ true; false ]) |> Gen.map (fun (es, yaml) ->
            if yaml then String.Join("\n", es |> List.map (fun (k, (y, _)) -> $"{k}: {y}"))
            else "{" + String.Join(", ", es |> List.map (fun (k, (_, j)) -> $"\"{k}\": {j}")) + "}")
    let damage (t: string) =
        Gen.oneof [ Gen.constant t
                    Gen.choose (0, t.Length) |> Gen.map (fun i -> t.Substring(0, i))
                    Gen.zip (Gen.choose (0, max 0 (t.Length - 1))) (Gen.elements [ '\t'; '{'; ':'; '\u0000'; '\n'; '"'; '&'; '*'; '!' ])
                    |> Gen.map (fun (i, c) -> if t.Length = 0 then string c else t.Substring(0, i) + string c + t.Substring(i + 1)) ]
    text |> Gen.bind damage |> Arb.fromGen

[<Tests>]
let parserProperties =
    testList "Spec parsers (FsCheck)" [
        testPropertyWithConfig config "--mdp: a valid MDP or a message" <|
            Prop.forAll specStrings (parsesOrExplains "--mdp" (fun s -> PlanningArgs.ParseMdp(s, 0.9) |> ignore))
        testPropertyWithConfig config "--noise: a noise model or a message" <|
            Prop.forAll specStrings (parsesOrExplains "--noise" (PlanningArgs.ParseNoise >> ignore))
        testPropertyWithConfig config "--c: positive numbers or inf, or a message" <|
            Prop.forAll specStrings (parsesOrExplains "--c" (fun s -> for c in PlanningArgs.CList s do if not (c > 0.0) then failwith $"c = {c}"))
        testPropertyWithConfig config "--set: a valid config or a message" <|
            Prop.forAll specStrings (parsesOrExplains "--set" (fun s -> ConfigValidation.Validate(ConfigOverrides.Apply(Presets.MinAtarDopamine, [ s ])) |> ignore))
        testPropertyWithConfig config "--set key=value on every key: a valid config or a message" <|
            Prop.forAll (Gen.zip (Gen.elements (List.ofSeq ConfigKeys.AllKebab)) specStrings.Generator |> Arb.fromGen)
                (fun (key, value) -> parsesOrExplains "--set" (fun s -> ConfigValidation.Validate(ConfigOverrides.Apply(Presets.MinAtarDopamine, [ s ])) |> ignore) $"{key}={value}")
        testPropertyWithConfig config "study files (JSON, YAML, damaged): every run's config, or a message naming the file or key" <|
            Prop.forAll studyTexts (fun text ->
                let path = Path.Combine(Path.GetTempPath(), $"prox-study-{Guid.NewGuid():N}.yaml")
                File.WriteAllText(path, text)
                try
                    parsesOrExplains "STUDY" (fun _ ->
                        for run in Research.Studies.StudyGrid.Expand(Research.Studies.Study.Read path) do run.Config() |> ignore) text
                finally
                    File.Delete path)
        testPropertyWithConfig config "--frames (k/M/G suffixes): a positive count or a message; TryParseCount never throws" <|
            Prop.forAll specStrings (fun s ->
                let ok, n = ConfigOverrides.TryParseCount s
                (not ok || string n <> "") &&
                parsesOrExplains "--frames" (fun f -> Research.Studies.RunRequest(null, "minatar-dopamine", "dqn", null, f, Nullable 0L, null, [||]).Resolve() |> ignore) s)
    ]
