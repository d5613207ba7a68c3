module FigureTests

open System
open System.IO
open Expecto
open Research.Analysis
open Fixtures

/// Inline plotly.js and no CDN script.
let expectOffline (html: string) =
    Expect.isTrue (html.Length > 1_000_000) (sprintf "HTML has %d chars; plotly.js (~3.6 MB) should be inline" html.Length)
    Expect.stringContains html "Plotly.newPlot" "the chart is drawn"
    Expect.stringContains html "* plotly.js v" "plotly.js source inline"
    // plotly.js itself mentions https://cdn.plot.ly/ as the default topojson URL (geo maps only);
    // what must not exist is a script loaded from elsewhere.
    let scriptTags = Text.RegularExpressions.Regex.Matches(html, "<script[^>]*>") |> Seq.map (fun m -> m.Value) |> List.ofSeq
    Expect.isNonEmpty scriptTags "script tags"
    for tag in scriptTags do
        Expect.isFalse (tag.Contains "src=") (sprintf "no external script (found %s)" tag)

let chromium = Export.findChromium ()

let planningErrors =
    lazy (let dir = writePlanning (tempDir "analysis-fig-plan") 0.9 1.0 [ 0.1; 0.5; 2.0; infinity ] 5 60
          PlanningFiles.readErrors (Path.Combine(dir, "errors.csv")))

