module StatisticsTests

open System
open Expecto
open Research.Analysis

let close (tol: float) (actual: float) (expected: float) (message: string) =
    Expect.isTrue (abs (actual - expected) <= tol) (sprintf "%s: expected %.12g, got %.12g" message expected actual)

/// data/atari-scores.csv of the repository (a missing file fails the test).
let scoresPath () = TestSupport.repoPath "data/atari-scores.csv"

[<Tests>]
let statistics =
    testList "Analysis.Statistics" [
        test "mean and standard error by hand" {
            // [1,2,3,4]: mean 2.5, s^2 = (2.25+0.25+0.25+2.25)/3 = 5/3, s.e. = sqrt(5/3)/2
            let s = Statistics.meanSe [| 1.0; 2.0; 3.0; 4.0 |]
            close 1e-12 s.Mean 2.5 "mean"
            close 1e-12 s.StandardError (sqrt (5.0 / 3.0) / 2.0) "s.e."
            Expect.equal s.Count 4 "count"
            Expect.equal (Statistics.meanSe [| 7.0 |]).StandardError 0.0 "one value: no spread"
        }
        test "median: odd, even" {
            Expect.equal (Statistics.median [| 3.0; 1.0; 2.0 |]) 2.0 "odd"
            Expect.equal (Statistics.median [| 4.0; 1.0; 3.0; 2.0 |]) 2.5 "even"
        }
        test "quantile: linear interpolation (numpy default)" {
            Expect.equal (Statistics.quantile [| 4.0; 1.0; 3.0; 2.0 |] 0.5) 2.5 "median"
            close 1e-12 (Statistics.quantile [| 1.0; 2.0; 3.0; 4.0 |] 0.25) 1.75 "h = 0.75"
            Expect.equal (Statistics.quantile [| 1.0; 2.0; 3.0; 4.0 |] 1.0) 4.0 "max"
        }
        test "trim_mean cuts floor(p n) from each end" {
            // n = 10: floor(2.5) = 2 cut each end -> mean(3..8) = 5.5, the outlier 100 is gone
            Expect.equal (Statistics.trimMean 0.25 [| 1.0; 2.0; 3.0; 4.0; 5.0; 6.0; 7.0; 8.0; 9.0; 100.0 |]) 5.5 "n=10"
            // n = 7: floor(1.75) = 1 -> mean(1..5) = 3
            Expect.equal (Statistics.trimMean 0.25 [| 1000.0; 0.0; 1.0; 2.0; 3.0; 4.0; 5.0 |]) 3.0 "n=7"
            // n = 3: floor(0.75) = 0 -> plain mean
            Expect.equal (Statistics.trimMean 0.25 [| 1.0; 2.0; 30.0 |]) 11.0 "n=3"
        }
        test "IQM pools runs x tasks" {
            // pooled 1..8, n = 8, cut 2 each end -> mean(3,4,5,6) = 4.5
            Expect.equal (Statistics.iqm [| [| 1.0; 8.0; 2.0; 7.0 |]; [| 5.0; 6.0; 3.0; 4.0 |] |]) 4.5 "iqm"
        }
        test "optimality gap: mean of max(1 - x, 0)" {
            // gaps 0.5, 0, 1, 0.2 -> 0.425
            close 1e-12 (Statistics.optimalityGap [| [| 0.5; 1.5 |]; [| 0.0; 0.8 |] |]) 0.425 "gap"
        }
        test "median and mean across tasks use per-task means" {
            let scores = [| [| 1.0; 3.0 |]; [| 10.0; 20.0 |]; [| 4.0 |] |]   // task means 2, 15, 4
            Expect.equal (Statistics.aggregateMedian scores) 4.0 "median of 2, 15, 4"
            Expect.equal (Statistics.aggregateMean scores) 7.0 "mean of 2, 15, 4"
        }
        test "empty input is an error naming what is missing" {
            Expect.throwsC (fun () -> Statistics.meanSe [||] |> ignore) (fun e -> Expect.stringContains e.Message "values is empty" "message")
            Expect.throwsC (fun () -> Statistics.iqm [| [| 1.0 |]; [||] |] |> ignore) (fun e -> Expect.stringContains e.Message "task 1 has no run" "message")
        }
    ]

