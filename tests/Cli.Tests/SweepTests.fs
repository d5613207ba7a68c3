/// `prox sweep`: study files and flags, grid expansion and run names, the print and local executors (resume,
/// retry of failed runs, skipping complete ones), status from the run directories, bad input. The Slurm
/// executor runs against a real cluster in tests/slurm/run.sh.
module SweepTests

open System
open System.IO
open Expecto
open CliTestSupport
open FiguresTests
open Research.Studies

/// A CartPole study of a few thousand frames per run (the settings of reproduce's tiny budget).
let tinyStudy name = [
    sprintf "name: %s" name; "agents: [dqn, dqn-pro]"; "environments: [cartpole]"; "seeds: 2"; "c-tilde: [0.1, 1]"; "frames: 2500"
    "eval-period: 625"; "eval-episodes: 3"; "eval-steps: 300"; "min-replay-history: 500"; "epsilon-warmup-steps: 500"
    "epsilon-decay-steps: 1000"; "target-update-period: 250"; "checkpoint-period: 500"; "tensor-board: false"; "update-log-period: 50" ]

let private lines (s: string) = s.Split('\n', StringSplitOptions.RemoveEmptyEntries) |> Array.map (fun l -> l.TrimEnd())


/// Processes whose command line mentions `text` (here: a test's own temporary folder), from /proc.
let private processesMentioning (text: string) =
    [ for dir in Directory.GetDirectories "/proc" do
          match Int32.TryParse(Path.GetFileName dir) with
          | true, pid when pid <> Environment.ProcessId ->
              let cmdline = try File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\000', ' ') with _ -> ""
              if cmdline.Contains text then yield pid, cmdline
          | _ -> () ]

/// Every metrics file but throughput.csv (wall-clock data) of run directory `dir`, by name.
let private metricsOf dir =
    Directory.GetFiles(Path.Combine(dir, "metrics")) |> Array.filter (fun f -> Path.GetFileName f <> "throughput.csv")
    |> Array.map (fun f -> Path.GetFileName f, File.ReadAllBytes f) |> Array.sortBy fst

/// Ctrl-C of a local sweep (docs/sweeps.md, "On a laptop"): the real `prox sweep run` as a child process,
/// SIGINT once the first run has a checkpoint; exit 130, no prox process left, status `partial`/`pending`;
/// the next call finishes with metrics equal byte for byte to an uninterrupted sweep's.
let private ctrlC () =
    let dir = tempDir "sweep-ctrl-c"
    let file = Path.Combine(dir, "ctrl-c.yaml")
    // Two CartPole runs of 2500 steps with a checkpoint every 500; one
    // job, so the second waits for the first.
    File.WriteAllLines(file, tinyStudy "ctrl-c" |> List.map (fun l -> if l.StartsWith "agents:" then "agents: [dqn]" else l))
    let root, reference = Path.Combine(dir, "runs"), Path.Combine(dir, "reference")
    let run root = [ "sweep"; "run"; file; "--runs"; root; "--jobs"; "1"; "--no-figures" ]
    let first, second = "dqn-cartpole-s0", "dqn-cartpole-s1"
    use p = startInterruptible (run root)
    let checkpoint = Path.Combine(root, first, "checkpoints", "checkpoint.bin")
    waitForFile p checkpoint 300.0
    Expect.isFalse p.Process.HasExited
        (sprintf "still running at the first checkpoint (stdout: %s)" (if p.Process.HasExited then p.Stdout.Result else ""))
    Expect.isNonEmpty (processesMentioning (Path.Combine(root, first))) "the run's prox train process is alive"
    let code, out, err = interrupt p
    Expect.equal code 130 (sprintf "exit code (stdout: %s, stderr: %s)" out err)
    Expect.stringContains out "interrupted: active runs wrote checkpoints" "says so"
    Expect.stringContains out $"{first}: interrupted at step" "the run stopped with a checkpoint"
    Expect.isEmpty (processesMentioning root) "no prox process left behind"
    let markers = Path.Combine(root, ".sweep")
    let leftovers = if Directory.Exists markers then Directory.GetFiles markers |> Array.map Path.GetFileName else [||]
    Expect.isEmpty leftovers "no running or failed markers"
    let steps = Research.DeepAgents.Training.Checkpoint.ReadHeader(checkpoint).Steps
    Expect.isTrue (steps >= 500L && steps < 2500L) $"checkpoint mid-run ({steps} steps)"
    let code, status, _ = prox [ "sweep"; "status"; root ]
    Expect.equal code 0 "status"
    Expect.isMatch status $"{first} +partial +{steps}/2500" "the interrupted run is partial at its checkpoint"
    Expect.isMatch status $"{second} +pending +0/2500" "the other one pending"
    let code, stdout, err = prox (run root)
    Expect.equal code 0 (sprintf "the same command again (stderr: %s)" err)
    Expect.stringContains stdout $"{first}: resuming at step {steps}" "resumes from the interruption's checkpoint"
    Expect.stringContains stdout $"{second}: started" "then the other run"
    let code, _, err = prox (run reference)
    Expect.equal code 0 (sprintf "the uninterrupted sweep (stderr: %s)" err)
    for name in [ first; second ] do
        let a, b = metricsOf (Path.Combine(root, name)), metricsOf (Path.Combine(reference, name))
        Expect.equal (Array.map fst a) (Array.map fst b) $"{name}: the same metrics files"
        Expect.isGreaterThanOrEqual a.Length 4 "episodes, evaluations, updates, target syncs"
        for (f, x), (_, y) in Array.zip a b do
            Expect.isTrue (x = y) $"{name}/metrics/{f}: interrupted + resumed = uninterrupted, byte for byte ({x.Length} vs {y.Length} bytes)"
    Directory.Delete(dir, true)

