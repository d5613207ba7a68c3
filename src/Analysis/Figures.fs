/// The paper's figures (and the planning experiments of docs/planning.md) as Plotly.NET charts.
/// Each builder takes analysed data and a caption (seeds, budgets) and returns a GenericChart; save it
/// with Export.save.
module Research.Analysis.Figures

open System
open System.Globalization
open Plotly.NET
open Research.Analysis.Plot
open Research.Analysis.Curves
open Research.Analysis.PlanningFiles

let private inv (x: float) = x.ToString("G4", CultureInfo.InvariantCulture)

/// Legend label of a planning c: `c = 0.2`, `VI (c = ∞)`.
let cLabel (c: float) = if Double.IsPositiveInfinity c then "VI (c = ∞)" else "c = " + inv c

/// Per c (ascending, VI last), per iteration: mean +- s.e. over seeds of ||v_k - v*||_inf.
let convergenceCurves (errors: ErrorRow[]) =
    errors
    |> Array.groupBy (fun r -> r.C)
    |> Array.sortBy fst
    |> Array.map (fun (c, rows) ->
        c,
        rows
        |> Array.groupBy (fun r -> r.Iteration)
        |> Array.sortBy fst
        |> Array.map (fun (k, rs) ->
            let s = Statistics.meanSe (rs |> Array.map (fun r -> r.ErrorInf))
            { X = float k; Mean = s.Mean; StandardError = s.StandardError; Seeds = s.Count }))

/// Convergence under noise: log ||v_k - v*||_inf vs iteration k, one line per c, mean over seeds with
/// +-1 s.e. bands (clipped at a positive floor on the log axis).
let convergence (caption: string) (errors: ErrorRow[]) : GenericChart =
    let curves = convergenceCurves errors
    let traces =
        curves
        |> Array.toList
        |> List.mapi (fun i (c, pts) ->
            let xs = pts |> Array.map (fun p -> p.X)
            let mean = pts |> Array.map (fun p -> p.Mean)
            let floor = 1e-12
            let lo = pts |> Array.map (fun p -> max floor (p.Mean - p.StandardError))
            let hi = pts |> Array.map (fun p -> max floor (p.Mean + p.StandardError))
            let dash = if Double.IsPositiveInfinity c then [ "line", obj [ "color", box "#000000"; "width", box 2.4; "dash", box "dash" ] ] else []
            band (cLabel c) (if Double.IsPositiveInfinity c then "#000000" else colour i) xs mean lo hi dash)
        |> List.concat
    let first = errors |> Array.tryHead
    let title =
        match first with
        | Some r -> titled "Convergence under noise: VI vs PVI" (sprintf "%s, γ = %s, noise %s" r.Mdp (inv r.Gamma) r.Noise)
        | None -> "Convergence under noise: VI vs PVI"
    chart traces
        (layout title caption
            [ "xaxis", axis "iteration k" []
              "yaxis", axis "‖v<sub>k</sub> − v*‖<sub>∞</sub> (log scale)" [ "type", box "log"; "dtick", box "D2" ]
              "legend", obj [ "title", obj [ "text", box "proximal weight" ]; "bgcolor", box "rgba(255,255,255,0.85)"; "bordercolor", box "#ccc"; "borderwidth", box 1 ] ])

/// The scalar model's standard deviation of the zero-mean noise of a planning noise description:
/// gaussian:s -> s, uniform:e -> e / sqrt 3, none -> 0; None for adversarial (not zero-mean i.i.d.).
let noiseSigma (noise: string) =
    match noiseScale noise with
    | "gaussian", s -> Some s
    | "uniform", e -> Some(e / sqrt 3.0)
    | "none", _ -> Some 0.0
    | _ -> None

