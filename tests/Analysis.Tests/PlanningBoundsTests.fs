/// The third planning experiment (measured contraction vs rho, error under bounded noise vs result 3) and
/// the shared plotly.js export.
module PlanningBoundsTests

open System
open System.IO
open Expecto
open Research.Tabular
open Research.Analysis
open Fixtures

let private study (noise: Noise.NoiseModel) =
    let mdp = Generators.garnet 25 3 4 0.9 7 false
    let cs = [ 0.1; 0.5; 2.0; infinity ]
    let result = Experiment.run (Experiment.config mdp noise (Experiment.grid cs 5) 80)
    PlanningFiles.ofExperiment "garnet(25,3,4)" noise result 0.9

[<Tests>]
let tests =
    testList "Analysis.PlanningBounds" [
        test "geometric errors e_k = e_0 rho^k give exactly rho as worst and mean ratio" {
            let rows =
                [| for c in [ 0.5; 2.0 ] do
                     let rho = Research.Theory.Contraction.pviModulus 0.9 c
                     for s in 0..2 do
                         for k in 0..40 ->
                             ({ Mdp = "m"; Gamma = 0.9; Noise = "none"; C = c; Seed = s; Iteration = k
                                ErrorInf = 10.0 * rho ** float k; ErrorL2 = 0.0 } : PlanningFiles.ErrorRow) |]
            for p in PlanningBounds.contraction rows do
                Expect.floatClose Accuracy.high p.Worst p.Bound "worst = rho"
                Expect.floatClose Accuracy.high p.Mean p.Bound "geometric mean = rho"
                Expect.equal p.Ratios (3 * 40) "3 seeds x 40 ratios"
        }
        test "noiseless PVI on a Garnet MDP never contracts slower than rho = (1 + c gamma)/(1 + c)" {
            let points = PlanningBounds.contraction (study Noise.NoNoise)
            Expect.equal (points |> Array.map (fun p -> p.C)) [| 0.1; 0.5; 2.0; infinity |] "one point per c, VI last"
            for p in points do
                Expect.isGreaterThan p.Ratios 0 "ratios measured"
                Expect.isLessThanOrEqual p.Worst (p.Bound * (1.0 + 1e-9)) (sprintf "c = %g: worst %g <= rho %g" p.C p.Worst p.Bound)
            Expect.floatClose Accuracy.veryHigh (points |> Array.last).Bound 0.9 "VI's modulus is gamma"
        }
        test "uniform noise: the error stays under the bound of result 3, which starts at e_0" {
            let rows = study (Noise.Uniform 0.3)
            Expect.equal (PlanningBounds.noiseBound "uniform:0.3") (Some 0.3) "bounded noise recognised"
            Expect.equal (PlanningBounds.noiseBound "gaussian:1") None "Gaussian noise is not bounded"
            let curves = PlanningBounds.boundedNoise 0.3 rows
            for _, pts in curves do
                let _, m0, b0 = pts[0]
                Expect.floatClose Accuracy.veryHigh b0 m0 "bound at k = 0 is e_0"
            let worst = PlanningBounds.worstBoundRatio curves
            Expect.isLessThanOrEqual worst 1.0 "measured <= bound"
            Expect.isGreaterThan worst 0.3 "the bound is not vacuous here"
            let chart = PlanningBounds.boundedNoiseFigure "caption" 0.3 rows
            Expect.equal (Plot.traceNames chart).Length 8 "measured and bound per c"
        }
        test "pipeline: a noiseless study gets the contraction figure, a uniform one the bound figure" {
            let root = tempDir "bounds-pipeline"
            let write name (noise: Noise.NoiseModel) =
                let rows = study noise
                let lines =
                    "mdp,gamma,noise,c,seed,iteration,error_inf,error_l2"
                    :: [ for r in rows -> sprintf "m,0.9,%s,%s,%d,%d,%s,%s" r.Noise (if Double.IsPositiveInfinity r.C then "inf" else inv r.C) r.Seed r.Iteration (inv r.ErrorInf) (inv r.ErrorL2) ]
                writeLines (Path.Combine(root, name, "errors.csv")) lines
            write "clean" Noise.NoNoise
            write "bounded" (Noise.Uniform 0.3)
            let result = Pipeline.figures { Pipeline.defaults root (tempDir "bounds-pipeline-out") with Png = false }
            let titles = result.Sections |> List.map (fun s -> s.Title)
            Expect.containsAll titles [ "Empirical contraction modulus vs the bound (clean)"; "Error under bounded noise vs the bound (bounded)" ] "third figure"
            Expect.isFalse (titles |> List.exists (fun t -> t.StartsWith "Error under bounded noise vs the bound (clean)")) "no bound figure without bounded noise"
        }
        test "shared plotly.js: one file next to the figures, referenced relatively; inline mode writes none" {
            let dir = tempDir "shared-plotly"
            let chart = PlanningBounds.contractionFigure "c" (study Noise.NoNoise)
            let a = Export.saveAs Export.Shared false dir "a" chart
            Export.saveAs Export.Shared false dir "b" chart |> ignore
            let js = Path.Combine(dir, Export.sharedPlotlyJsName ())
            Expect.isTrue (File.Exists js) "plotly.js written"
            Expect.stringContains (File.ReadAllText js) "plotly.js v" "the library"
            let html = File.ReadAllText a.Html
            Expect.stringContains html (sprintf "<script src=\"%s\"" (Export.sharedPlotlyJsName ())) "relative script reference"
            Expect.isLessThan html.Length 200_000 "no inline plotly.js"
            Expect.equal (Directory.GetFiles(dir, "*.js").Length) 1 "one shared file"
            let inlineDir = tempDir "inline-plotly"
            let b = Export.saveAs Export.Inline false inlineDir "a" chart
            Expect.isEmpty (Directory.GetFiles(inlineDir, "*.js")) "inline writes no script file"
            Expect.isGreaterThan (File.ReadAllText b.Html).Length 1_000_000 "inline plotly.js"
        }
    ]