[<Tests>]
let normalisation =
    let reference : Normalisation.Reference = { Random = 0.0; Human = 100.0 }
    testList "Analysis.Normalisation" [
        test "improvement, r1 >= r2: denominator max(r2, human) - random" {
            close 1e-12 (Normalisation.improvement reference 150.0 50.0) 100.0 "r2 below human: 100 * 100 / 100"
            close 1e-12 (Normalisation.improvement reference 300.0 200.0) 50.0 "r2 above human: 100 * 100 / 200"
            Expect.equal (Normalisation.improvement reference 80.0 80.0) 0.0 "tie"
        }
        test "improvement, r1 < r2: denominator max(r1, human) - random" {
            close 1e-12 (Normalisation.improvement reference 50.0 150.0) -100.0 "r1 below human"
            close 1e-12 (Normalisation.improvement reference 300.0 400.0) (-100.0 / 3.0) "r1 above human: 100 * -100 / 300"
            close 1e-12 (Normalisation.improvement ({ Random = 10.0; Human = 60.0 } : Normalisation.Reference) 20.0 30.0) -20.0 "with random: 100 * -10 / (60 - 10)"
        }
        test "human-normalised score from the scores table (Breakout: random 1.7, human 30.5)" {
            let table = Normalisation.load (scoresPath ())
            let r = Normalisation.reference table "Breakout"
            close 1e-12 (Normalisation.humanNormalised r 30.5) 1.0 "human"
            close 1e-12 (Normalisation.humanNormalised r 1.7) 0.0 "random"
            close 1e-12 (Normalisation.humanNormalised r 16.1) 0.5 "halfway"
            Expect.equal (Normalisation.reference table "space_invaders").Human 1668.7 "name matching ignores case and _"
            Expect.equal (table.Games.Count) 61 "61 games in the table"
            Expect.equal (table.Games |> Seq.filter (fun g -> g.Value.InAtari57) |> Seq.length) 57 "the Atari-57 set"
            Expect.equal (Normalisation.paperGames table |> List.length) 55 "paper's 55-game set"
        }
        test "games without references are a clear error when used" {
            let table = Normalisation.load (scoresPath ())
            Expect.throwsC (fun () -> Normalisation.reference table "AirRaid" |> ignore)
                (fun e -> Expect.stringContains e.Message "game 'AirRaid' has no human/random reference scores" "message")
            Expect.throwsC (fun () -> Normalisation.reference table "Tetris" |> ignore)
                (fun e -> Expect.stringContains e.Message "game 'Tetris' is not in the scores table" "message")
        }
        test "the built-in table is data/atari-scores.csv" {
            let file, builtIn = Normalisation.load (scoresPath ()), Normalisation.builtIn ()
            Expect.equal builtIn.Games file.Games "same games, scores and flags"
            Expect.equal builtIn.Path Normalisation.builtInName "named as built in"
            Expect.throwsC (fun () -> Normalisation.reference builtIn "Tetris" |> ignore)
                (fun e -> Expect.stringContains e.Message "not in the scores table built-in data/atari-scores.csv" "message")
        }
        test "the pipeline's default table human-normalises Atari runs only" {
            let root = Fixtures.tempDir "scores-default"
            let run (environment: string) =
                let dir = IO.Path.Combine(root, environment.Replace(":", "-"))
                IO.Directory.CreateDirectory dir |> ignore
                IO.File.WriteAllText(IO.Path.Combine(dir, "config.json"), Fixtures.configJson "dqn" environment 0 infinity 1000L 4)
                RunFiles.load dir
            let table = Some(Normalisation.builtIn ())
            Expect.equal (Pipeline.atariReference table (run "atari:breakout")) (Some { Random = 1.7; Human = 30.5 }) "Atari Breakout"
            Expect.isNone (Pipeline.atariReference table (run "minatar:breakout")) "MinAtar's breakout is not Atari's"
            Expect.equal (Pipeline.scoreTable (Pipeline.defaults "runs" "out")).Path Normalisation.builtInName "default table"
            let csv = scoresPath ()
            Expect.equal (Pipeline.scoreTable { Pipeline.defaults "runs" "out" with Scores = Some csv }).Path csv "--scores FILE"
        }
    ]