/// Final error vs c (U-shaped; log x axis): mean +- s.e. over seeds of ||v_K - v*||_inf per finite c,
/// VI as a dashed horizontal line, and the closed form sqrt(MSE_K(beta(c))) of the scalar model
/// e_{k+1} = a e_k + beta eps_k, a = 1 - beta (1 - gamma) (docs/planning.md, result 4;
/// Research.Theory.NoiseMoments.mse) with e_0 = the mean initial error and sigma from the noise.
let errorVsC (caption: string) (errors: ErrorRow[]) : GenericChart =
    if errors.Length = 0 then invalidArg "errors" "errors is empty; errorVsC needs the rows of errors.csv"
    let K = errors |> Array.map (fun r -> r.Iteration) |> Array.max
    let gamma = errors[0].Gamma
    let e0 = errors |> Array.filter (fun r -> r.Iteration = 0) |> Array.averageBy (fun r -> r.ErrorInf)
    let finals =
        errors
        |> Array.filter (fun r -> r.Iteration = K)
        |> Array.groupBy (fun r -> r.C)
        |> Array.sortBy fst
        |> Array.map (fun (c, rs) -> c, Statistics.meanSe (rs |> Array.map (fun r -> r.ErrorInf)))
    let finite = finals |> Array.filter (fun (c, _) -> Double.IsFinite c)
    let empirical =
        scatter [ "x", box (finite |> Array.map fst); "y", box (finite |> Array.map (fun (_, s) -> s.Mean))
                  "error_y", obj [ "type", box "data"; "array", box (finite |> Array.map (fun (_, s) -> s.StandardError)); "visible", box true; "color", box (colour 0) ]
                  "mode", box "lines+markers"; "name", box "PVI, measured (mean ± 1 s.e.)"
                  "marker", obj [ "size", box 9; "color", box (colour 0) ]; "line", obj [ "color", box (colour 0); "width", box 2 ] ]
    let cMin, cMax =
        if finite.Length > 0 then (finite |> Array.map fst |> Array.min) / 2.0, (finite |> Array.map fst |> Array.max) * 2.0
        else 0.01, 100.0
    let grid = Array.init 200 (fun i -> cMin * Math.Pow(cMax / cMin, float i / 199.0))
    let vi =
        finals |> Array.tryFind (fun (c, _) -> Double.IsPositiveInfinity c)
        |> Option.map (fun (_, s) ->
            scatter [ "x", box [| cMin; cMax |]; "y", box [| s.Mean; s.Mean |]; "mode", box "lines"
                      "name", box (sprintf "VI (c = ∞), measured: %s" (inv s.Mean))
                      "line", obj [ "color", box "#000000"; "dash", box "dash"; "width", box 2 ] ])
    let theory =
        noiseSigma errors[0].Noise
        |> Option.map (fun sigma ->
            let rmse = grid |> Array.map (fun c -> sqrt (Research.Theory.NoiseMoments.mse gamma c K e0 sigma))
            scatter [ "x", box grid; "y", box rmse; "mode", box "lines"
                      "name", box (sprintf "closed form √MSE<sub>K</sub> (scalar model, e<sub>0</sub> = %s, σ = %s)" (inv e0) (inv sigma))
                      "line", obj [ "color", box (colour 1); "width", box 2.2; "dash", box "dot" ] ])
    // headroom above the measured values (VI included) for
    // the legend; the closed form may be clipped at small c
    let yTop = 1.35 * (finals |> Array.map (fun (_, m) -> m.Mean + m.StandardError) |> Array.fold max 1e-12)
    let title = titled (sprintf "Error after K = %d iterations vs proximal weight c" K) (sprintf "%s, γ = %s, noise %s" errors[0].Mdp (inv gamma) errors[0].Noise)
    chart ([ Some empirical; vi; theory ] |> List.choose id)
        (layout title caption
            [ "xaxis", axis "proximal weight c (log scale; β = c / (1 + c))"
                          [ "type", box "log"; "tickvals", box (finite |> Array.map fst); "ticktext", box (finite |> Array.map (fst >> inv)) ]
              "yaxis", axis "final error ‖v<sub>K</sub> − v*‖<sub>∞</sub>" [ "range", box [| 0.0; yTop |] ]
              "legend", obj [ "x", box 0.99; "xanchor", box "right"; "y", box 0.99; "yanchor", box "top"
                              "bgcolor", box "rgba(255,255,255,0.85)"; "bordercolor", box "#ccc"; "borderwidth", box 1 ] ])

