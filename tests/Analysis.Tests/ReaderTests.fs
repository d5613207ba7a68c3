module ReaderTests

open System
open System.IO
open Expecto
open Research.Analysis
open Fixtures

[<Tests>]
let readers =
    testList "Analysis.Readers" [
        test "a run directory reads into records" {
            let root = tempDir "analysis-run"
            let dir = writeRun root "dqn-pro" "breakout" 3 0.5 10.0 true
            let run = RunFiles.load dir
            Expect.equal run.Config.Agent "dqn-pro" "agent"
            Expect.equal run.Config.Environment "minatar:breakout" "environment"
            Expect.equal run.Config.Game "breakout" "game"
            Expect.equal run.Config.Seed 3L "seed"
            Expect.equal run.Config.CTilde 0.5 "cTilde"
            Expect.equal run.Config.Preset "dopamine-minatar" "preset"
            Expect.equal run.Config.TotalSteps 10_000L "totalSteps"
            Expect.equal (run.Config.Document.GetProperty("config").GetProperty("learningRate").GetDouble()) 0.00025 "whole document kept"
            Expect.equal run.Evaluations.Length 5 "evaluations"
            Expect.equal run.Evaluations[4].Step 10_000L "last evaluation step"
            Expect.equal run.TargetSyncs.Length 10 "syncs"
            Expect.equal run.LayerSyncs.Length 40 "4 layers x 10 syncs"
            Expect.equal run.Updates.Length 20 "updates"
            Expect.isTrue (run.Episodes.Length > 50) "episodes"
            Expect.isEmpty run.PartialFiles "complete files"
            // per-layer norms satisfy sqrt(sum norm^2) = d_k (the documented invariant of the fixture)
            let k1 = run.LayerSyncs |> Array.filter (fun l -> l.Sync = 1L) |> Array.sumBy (fun l -> l.Norm * l.Norm) |> sqrt
            Expect.floatClose Accuracy.high k1 run.TargetSyncs[0].Norm "layers sum to the global norm"
            Expect.equal (RunFiles.finalReturn run) run.Evaluations[4].MeanReturn "final return = last evaluation"
        }
        test "c~ = Infinity (string) and agent labels" {
            let root = tempDir "analysis-run"
            let run = RunFiles.load (writeRun root "dqn" "asterix" 0 infinity 5.0 false)
            Expect.isTrue (Double.IsPositiveInfinity run.Config.CTilde) "Infinity"
            Expect.equal (RunFiles.agentLabel run.Config) "DQN" "label"
            Expect.equal (RunFiles.agentLabel { run.Config with Agent = "dqn-pro"; CTilde = 0.1 }) "DQN Pro (c~=0.1)" "pro label"
            Expect.equal run.Evaluations.Length 0 "no evaluations file"
            let last100 = run.Episodes |> Array.skip (run.Episodes.Length - 100) |> Array.averageBy (fun e -> e.Return)
            Expect.equal (RunFiles.finalReturn run) last100 "final return = mean of the last 100 training episodes"
        }
        test "a run in progress: the partial last line is ignored" {
            let root = tempDir "analysis-partial"
            let dir = writeRun root "dqn" "breakout" 0 infinity 5.0 false
            let path = Path.Combine(dir, "metrics", "episodes.csv")
            let before = (RunFiles.load dir).Episodes.Length
            File.AppendAllText(path, "99999,1000,1.2")   // the writer was interrupted mid-line
            let run = RunFiles.load dir
            Expect.equal run.Episodes.Length before "partial row dropped"
            Expect.equal run.PartialFiles [ "episodes.csv" ] "reported as in progress"
            // a run that has just started: empty metrics files, or no metrics folder at all
            File.WriteAllText(path, "")
            Expect.equal (RunFiles.load dir).Episodes.Length 0 "empty episodes.csv: no episodes yet"
            Directory.Delete(Path.Combine(dir, "metrics"), true)
            let fresh = RunFiles.load dir
            Expect.equal (fresh.Episodes.Length, fresh.TargetSyncs.Length) (0, 0) "no metrics folder yet"
            Expect.isTrue (Double.IsNaN(RunFiles.finalReturn fresh)) "no final return yet"
        }
        test "a malformed number is an error naming file, line, column and value" {
            let root = tempDir "analysis-bad"
            let dir = writeRun root "dqn" "breakout" 0 infinity 5.0 false
            let path = Path.Combine(dir, "metrics", "episodes.csv")
            let lines = File.ReadAllLines path
            lines[2] <- "70,2,abc,20,0"
            File.WriteAllText(path, String.Join("\n", lines) + "\n")
            Expect.throwsC (fun () -> RunFiles.load dir |> ignore) (fun e ->
                Expect.stringContains e.Message (path + ", line 3, column 'return': 'abc' is not a number") "message")
        }
        test "wrong field count and missing columns are errors naming the file and line" {
            Expect.throwsC (fun () -> Csv.parse "x.csv" "a,b\n1,2\n3\n" |> ignore) (fun e ->
                Expect.stringContains e.Message "x.csv, line 3: 1 fields, the header has 2" "field count")
            let t = Csv.parse "y.csv" "a,b\n1,2\n"
            Expect.throwsC (fun () -> Csv.floatColumn t "c" |> ignore) (fun e ->
                Expect.stringContains e.Message "y.csv: no column 'c' (columns: a,b)" "missing column")
        }
        test "CsvLog writes the documented bytes, resumes from an offset and reads back" {
            let path = Path.Combine(tempDir "csvlog", "t.csv")
            let offset =
                use log = Research.RunFormat.CsvLog.Open(path, [| "name"; "x"; "n" |])
                log.Add("a,b").Add(0.1).Add(3L).End()
                log.Add("say \"hi\"").Add(nan).Add(-1L).End()
                let at = log.Length
                log.Add("lost").Add(infinity).Add(0L).End()
                at
            let expected = "name,x,n\n\"a,b\",0.1,3\n\"say \"\"hi\"\"\",nan,-1\n"
            Expect.equal (int64 (Text.Encoding.UTF8.GetByteCount expected)) offset "offset after two rows"
            do
                use log = Research.RunFormat.CsvLog.Open(path, [| "name"; "x"; "n" |], Nullable offset)
                log.Add("c").Add(-infinity).Add(1.5f).End()
            Expect.equal (File.ReadAllText path) (expected + "c,-inf,1.5\n") "bytes: quoted only where needed, the row after the offset replaced"
            let t = Csv.read path
            Expect.equal (t.Rows |> Array.map (Csv.stringColumn t "name")) [| "a,b"; "say \"hi\""; "c" |] "names"
            Expect.equal (Csv.floatColumn t "x" t.Rows[2]) -infinity "-inf"
            Expect.isFalse t.Partial "complete"
        }
        test "nan, inf, -inf and quoted fields" {
            let t = Csv.parse "z.csv" "name,v\n\"a,b\",nan\n\"say \"\"hi\"\"\",-inf\nc,inf\n"
            let v = Csv.floatColumn t "v"
            let name = Csv.stringColumn t "name"
            Expect.equal (t.Rows |> Array.map name) [| "a,b"; "say \"hi\""; "c" |] "quoted"
            Expect.isTrue (Double.IsNaN(v t.Rows[0])) "nan"
            Expect.equal (v t.Rows[1]) -infinity "-inf"
            Expect.equal (v t.Rows[2]) infinity "inf"
        }
        test "config.json errors name the file and key" {
            Expect.throwsC (fun () -> RunFiles.parseConfig "c.json" """{"format":"prox-run/1","config":{"agent":"dqn"}}""" |> ignore)
                (fun e -> Expect.stringContains e.Message "c.json: missing key 'environment'" "missing key")
            Expect.throwsC (fun () -> RunFiles.parseConfig "c.json" """{"format":"other"}""" |> ignore)
                (fun e -> Expect.stringContains e.Message "format 'other' is not a run format" "format")
        }
        test "discovery finds nested runs and skips planning folders" {
            let root = tempDir "analysis-discover"
            writeRun (Path.Combine(root, "sweep")) "dqn" "breakout" 0 infinity 5.0 false |> ignore
            writeRun root "dqn-pro" "breakout" 1 0.1 5.0 false |> ignore
            let plan = writePlanning (Path.Combine(root, "plan")) 0.9 1.0 [ 0.5; infinity ] 2 5
            File.WriteAllText(Path.Combine(plan, "config.json"), "{ \"mdp\": \"garnet\" }")
            let found = RunFiles.discover root
            Expect.equal found.Length 2 "two runs"
            Expect.isTrue (found |> List.forall (fun d -> not (d.EndsWith "plan"))) "planning folder skipped"
        }
        test "median normalised score per iteration: per-game seed means, then the median across games" {
            let root = tempDir "analysis-median"
            for g, level in [ "a", 10.0; "b", 20.0; "c", 40.0 ] do
                for seed in 0..1 do writeRun root "dqn" g seed infinity level true |> ignore
            let runs = RunFiles.loadAll root
            let curve = Curves.medianAcrossGames (fun g x -> if g = "c" then x / 4.0 else x) runs
            Expect.equal (curve |> Array.map fst) [| 2000.0; 4000.0; 6000.0; 8000.0; 10000.0 |] "x = frames of the 5 phases"
            for i, (_, m) in Array.indexed curve do
                let gameMean g scale = runs |> List.filter (fun r -> r.Config.Game = g) |> List.averageBy (fun r -> r.Evaluations[i].MeanReturn / scale)
                let expected = Statistics.median [| gameMean "a" 1.0; gameMean "b" 1.0; gameMean "c" 4.0 |]
                Expect.floatClose Accuracy.veryHigh m expected (sprintf "phase %d" (i + 1))
        }
        test "planning outputs: errors.csv (quoted mdp, c = inf) and summary.csv" {
            let dir = writePlanning (tempDir "analysis-plan") 0.9 1.0 [ 0.2; infinity ] 3 10
            let errors = PlanningFiles.readErrors (Path.Combine(dir, "errors.csv"))
            Expect.equal errors.Length (2 * 3 * 11) "rows = c x seeds x (K + 1)"
            Expect.equal errors[0].Mdp "garnet:states=50,actions=4,branching=5,seed=0,storage=sparse" "quoted mdp"
            Expect.equal errors[0].ErrorInf 10.0 "e_0"
            Expect.isTrue (errors |> Array.exists (fun r -> Double.IsPositiveInfinity r.C)) "c = inf is VI"
            let summary = PlanningFiles.readSummary (Path.Combine(dir, "summary.csv"))
            Expect.equal (summary |> Array.map (fun s -> s.C)) [| 0.2; infinity |] "summary c"
            Expect.equal summary[0].Runs 3 "runs"
        }
    ]