[<Tests>]
let tests =
    testSequenced <| testList "prox sweep" [
        test "Ctrl-C of a local sweep: exit 130, no prox left, partial/pending; the rerun equals an uninterrupted sweep" { ctrlC () }

        test "a study file x flags: grid expansion, stable names, print, study.json, status of pending runs" {
            let dir = tempDir "sweep-grid"
            let file = Path.Combine(dir, "grid.yaml")
            File.WriteAllLines(file, [ "agents: [dqn, dqn-pro]"; "environments: [cartpole, minatar:breakout]"; "seeds: 2"
                                       "c-tilde: [0.1, 0.5]"; "learning-rate: [1e-4, 3e-4]"; "batch-size: 16"; "frames: 5k" ])
            let root = Path.Combine(dir, "runs")
            let code, out, err = prox [ "sweep"; "run"; file; "--runs"; root; "--executor"; "print"; "--out"; Path.Combine(dir, "fig") ]
            Expect.equal code 0 (sprintf "print (stderr: %s)" err)
            let printed = lines out
            // dqn: 2 envs x 2 lr x 2 seeds; dqn-pro also x 2 c~ values; then the figures command.
            Expect.equal printed.Length (8 + 16 + 1) "one command per run, then figures"
            Expect.equal printed[3] (sprintf "prox sweep task %s --index 3" root) "task commands"
            Expect.isTrue (printed[24].StartsWith "prox figures --runs ") "figures last"
            let runs = StudyGrid.Expand(Study.Read root) // from the stored study.json
            Expect.equal runs.Count 24 "study.json round-trips"
            Expect.equal (runs |> Seq.map (fun r -> r.Name) |> Seq.take 3 |> List.ofSeq)
                [ "dqn-cartpole-learning-rate_1e-4-s0"; "dqn-cartpole-learning-rate_1e-4-s1"; "dqn-cartpole-learning-rate_3e-4-s0" ] "names and order"
            Expect.contains (runs |> Seq.map (fun r -> r.Name)) "dqn-pro-breakout-c0.5-learning-rate_3e-4-s1" "c~ in pro names"
            let pro = runs |> Seq.find (fun r -> r.Name = "dqn-pro-breakout-c0.5-learning-rate_3e-4-s1")
            let config = pro.Config()
            Expect.equal (config.CTilde, config.LearningRate, config.BatchSize, config.TotalSteps, config.Preset, config.Seed)
                (0.5, 3e-4, 16, 5000L, "minatar-dopamine", 1L) "the cell's config"
            Expect.equal ((runs |> Seq.find (fun r -> r.Environment = "cartpole")).Config().Preset) "cartpole" "preset by environment"
            let code, out, _ = prox [ "sweep"; "status"; root ]
            Expect.equal code 0 "status"
            Expect.stringContains out "dqn-pro-breakout-c0.1-learning-rate_1e-4-s0  pending" "pending run"
            Expect.stringContains out ": 24 runs: 24 pending" "summary"
            // The same grid on the command line, with a flag replacing a field of the file.
            let code, out, err = prox [ "sweep"; "run"; file; "--agents"; "dqn"; "--seeds"; "3..4"; "--grid"; "gamma=0.9,0.99"; "--runs"; root + "2"; "--executor"; "print" ]
            Expect.equal code 0 (sprintf "flags (stderr: %s)" err)
            Expect.equal (lines out).Length (2 * 2 * 2 * 2 + 1) "2 envs x 2 lr x 2 gamma x seeds 3, 4"
            Expect.contains (StudyGrid.Expand(Study.Read(root + "2")) |> Seq.map (fun r -> r.Name)) "dqn-breakout-learning-rate_3e-4-gamma_0.99-s4" "flag grid"
            let code, out, err = prox [ "sweep"; "run"; "--agents"; "dqn"; "--envs"; "cartpole"; "--seeds"; "1"; "--name"; "cli"; "--runs"; root + "3"; "--executor"; "print" ]
            Expect.equal code 0 (sprintf "flags only (stderr: %s)" err)
            Expect.equal (lines out).Length 2 "one run + figures"
        }

        test "bad studies and flags exit 2 naming the key or flag, the value and what is allowed" {
            let dir = tempDir "sweep-bad"
            let file = Path.Combine(dir, "bad.yaml")
            let expect (args: string list) (fragments: string list) =
                let code, _, err = prox args
                Expect.equal code 2 (sprintf "exit code of %A (stderr: %s)" args err)
                for f in fragments do Expect.stringContains err f (sprintf "message of %A" args)
            File.WriteAllLines(file, [ "agents: [dqn]"; "environments: [cartpole]"; "gama: [0.9]" ])
            expect [ "sweep"; "run"; file; "--executor"; "print"; "--runs"; dir ] [ file + ": gama"; "'gama'"; "a study key"; "gamma" ]
            File.WriteAllLines(file, [ "agents: [dqn, dqn-pro2]"; "environments: [cartpole]" ])
            expect [ "sweep"; "run"; file; "--executor"; "print"; "--runs"; dir ] [ "agent"; "'dqn-pro2'" ]
            File.WriteAllLines(file, [ "agents: [dqn]"; "environments: [cartpole]"; "batch-size: [0, 32]" ])
            expect [ "sweep"; "run"; file; "--executor"; "print"; "--runs"; dir ] [ "invalid value for batch-size: '0'" ]
            File.WriteAllLines(file, [ "agents: []"; "environments: [cartpole]" ])
            expect [ "sweep"; "status"; file; "--runs"; dir ] [ "agents"; "one or more of dqn" ]
            expect [ "sweep"; "run"; "--agents"; "dqn"; "--envs"; "cartpole"; "--seeds"; "2..x"; "--executor"; "print" ] [ "--seeds"; "'2..x'"; "a..b" ]
            expect [ "sweep"; "run"; "--agents"; "dqn"; "--envs"; "cartpole"; "--executor"; "pbs"; "--runs"; dir ] [ "--executor"; "'pbs'"; "local, slurm or print" ]
            expect [ "sweep"; "run"; "--agents"; "dqn"; "--envs"; "cartpole"; "--grid"; "nope=1,2"; "--executor"; "print" ] [ "--grid"; "nope=1,2" ]
            expect [ "sweep"; "run"; Path.Combine(dir, "missing.yaml") ] [ "STUDY"; "missing.yaml" ]
            expect [ "sweep"; "task"; dir; "--index"; "0" ] [ "STUDY"; "study.json" ]
            let code, _, _ = prox [ "sweep"; "run"; "--agents"; "dqn"; "--envs"; "cartpole"; "--runs"; dir; "--executor"; "print" ]
            Expect.equal code 0 "a one-run study"
            expect [ "sweep"; "task"; dir; "--index"; "1" ] [ "--index"; "'1'"; "0..0" ]
        }

        test "local executor: parallel runs; a partial run resumed bit for bit; a failed run reported, then retried; complete runs skipped" {
            let dir = tempDir "sweep-local"
            let file = Path.Combine(dir, "tiny.yaml")
            File.WriteAllLines(file, tinyStudy "tiny")
            let root = Path.Combine(dir, "runs")
            let out = Path.Combine(dir, "results")
            let runs = StudyGrid.Expand(Study.Read file)
            Expect.equal (runs |> Seq.map (fun r -> r.Name) |> List.ofSeq) [ "dqn-cartpole-s0"; "dqn-cartpole-s1"; "dqn-pro-cartpole-c0.1-s0"; "dqn-pro-cartpole-c0.1-s1"; "dqn-pro-cartpole-c1-s0"; "dqn-pro-cartpole-c1-s1" ] "runs"
            // A partial run (1000 of 2500 steps), its uninterrupted reference elsewhere, and a run
            // that cannot start (a file where its directory goes).
            let first = runs[0]
            let code, _, err = prox (first.TrainArguments(Path.Combine(root, first.Name)) |> Array.map (fun a -> if a = "2500" then "1000" else a) |> List.ofArray)
            Expect.equal code 0 (sprintf "partial run (stderr: %s)" err)
            let reference = Path.Combine(dir, "reference")
            let code, _, err = prox (first.TrainArguments reference |> List.ofArray)
            Expect.equal code 0 (sprintf "reference (stderr: %s)" err)
            let blocked = Path.Combine(root, runs[3].Name)
            File.WriteAllText(blocked, "not a run directory")
            let code, status, _ = prox [ "sweep"; "status"; file; "--runs"; root ]
            Expect.equal code 0 "status before"
            Expect.isMatch status "dqn-cartpole-s0 +partial +1000/2500" "partial with its steps"

            let run = [ "sweep"; "run"; file; "--runs"; root; "--out"; out; "--jobs"; "2" ]
            let code, stdout, err = prox run
            Expect.equal code 1 (sprintf "a failed run: exit 1 (stdout: %s, stderr: %s)" stdout err)
            Expect.stringContains stdout "dqn-cartpole-s0: resuming at step 1000" "partial run resumed"
            Expect.stringContains err "run failed: dqn-pro-cartpole-c0.1-s1" "failure reported"
            Expect.stringContains err "Run the same prox sweep run command again" "what to do"
            let code, status, _ = prox [ "sweep"; "status"; root ]
            Expect.equal code 0 "status after"
            Expect.isMatch status "dqn-pro-cartpole-c0.1-s1 +failed +0/2500 +prox train" "failed, with the error"
            Expect.stringContains status ": 6 runs: 5 complete, 1 failed" "summary"
            for f in [ "episodes.csv"; "evaluations.csv"; "target_syncs.csv"; "updates.csv" ] do
                Expect.equal (File.ReadAllBytes(Path.Combine(root, first.Name, "metrics", f))) (File.ReadAllBytes(Path.Combine(reference, "metrics", f)))
                    (f + ": the resumed run equals the uninterrupted one byte for byte")

            File.Delete blocked
            let before = File.ReadAllBytes(Path.Combine(root, runs[2].Name, "metrics", "episodes.csv"))
            let code, stdout, err = prox run
            Expect.equal code 0 (sprintf "retry (stderr: %s)" err)
            Expect.stringContains stdout "dqn-pro-cartpole-c0.1-s1: started" "failed run retried"
            Expect.stringContains stdout "dqn-pro-cartpole-c0.1-s0: complete (2500 steps), skipped" "complete run skipped"
            Expect.equal (File.ReadAllBytes(Path.Combine(root, runs[2].Name, "metrics", "episodes.csv"))) before "nothing retrained"
            Expect.stringContains stdout ("report: " + Path.Combine(out, "report.html")) "figures drawn"
            let code, status, _ = prox [ "sweep"; "status"; root ]
            Expect.equal code 0 "status at the end"
            Expect.stringContains status ": 6 runs: 6 complete" "all complete"
            // The figures: the c~ sensitivity plot and the result tables (per
            // game: mean and s.e. of the last evaluation).
            Expect.isTrue (File.Exists(Path.Combine(out, "ctilde-sensitivity-cartpole.html"))) "c~ sensitivity figure"
            Expect.isTrue (File.Exists(Path.Combine(out, "ctilde-radar.html"))) "c~ radar"
            let finalEval (name: string) =
                let rows = File.ReadAllLines(Path.Combine(root, name, "metrics", "evaluations.csv"))
                let header = rows[0].Split(',')
                Double.Parse(rows[rows.Length - 1].Split(',')[Array.IndexOf(header, "mean_return")], Globalization.CultureInfo.InvariantCulture)
            let perGame = File.ReadAllLines(Path.Combine(out, "results-per-game.csv"))
            Expect.equal perGame[0] "game,agent,seeds,mean final return,s.e." "per-game header"
            let row = perGame |> Array.find (fun l -> l.StartsWith "cartpole,DQN Pro (c~=0.1),")
            let cells = row.Split(',')
            let xs = [| finalEval "dqn-pro-cartpole-c0.1-s0"; finalEval "dqn-pro-cartpole-c0.1-s1" |]
            Expect.equal cells[2] "2" "seeds"
            Expect.floatClose Accuracy.low (Double.Parse(cells[3], Globalization.CultureInfo.InvariantCulture)) (Array.average xs) "mean of the seeds' final returns"
            Expect.floatClose Accuracy.low (Double.Parse(cells[4], Globalization.CultureInfo.InvariantCulture)) (abs (xs[0] - xs[1]) / 2.0) "s.e. of two values"
            for ext in [ "csv"; "md"; "tex" ] do
                Expect.isTrue (File.Exists(Path.Combine(out, "results-aggregates." + ext))) ("aggregates ." + ext)
            Expect.stringContains (File.ReadAllText(Path.Combine(out, "results-per-game.tex"))) "DQN Pro (c\\textasciitilde{}=0.1) & 2 &" "LaTeX escapes ~"
            let html = File.ReadAllText(Path.Combine(out, "report.html"))
            Expect.isLessThan (html.IndexOf "Final scores per game") (html.IndexOf "<section") "the tables first in report.html"
        }
    ]