/// Learning curves (return vs frames, mean +- 1 s.e. over seeds), one line per agent; curves with at
/// most 30 points (evaluation phases) get markers.
let learningCurves (title: string) (caption: string) (curves: (string * CurvePoint[]) list) : GenericChart =
    let traces =
        curves
        |> List.mapi (fun i (name, pts) ->
            let xs = pts |> Array.map (fun p -> p.X)
            let markers = if pts.Length <= 30 then [ "mode", box "lines+markers"; "marker", obj [ "size", box 7; "color", box (colour i) ] ] else []
            band name (colour i) xs (pts |> Array.map (fun p -> p.Mean))
                (pts |> Array.map (fun p -> p.Mean - p.StandardError)) (pts |> Array.map (fun p -> p.Mean + p.StandardError)) markers)
        |> List.concat
    chart traces
        (layout title caption
            [ "xaxis", axis "frames" [ "exponentformat", box "SI" ]
              "yaxis", axis "return (undiscounted episode return)" [] ])

/// Norm differences of consecutive target networks d_k = ||theta_k - theta_(k-1)||_2 (mean +- 1 s.e.
/// over seeds), one line per agent, log y axis.
let normDifferences (title: string) (caption: string) (curves: (string * CurvePoint[]) list) : GenericChart =
    let traces =
        curves
        |> List.mapi (fun i (name, pts) ->
            let xs = pts |> Array.map (fun p -> p.X)
            band name (colour i) xs (pts |> Array.map (fun p -> p.Mean))
                (pts |> Array.map (fun p -> max 1e-12 (p.Mean - p.StandardError))) (pts |> Array.map (fun p -> p.Mean + p.StandardError)) [])
        |> List.concat
    chart traces
        (layout title caption
            [ "xaxis", axis "frames" [ "exponentformat", box "SI" ]
              "yaxis", axis "‖θ<sub>k</sub> − θ<sub>k−1</sub>‖<sub>2</sub> (log scale)" [ "type", box "log"; "exponentformat", box "power" ] ])

/// Per-layer norm differences: colour = parameter tensor, line style = agent (solid for the first agent,
/// dashed for the second, ...); mean over seeds.
let layerNormDifferences (title: string) (caption: string) (curves: (string * string * CurvePoint[]) list) : GenericChart =
    let agents = curves |> List.map (fun (a, _, _) -> a) |> List.distinct
    let layers = curves |> List.map (fun (_, l, _) -> l) |> List.distinct
    let dashes = [| "solid"; "dash"; "dot"; "dashdot" |]
    let traces =
        curves
        |> List.map (fun (agent, layer, pts) ->
            let ai = List.findIndex ((=) agent) agents
            let li = List.findIndex ((=) layer) layers
            scatter [ "x", box (pts |> Array.map (fun p -> p.X)); "y", box (pts |> Array.map (fun p -> p.Mean))
                      "mode", box "lines"; "name", box (sprintf "%s: %s" agent layer)
                      "line", obj [ "color", box (colour li); "dash", box dashes[ai % dashes.Length]; "width", box 2 ] ])
    chart traces
        (layout title caption
            [ "xaxis", axis "frames" [ "exponentformat", box "SI" ]
              "yaxis", axis "per-tensor ‖Δθ‖<sub>2</sub> at each refresh (log scale)" [ "type", box "log"; "exponentformat", box "power" ] ])

