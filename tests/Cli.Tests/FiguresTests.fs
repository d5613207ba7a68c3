/// `prox figures`: every figure from existing runs and planning
/// studies, as a real process (exit codes, messages).
module FiguresTests

open System
open System.Globalization
open System.IO
open Expecto

/// Runs `dotnet prox.dll args` (stdout redirected); returns (exit code, stdout, stderr).
let prox (args: string list) = CliTestSupport.prox args

let tempDir (name: string) =
    let d = Path.Combine(Path.GetTempPath(), "prox-cli-tests", sprintf "%s-%s" name (Guid.NewGuid().ToString("N").Substring(0, 8)))
    Directory.CreateDirectory d |> ignore
    d

let private inv (x: float) = x.ToString("R", CultureInfo.InvariantCulture)

/// A run directory in the documented format (docs/run-format.md) with episodes and target refreshes:
/// returns rise towards `level`, Pro's norm differences are smaller.
let writeRun (root: string) (agent: string) (seed: int) (level: float) =
    let dir = Path.Combine(root, sprintf "%s-breakout-s%d" agent seed)
    Directory.CreateDirectory(Path.Combine(dir, "metrics")) |> ignore
    let cTilde = if agent = "dqn-pro" then "0.2" else "\"Infinity\""
    File.WriteAllText(Path.Combine(dir, "config.json"),
        sprintf """{ "format": "prox-run/1", "config": { "preset": "minatar-dopamine", "agent": "%s", "environment": "minatar:breakout", "seed": %d, "totalSteps": 4000, "cTilde": %s, "frameSkip": 1 }, "run": { "seed": %d } }""" agent seed cTilde seed)
    let lines (header: string) rows = String.Join("", header :: rows |> List.map (fun l -> l + "\n"))
    File.WriteAllText(Path.Combine(dir, "metrics", "episodes.csv"),
        lines "step,episode,return,length,truncated"
            [ for e in 1..40 -> sprintf "%d,%d,%s,100,0" (e * 100) e (inv (level * (1.0 - exp (-float e / 10.0)) + 0.1 * float ((e * 7 + seed) % 5))) ])
    let scale = if agent = "dqn-pro" then 0.3 else 1.0
    File.WriteAllText(Path.Combine(dir, "metrics", "target_syncs.csv"),
        lines "step,sync,update,norm" [ for k in 1..4 -> sprintf "%d,%d,%d,%s" (k * 1000) k (k * 250) (inv (scale * (1.0 + 1.0 / float k))) ])
    dir

/// Two agents x two seeds on breakout, and a small planning study from `prox plan`.
let writeFixture (name: string) =
    let root = tempDir name
    for seed in 0..1 do
        writeRun root "dqn" seed 10.0 |> ignore
        writeRun root "dqn-pro" seed 12.0 |> ignore
    let code, _, err = prox [ "plan"; "--mdp"; "garnet:states=10,actions=2,branching=2"; "--noise"; "uniform:0.5"; "--iterations"; "30"; "--seeds"; "3"; "--out"; Path.Combine(root, "plan") ]
    if code <> 0 then failwithf "prox plan failed: %s" err
    root

let private expectUsage (args: string list) (fragments: string list) =
    let code, _, err = prox args
    Expect.equal code 2 (sprintf "exit code of %A (stderr: %s)" args err)
    for f in fragments do Expect.stringContains err f (sprintf "message of %A" args)

[<Tests>]
let tests =
    testList "prox figures" [
        test "figures from fixture runs and a planning study: report, one shared plotly.js, small HTML files" {
            let root = writeFixture "figures"
            let out = Path.Combine(root, "results")
            let code, stdout, err = prox [ "figures"; "--runs"; root; "--out"; out; "--no-png"; "--bootstrap-samples"; "100" ]
            Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
            let report = Path.Combine(out, "report.html")
            Expect.stringContains stdout ("report: " + report) "prints the report path"
            Expect.stringContains stdout "from 4 training runs and 1 planning studies" "counts"
            let html = File.ReadAllText report
            for title in [ "Convergence under noise (plan)"; "Error at a fixed budget vs c (plan)"; "Error under bounded noise vs the bound (plan)"
                           "Learning curves: breakout"; "Target-network norm differences: breakout"; "Per-game improvement: DQN Pro (c~=0.2) vs DQN"
                           "Aggregate metrics"; "What was run" ] do
                Expect.stringContains html title title
            let scripts = Directory.GetFiles(out, "plotly-*.min.js")
            Expect.equal scripts.Length 1 "one shared plotly.js"
            Expect.isGreaterThan (FileInfo(scripts[0]).Length) 3_000_000L "the whole plotly.js"
            let figures = Directory.GetFiles(out, "*.html") |> Array.filter (fun f -> not (f.EndsWith "report.html"))
            Expect.isGreaterThanOrEqual figures.Length 8 "figure files"
            for f in figures do
                let text = File.ReadAllText f
                Expect.stringContains text (sprintf "<script src=\"%s\"" (Path.GetFileName scripts[0])) (f + " references the shared plotly.js relatively")
                Expect.isLessThan text.Length 300_000 (f + " does not inline plotly.js")
        }
        test "--inline-plotly puts plotly.js into every figure" {
            let root = tempDir "figures-inline"
            writeRun root "dqn" 0 10.0 |> ignore
            let out = Path.Combine(root, "results")
            let code, _, err = prox [ "figures"; "--runs"; root; "--out"; out; "--no-png"; "--inline-plotly" ]
            Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
            Expect.isEmpty (Directory.GetFiles(out, "plotly-*.min.js")) "no shared file"
            let curves = File.ReadAllText(Path.Combine(out, "learning-curves-breakout.html"))
            Expect.isGreaterThan curves.Length 3_000_000 "plotly.js inline"
        }
        test "errors exit 2 with a message naming the flag" {
            let missing = Path.Combine(Path.GetTempPath(), "prox-cli-tests", "no-such-folder-" + Guid.NewGuid().ToString("N"))
            expectUsage [ "figures"; "--runs"; missing; "--out"; tempDir "figures-out" ] [ "--runs"; missing; "an existing folder" ]
            let empty = tempDir "figures-empty"
            expectUsage [ "figures"; "--runs"; empty; "--out"; tempDir "figures-out" ] [ "--runs"; "none was found" ]
            let root = tempDir "figures-flags"
            writeRun root "dqn" 0 10.0 |> ignore
            expectUsage [ "figures"; "--runs"; root; "--scores"; Path.Combine(root, "nope.csv") ] [ "--scores"; "nope.csv" ]
            expectUsage [ "figures"; "--runs"; root; "--bootstrap-samples"; "0" ] [ "--bootstrap-samples"; "'0'"; "an integer >= 10" ]
        }
    ]
