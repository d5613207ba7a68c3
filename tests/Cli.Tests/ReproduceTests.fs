/// `prox reproduce`: the main job end to end on the tiny budget (as a process), skipping and resuming runs,
/// --print-commands, bad flags.
module ReproduceTests

open System
open System.IO
open Expecto
open Research.Analysis
open FiguresTests

/// The figure titles every tiny report must have (planning studies are named gamma<g>-<noise>).
let expectedSections =
    [ "Convergence under noise (gamma0-9-gaussian-1)"; "Error at a fixed budget vs c (gamma0-9-gaussian-1)"
      "Convergence under noise (gamma0-9-none)"; "Empirical contraction modulus vs the bound (gamma0-9-none)"
      "Error under bounded noise vs the bound (gamma0-9-uniform-0-5)"
      "Learning curves: cartpole"; "Target-network norm differences: cartpole"; "Per-game improvement: DQN Pro (c~=0.2) vs DQN"
      "What was run" ]

let private tiny root out = [ "reproduce"; "--budget"; "tiny"; "--runs"; root; "--out"; out; "--no-png"; "--jobs"; "2" ]

[<Tests>]
let tests =
    testSequenced <| testList "prox reproduce" [
        test "tiny budget end to end; an interrupted run is resumed bit for bit; a second call skips everything" {
            let root = tempDir "reproduce"
            let out = Path.Combine(root, "results")
            // An "interrupted" run: the exact run reproduce plans, trained only to 1000 of its 2500 steps.
            let plan = Research.Studies.Reproduce.ReproducePlan.Create("tiny", null, Nullable())
            let dqn = plan.Runs |> Seq.find (fun r -> r.Agent = "dqn")
            let partial = dqn.TrainArguments(Path.Combine(root, "tiny", dqn.Name)) |> List.ofArray
            let code, _, err = prox (partial |> List.map (fun a -> if a = "2500" then "1000" else a))
            Expect.equal code 0 (sprintf "partial run (stderr: %s)" err)
            // The same run, uninterrupted, elsewhere: the reference.
            let reference = Path.Combine(root, "reference")
            let code, _, err = prox (dqn.TrainArguments reference |> List.ofArray)
            Expect.equal code 0 (sprintf "reference run (stderr: %s)" err)

            let code, stdout, err = prox (tiny root out)
            Expect.equal code 0 (sprintf "exit code (stdout: %s, stderr: %s)" stdout err)
            Expect.stringContains stdout "dqn-cartpole-s0: resuming at step 1000" "resumes the interrupted run"
            Expect.stringContains stdout "dqn-pro-cartpole-s0: started" "starts the missing one"
            Expect.stringContains stdout "== 1/3 planning studies" "phases (plain output when redirected)"
            let report = Path.Combine(out, "report.html")
            Expect.stringContains stdout ("report: " + report) "report path printed"
            let html = File.ReadAllText report
            for s in expectedSections do Expect.stringContains html s s
            for cell in [ "dqn-cartpole-s0"; "dqn-pro-cartpole-s0"; "2500 / 2500"; "complete (resumed)"; "planning/gamma0.9-none"; "Budget tiny"; "TorchSharp"; "Final scores per game" ] do
                Expect.stringContains html cell ("run table / notes: " + cell)
            for table in [ "results-per-game.csv"; "results-per-game.md"; "results-per-game.tex"; "results-aggregates.md" ] do
                Expect.isTrue (File.Exists(Path.Combine(out, table))) ("result table " + table)
            for file in [ "episodes.csv"; "evaluations.csv"; "target_syncs.csv" ] do
                Expect.equal (File.ReadAllBytes(Path.Combine(root, "tiny", dqn.Name, "metrics", file))) (File.ReadAllBytes(Path.Combine(reference, "metrics", file)))
                    (file + ": the resumed run equals the uninterrupted one byte for byte")
            // The planning bounds hold on the studies reproduce ran (docs/planning.md, results 2 and 3).
            let noiseless = PlanningFiles.readErrors (Path.Combine(root, "tiny", "planning", "gamma0.9-none", "errors.csv"))
            for p in PlanningBounds.contraction noiseless do
                Expect.isLessThanOrEqual p.Worst (p.Bound * (1.0 + 1e-9)) (sprintf "measured modulus <= rho at c = %g" p.C)
                Expect.isGreaterThan p.Ratios 0 "ratios measured"
            let uniform = PlanningFiles.readErrors (Path.Combine(root, "tiny", "planning", "gamma0.9-uniform-0.5", "errors.csv"))
            Expect.isLessThanOrEqual (PlanningBounds.worstBoundRatio (PlanningBounds.boundedNoise 0.5 uniform)) 1.0 "error <= bound of result 3"

            let before = File.ReadAllBytes(Path.Combine(root, "tiny", "dqn-pro-cartpole-s0", "metrics", "episodes.csv"))
            let code, stdout, err = prox (tiny root out)
            Expect.equal code 0 (sprintf "second call (stderr: %s)" err)
            Expect.stringContains stdout "dqn-cartpole-s0: complete (2500 steps), skipped" "complete runs skipped"
            Expect.stringContains stdout "dqn-pro-cartpole-s0: complete (2500 steps), skipped" "complete runs skipped"
            Expect.stringContains stdout "planning/gamma0.9-gaussian-1: complete, skipped" "complete studies skipped"
            Expect.equal (File.ReadAllBytes(Path.Combine(root, "tiny", "dqn-pro-cartpole-s0", "metrics", "episodes.csv"))) before "nothing retrained"
            Expect.stringContains (File.ReadAllText report) "complete (skipped)" "table says so"
        }
        test "--print-commands: one prox plan / prox train per study and run, then prox figures; the train lines are valid" {
            let root = tempDir "reproduce-print"
            let code, stdout, err = prox [ "reproduce"; "--budget"; "small"; "--games"; "breakout,asterix"; "--seeds"; "3"; "--runs"; root; "--print-commands" ]
            Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
            let lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            Expect.equal (lines |> Array.filter (fun l -> l.StartsWith "prox plan ")).Length 8 "2 gammas x (3 sigmas + uniform)"
            let train = lines |> Array.filter (fun l -> l.StartsWith "prox train ")
            Expect.equal train.Length 12 "2 games x 3 seeds x {dqn, dqn-pro}"
            Expect.isTrue (lines[lines.Length - 1].StartsWith "prox figures --runs ") "figures last"
            Expect.isFalse (Directory.Exists(Path.Combine(root, "small"))) "nothing run"
            let args = train[0].Split(' ') |> Array.skip 1 |> List.ofArray
            let code, dry, err = prox (args @ [ "--dry-run" ])
            Expect.equal code 0 (sprintf "the printed command parses (stderr: %s)" err)
            Expect.stringContains dry (sprintf "\"totalSteps\": %d" Research.Studies.Reproduce.ReproducePlan.SmallFrames) "frames of the small budget"
            Expect.stringContains dry "\"preset\": \"minatar-dopamine\"" "Dopamine MinAtar preset"
        }
        test "bad flags exit 2 naming the flag, the value and what is allowed" {
            let code, _, err = prox [ "reproduce"; "--budget"; "huge"; "--print-commands" ]
            Expect.equal code 2 "budget"
            Expect.stringContains err "invalid value for --budget: 'huge'. Allowed: tiny, small, paper." "budget message"
            let code, _, err = prox [ "reproduce"; "--games"; "pong"; "--print-commands" ]
            Expect.equal code 2 "games"
            Expect.stringContains err "--games: 'pong'" "games message"
            let code, _, err = prox [ "reproduce"; "--jobs"; "0"; "--print-commands" ]
            Expect.equal code 2 "jobs"
            Expect.stringContains err "--jobs" "jobs message"
        }
    ]