/// The c~ sensitivity radar (Plotly polar): one closed polygon per c~, a spoke per game, radius = mean
/// final return / best c~'s mean final return on that game (1 = best).
let radar (title: string) (caption: string) (points: RadarPoint list) : GenericChart =
    let games = points |> List.map (fun p -> p.Game) |> List.distinct
    // ratios below 0 (a c~ with negative mean return) extend the radial axis inwards
    let rMin = points |> List.map (fun p -> p.Ratio) |> List.filter Double.IsFinite |> List.fold min 0.0
    let traces =
        points
        |> List.groupBy (fun p -> p.CTilde)
        |> List.sortBy fst
        |> List.mapi (fun i (c, ps) ->
            let r = games |> List.map (fun g -> ps |> List.tryFind (fun p -> p.Game = g) |> Option.map (fun p -> p.Ratio) |> Option.defaultValue nan)
            let closed xs = xs @ [ List.head xs ]
            scatterPolar [ "r", box (closed r |> Array.ofList); "theta", box (closed games |> Array.ofList)
                           "mode", box "lines+markers"; "name", box (if Double.IsPositiveInfinity c then "c~ = ∞ (DQN)" else "c~ = " + inv c)
                           "line", obj [ "color", box (colour i); "width", box 2 ]; "marker", obj [ "size", box 7 ] ])
    chart traces
        (layout title caption
            [ "polar", obj [ "radialaxis", obj [ "range", box [| rMin; 1.05 |]; "tickvals", box [| 0.25; 0.5; 0.75; 1.0 |];
                                                  "angle", box 90; "tickangle", box 90;
                                                  "gridcolor", box "#ddd" ]
                             "angularaxis", obj [ "gridcolor", box "#ddd"; "linecolor", box "#444" ] ]
              "legend", obj [ "title", obj [ "text", box "radius: return / best c~'s return" ]; "bgcolor", box "rgba(255,255,255,0.85)"
                              "bordercolor", box "#ccc"; "borderwidth", box 1 ] ])

/// Final score of one c~ on one game: the mean final return over seeds with its bootstrap interval.
type SensitivityPoint = { CTilde: float; Score: Bootstrap.Interval; Seeds: int }

/// Final return vs c~ on one game (log x axis): mean over seeds with its confidence interval as error bars,
/// per Pro agent; the base agents (c~ = ∞) as dashed
/// horizontal lines at their mean, dotted at their interval.
let sensitivityLine (title: string) (caption: string) (pro: (string * SensitivityPoint list) list) (baselines: (string * Bootstrap.Interval) list) : GenericChart =
    let cs = pro |> List.collect (snd >> List.map (fun p -> p.CTilde))
    let cMin, cMax = (List.min cs) / 1.5, (List.max cs) * 1.5
    let lines =
        pro |> List.mapi (fun i (agent, points) ->
            let ps = points |> List.sortBy (fun p -> p.CTilde) |> Array.ofList
            scatter [ "x", box (ps |> Array.map (fun p -> p.CTilde)); "y", box (ps |> Array.map (fun p -> p.Score.Estimate))
                      "error_y", obj [ "type", box "data"; "symmetric", box false; "visible", box true; "color", box (colour i)
                                       "array", box (ps |> Array.map (fun p -> p.Score.Upper - p.Score.Estimate))
                                       "arrayminus", box (ps |> Array.map (fun p -> p.Score.Estimate - p.Score.Lower)) ]
                      "text", box (ps |> Array.map (fun p -> sprintf "%d seeds" p.Seeds)); "mode", box "lines+markers"; "name", box agent
                      "marker", obj [ "size", box 9; "color", box (colour i) ]; "line", obj [ "color", box (colour i); "width", box 2 ] ])
    let bases =
        baselines |> List.mapi (fun i (agent, ci) ->
            let c = colour (pro.Length + i)
            [ yield scatter [ "x", box [| cMin; cMax |]; "y", box [| ci.Estimate; ci.Estimate |]; "mode", box "lines"
                              "name", box (sprintf "%s (c~ = ∞): %s [%s, %s]" agent (inv ci.Estimate) (inv ci.Lower) (inv ci.Upper))
                              "line", obj [ "color", box c; "dash", box "dash"; "width", box 2 ] ]
              for y in [ ci.Lower; ci.Upper ] ->
                  scatter [ "x", box [| cMin; cMax |]; "y", box [| y; y |]; "mode", box "lines"; "showlegend", box false; "hoverinfo", box "skip"
                            "line", obj [ "color", box c; "dash", box "dot"; "width", box 1 ] ] ])
        |> List.concat
    let ticks = cs |> List.distinct |> List.sort |> Array.ofList
    chart (lines @ bases)
        (layout title caption
            [ "xaxis", axis "c~ (log scale; μ = learning rate / c~)" [ "type", box "log"; "tickvals", box ticks; "ticktext", box (ticks |> Array.map inv) ]
              "yaxis", axis "final return (mean over seeds, 95 % CI)" []
              "legend", obj [ "bgcolor", box "rgba(255,255,255,0.85)"; "bordercolor", box "#ccc"; "borderwidth", box 1 ] ])