[<Tests>]
let figures =
    testList "Analysis.Figures" [
        test "convergence: a band (3 traces) per c, VI included, offline HTML" {
            let chart = Figures.convergence "caption: 5 seeds" planningErrors.Value
            let names = Plot.traceNames chart
            Expect.equal names.Length 12 "4 c values x (upper, lower, mean)"
            Expect.containsAll names [ "c = 0.1"; "c = 0.5"; "c = 2"; "VI (c = ∞)" ] "legend entries"
            let html = Export.html chart
            expectOffline html
            Expect.stringContains html "\"type\":\"log\"" "log y axis"
            Expect.stringContains html "caption: 5 seeds" "caption in the figure"
        }
        test "error vs c: measured points, VI line, closed-form curve from Theory" {
            let errors = planningErrors.Value
            let chart = Figures.errorVsC "caption" errors
            let names = Plot.traceNames chart
            Expect.equal names.Length 3 "measured, VI, closed form"
            Expect.isTrue (names[2].StartsWith "closed form") "closed form last"
            // the overlay is sqrt(MSE_K) of Research.Theory at each c of the grid
            let theory = (Plotly.NET.GenericChart.getTraces chart)[2]
            let xs = theory.GetPropertyValue("x") :?> float[]
            let ys = theory.GetPropertyValue("y") :?> float[]
            let e0 = errors |> Array.filter (fun r -> r.Iteration = 0) |> Array.averageBy (fun r -> r.ErrorInf)
            Expect.floatClose Accuracy.veryHigh ys[17] (sqrt (Research.Theory.NoiseMoments.mse 0.9 xs[17] 60 e0 1.0)) "closed form"
            expectOffline (Export.html chart)
        }
        test "learning curves, norm differences, radar, improvement, aggregates, profiles: trace names" {
            let root = writeStudy (tempDir "analysis-fig-runs") true
            let runs = RunFiles.loadAll root |> List.filter (fun r -> r.Config.Game = "breakout")
            let groups = runs |> List.groupBy (fun r -> RunFiles.agentLabel r.Config) |> List.sortBy fst
            let lc = Figures.learningCurves "t" "c" (groups |> List.map (fun (l, rs) -> l, Curves.learningCurve 20 rs))
            let lines = Plot.traceNames lc |> List.filter (fun n -> not (n.EndsWith "(upper)" || n.EndsWith "(lower)"))
            Expect.equal lines [ "DQN"; "DQN Pro (c~=0.1)"; "DQN Pro (c~=1)" ] "one line per agent"
            Expect.equal (Plot.traceNames lc).Length 9 "with bands"
            let nd = Figures.normDifferences "t" "c" (groups |> List.map (fun (l, rs) -> l, Curves.normDifferences None rs))
            Expect.equal (Plot.traceNames nd).Length 9 "norm differences with bands"
            let radar = Figures.radar "t" "c" (Curves.radar [ "a", 0.1, [| 1.0 |]; "a", 1.0, [| 2.0 |]; "b", 0.1, [| 3.0 |]; "b", 1.0, [| 1.0 |] ])
            Expect.equal (Plot.traceNames radar) [ "c~ = 0.1"; "c~ = 1" ] "one polygon per c~"
            let bars = Figures.improvementBars "t" "c" "A" "B" [ "x", 50.0; "y", -5.0; "z", 1200.0 ]
            Expect.equal (Plot.traceNames bars) [ "A over B (2 of 3 games better)" ] "bars"
            let iv = { Bootstrap.Estimate = 1.0; Bootstrap.Lower = 0.5; Bootstrap.Upper = 1.5 }
            let agg = Figures.aggregateMetrics "t" "c" [ for a in [ "A"; "B" ] do for m in [ "Median"; "IQM" ] -> a, m, iv ]
            Expect.equal (Plot.traceNames agg) [ "A"; "B"; "A"; "B" ] "agent x metric"
            Expect.stringContains (Export.html agg) "xaxis2" "one panel per metric"
            let prof = Figures.performanceProfiles "t" "c" "tau" [ "A", Bootstrap.performanceProfile { Bootstrap.defaults with Repetitions = 50 } [| 0.0; 1.0 |] [| [| 0.5; 2.0 |] |] ]
            Expect.equal (Plot.traceNames prof) [ "A (upper)"; "A (lower)"; "A" ] "band"
            for chart in [ lc; nd; radar; bars; agg; prof ] do
                expectOffline (Export.html chart)
        }
        test "save writes HTML; PNG written or skipped with the reason" {
            let dir = tempDir "analysis-save"
            let saved = Export.saveWith false dir "conv" (Figures.convergence "c" planningErrors.Value)
            Expect.isTrue (File.Exists saved.Html) "HTML written"
            Expect.equal saved.Png None "PNG not requested"
            Expect.equal saved.PngNote "PNG skipped: not requested" "reason"
        }
        (if chromium.IsSome then
            test "PNG export with headless Chromium" {
                let dir = tempDir "analysis-png"
                let saved = Export.save dir "conv" (Figures.convergence "c" planningErrors.Value)
                match saved.Png with
                | Some png ->
                    let bytes = File.ReadAllBytes png
                    Expect.equal bytes[1..3] "PNG"B "PNG signature"
                    Expect.isTrue (bytes.Length > 20_000) (sprintf "a drawn chart, not a blank page (%d bytes)" bytes.Length)
                | None -> failtestf "PNG not written: %s" saved.PngNote
            }
         else
            test "PNG export with headless Chromium" { skiptest "headless Chromium not found (/usr/bin/chromium or chromium on PATH): PNG export not tested" })
        test "pipeline: figures and report.html from a runs folder with planning and training outputs" {
            let root = writeStudy (tempDir "analysis-pipeline") false
            writePlanning (Path.Combine(root, "plan")) 0.9 1.0 [ 0.2; 1.0; infinity ] 3 30 |> ignore
            let out = tempDir "analysis-pipeline-out"
            let result = Pipeline.figures { Pipeline.defaults root out with Png = false; Bootstrap = { Bootstrap.defaults with Repetitions = 200 } }
            let titles = result.Sections |> List.map (fun s -> s.Title)
            Expect.containsAll titles
                [ "Convergence under noise (plan)"; "Error at a fixed budget vs c (plan)"; "Learning curves: breakout"; "Learning curves: asterix"
                  "Target-network norm differences: breakout"; "Per-layer norm differences: asterix"; "c~ sensitivity"
                  "Per-game improvement: DQN Pro (c~=0.1) vs DQN"; "Per-game improvement: DQN Pro (c~=1) vs DQN"
                  "Aggregate metrics"; "Performance profiles" ] "sections"
            Expect.equal result.RunTable.Rows.Length 18 "2 games x 3 agents x 3 seeds"
            let report = File.ReadAllText result.Report
            for f in result.Figures do
                Expect.isTrue (File.Exists f.Html) f.Html
                Expect.stringContains report (Path.GetFileName f.Html |> nonNull) "report links every figure"
            Expect.stringContains report "What was run" "run table"
        }
        test "pipeline with evaluating runs adds the median normalised score per iteration" {
            let root = tempDir "analysis-pipeline-eval"
            for game in [ "breakout"; "asterix" ] do
                writeRun root "dqn" game 0 infinity 10.0 true |> ignore
                writeRun root "dqn-pro" game 0 0.1 12.0 true |> ignore
            let result = Pipeline.figures { Pipeline.defaults root (tempDir "analysis-pipeline-eval-out") with Png = false; Bootstrap = { Bootstrap.defaults with Repetitions = 100 } }
            Expect.contains (result.Sections |> List.map (fun s -> s.Title)) "Median normalised score per iteration" "median figure"
            Expect.contains result.Notes "c~ radar skipped: needs Pro runs with at least two finite c~ values" "skips are explained"
        }
        test "report: PNGs embedded, HTML linked, table written" {
            let dir = tempDir "analysis-report"
            File.WriteAllText(Path.Combine(dir, "a.html"), "<html></html>")
            File.WriteAllBytes(Path.Combine(dir, "a.png"), [| 0uy |])
            let path = Report.write dir [ { Title = "Fig A"; Caption = "3 seeds, 1M frames"; Figures = [ Path.Combine(dir, "a.html"); Path.Combine(dir, "a.png") ] } ]
                                    { Header = [ "run"; "seed" ]; Rows = [ [ "r<1>"; "0" ] ] }
            let html = File.ReadAllText path
            Expect.stringContains html "<img src=\"a.png\"" "png embedded (relative path)"
            Expect.stringContains html "href=\"a.html\"" "html linked"
            Expect.stringContains html "3 seeds, 1M frames" "caption"
            Expect.stringContains html "<td>r&lt;1&gt;</td>" "cells escaped"
        }
    ]