/// Symmetric log transform y = sign(x) log10(1 + |x|) (Plotly has no symlog axis).
let symlog (x: float) = float (sign x) * Math.Log10(1.0 + abs x)

/// Tick positions and labels of the symmetric log axis: 0, +-1, +-10, ... up to the data's magnitude,
/// placed at symlog(v) and labelled with the original value v.
let symlogTicks (maxAbs: float) =
    let decades = max 1 (int (Math.Ceiling(Math.Log10(max 1.0 maxAbs))))
    let values = [ for d in decades .. -1 .. 0 -> -(10.0 ** float d) ] @ [ 0.0 ] @ [ for d in 0..decades -> 10.0 ** float d ]
    values |> List.map symlog |> Array.ofList,
    values |> List.map (fun v -> v.ToString("#,0", CultureInfo.InvariantCulture) + "%") |> Array.ofList

/// Per-game improvement of agent 1 over agent 2 (percent, Normalisation.improvement), sorted, on a
/// symmetric log axis: bar height symlog(x), ticks labelled with the original percentages.
let improvementBars (title: string) (caption: string) (agent1: string) (agent2: string) (rows: (string * float) list) : GenericChart =
    let sorted = rows |> List.filter (snd >> Double.IsFinite) |> List.sortBy snd
    let games = sorted |> List.map fst |> Array.ofList
    let values = sorted |> List.map snd |> Array.ofList
    let tickvals, ticktext = symlogTicks (if values.Length = 0 then 1.0 else values |> Array.map abs |> Array.max)
    // y range: the data and 0, padded; ticks outside it are not drawn
    let ys = values |> Array.map symlog
    let lo, hi = min 0.0 (Array.fold min 0.0 ys), max 0.0 (Array.fold max 0.0 ys)
    let pad = 0.08 * max 0.5 (hi - lo)
    let wins = values |> Array.filter (fun v -> v > 0.0) |> Array.length
    let b =
        bar [ "x", box games; "y", box (values |> Array.map symlog)
              "name", box (sprintf "%s over %s (%d of %d games better)" agent1 agent2 wins values.Length)
              "marker", obj [ "color", box (values |> Array.map (fun v -> if v >= 0.0 then colour 0 else colour 1)) ]
              "customdata", box values; "hovertemplate", box "%{x}: %{customdata:.1f}%<extra></extra>" ]
    chart [ b ]
        (layoutWith 150 title caption
            [ "showlegend", box true
              "xaxis", axis "game" [ "tickangle", box -45; "showgrid", box false;
                                    "title", obj [ "text", box "game"; "standoff", box 18; "font", obj [ "size", box 15 ] ] ]
              "yaxis", axis "improvement (%, symmetric log scale)"
                          [ "tickvals", box tickvals; "ticktext", box ticktext; "zeroline", box true; "zerolinecolor", box "#444"
                            "range", box [| lo - pad; hi + pad |] ]
              "legend", obj [ "x", box 0.01; "xanchor", box "left"; "y", box 0.99; "yanchor", box "top"
                              "bgcolor", box "rgba(255,255,255,0.85)"; "bordercolor", box "#ccc"; "borderwidth", box 1 ] ])

/// Aggregate metrics with confidence intervals: one panel per metric (Median, IQM, Mean, Optimality
/// gap), agents on the y axis, point estimate with its interval as horizontal error bars (rliable's
/// layout). `rows`: (agent, metric, interval).
let aggregateMetrics (title: string) (caption: string) (rows: (string * string * Bootstrap.Interval) list) : GenericChart =
    let metrics = rows |> List.map (fun (_, m, _) -> m) |> List.distinct
    let agents = rows |> List.map (fun (a, _, _) -> a) |> List.distinct
    let n = metrics.Length
    let gap = 0.06
    let w = (1.0 - gap * float (n - 1)) / float n
    let axisName prefix i = if i = 0 then prefix else prefix + string (i + 1)
    let traces =
        [ for mi, metric in List.indexed metrics do
            for ai, agent in List.indexed agents do
                match rows |> List.tryFind (fun (a, m, _) -> a = agent && m = metric) with
                | Some(_, _, iv) ->
                    yield scatter [ "x", box [| iv.Estimate |]; "y", box [| agent |]; "mode", box "markers"
                                    "xaxis", box (axisName "x" mi); "yaxis", box (axisName "y" mi)
                                    "name", box agent; "legendgroup", box agent; "showlegend", box (mi = 0)
                                    "marker", obj [ "color", box (colour ai); "size", box 12; "symbol", box "line-ns-open"; "line", obj [ "width", box 3; "color", box (colour ai) ] ]
                                    "error_x", obj [ "type", box "data"; "symmetric", box false
                                                     "array", box [| iv.Upper - iv.Estimate |]; "arrayminus", box [| iv.Estimate - iv.Lower |]
                                                     "thickness", box 10; "width", box 0; "color", box (withAlpha 0.45 (colour ai)) ] ]
                | None -> () ] 
    let axes =
        metrics
        |> List.indexed
        |> List.collect (fun (i, metric) ->
            let x0 = float i * (w + gap)
            let xKey = if i = 0 then "xaxis" else sprintf "xaxis%d" (i + 1)
            let yKey = if i = 0 then "yaxis" else sprintf "yaxis%d" (i + 1)
            [ (xKey, axis metric [ "domain", box [| x0; x0 + w |]; "anchor", box (axisName "y" i); "nticks", box 5 ])
              (yKey, axis "" [ "anchor", box (axisName "x" i); "showticklabels", box (i = 0); "type", box "category";
                        "categoryorder", box "array"; "categoryarray", box (agents |> List.rev |> Array.ofList);
                        "showgrid", box false; "range", box [| -0.6; float agents.Length - 0.4 |] ]) ])
    chart traces (layout title caption ([ "legend", obj [ "orientation", box "h"; "y", box 1.12; "x", box 1.0; "xanchor", box "right" ] ] @ axes))

/// Performance profiles: fraction of runs with (normalised) score > tau vs tau, with bootstrap bands.
let performanceProfiles (title: string) (caption: string) (xTitle: string) (curves: (string * Bootstrap.ProfilePoint[]) list) : GenericChart =
    let traces =
        curves
        |> List.mapi (fun i (name, pts) ->
            bandShaped "hv" name (colour i) (pts |> Array.map (fun p -> p.Tau)) (pts |> Array.map (fun p -> p.Fraction))
                (pts |> Array.map (fun p -> p.Lower)) (pts |> Array.map (fun p -> p.Upper)) [])
        |> List.concat
    chart traces
        (layout title caption
            [ "xaxis", axis xTitle []
              "yaxis", axis "fraction of runs with score > τ" [ "range", box [| 0.0; 1.02 |] ] ])
