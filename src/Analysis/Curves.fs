/// Learning curves across seeds, target-network norm differences and the c~ radar
/// (docs/proximal-updates.md, "Metrics").
module Research.Analysis.Curves

open System
open Research.Analysis.RunFiles

/// One point of an aggregated curve: mean +- standard error over the seeds that have a value there.
type CurvePoint = { X: float; Mean: float; StandardError: float; Seeds: int }

let private point x (values: float[]) =
    let s = Statistics.meanSe values
    { X = x; Mean = s.Mean; StandardError = s.StandardError; Seeds = s.Count }

/// Aggregation of series observed at the same x in every seed (evaluation phases run at k * eval-period
/// steps for every seed): the x values present in every series, mean +- s.e. across series there.
let atCommonSteps (series: (float * float)[] list) : CurvePoint[] =
    match series with
    | [] -> [||]
    | first :: _ ->
        let common =
            series |> List.map (Array.map fst >> Set.ofArray) |> List.reduce Set.intersect
        first
        |> Array.map fst
        |> Array.filter common.Contains
        |> Array.distinct
        |> Array.map (fun x -> point x (series |> List.map (fun s -> s |> Array.find (fun (x', _) -> x' = x) |> snd) |> Array.ofList))

/// Aggregation of series observed at irregular x (training episodes end at different steps per seed):
/// the range [0, xEnd] with xEnd the smallest last x over the series (so every seed covers the grid) is
/// cut into `bins` equal bins; a series' value in bin (t_{j-1}, t_j] is the mean of its observations
/// there; an empty bin holds the series' previous bin value; bins before a series' first observation
/// are left out for that series (Seeds counts the series used). The point is drawn at the bin's end t_j.
let binned (bins: int) (series: (float * float)[] list) : CurvePoint[] =
    if bins < 1 then invalidArg "bins" (sprintf "bins = %d; allowed: >= 1" bins)
    let series = series |> List.filter (fun s -> s.Length > 0)
    if series.IsEmpty then [||]
    else
        let xEnd = series |> List.map (fun s -> s |> Array.map fst |> Array.max) |> List.min
        let edge j = xEnd * float j / float bins
        let perSeries (s: (float * float)[]) =
            let values = Array.create bins nan
            let mutable previous = nan
            for j in 1..bins do
                let inBin = s |> Array.filter (fun (x, _) -> x > edge (j - 1) && x <= edge j || (j = 1 && x = 0.0))
                if inBin.Length > 0 then previous <- Array.averageBy snd inBin
                values[j - 1] <- previous
            values
        let columns = series |> List.map perSeries
        [| for j in 1..bins do
             let vs = columns |> List.map (fun c -> c[j - 1]) |> List.filter (Double.IsNaN >> not) |> Array.ofList
             if vs.Length > 0 then yield point (edge j) vs |]

/// The return series of a run against frames (steps x frame-skip): evaluation mean returns when the run
/// evaluates, otherwise training episode returns.
let returnSeries (run: Run) : (float * float)[] =
    let frames (step: int64) = float step * float run.Config.FrameSkip
    if run.Evaluations.Length > 0 then run.Evaluations |> Array.map (fun e -> frames e.Step, e.MeanReturn)
    else run.Episodes |> Array.map (fun e -> frames e.Step, e.Return)

/// Learning curve of a group of seeds (return vs frames, mean +- s.e.): evaluations at common steps
/// when every run evaluates, otherwise training returns binned into `bins` bins (see `binned`).
let learningCurve (bins: int) (runs: Run list) : CurvePoint[] =
    let series = runs |> List.map returnSeries
    if not runs.IsEmpty && runs |> List.forall (fun r -> r.Evaluations.Length > 0) then atCommonSteps series
    else binned bins series

/// Norm differences of consecutive target networks d_k (mean +- s.e. over seeds at each refresh k,
/// x = frames at the refresh). `layer = None` uses the global norm, `Some name` one parameter tensor.
let normDifferences (layer: string option) (runs: Run list) : CurvePoint[] =
    let series (run: Run) =
        let frames (step: int64) = float step * float run.Config.FrameSkip
        match layer with
        | None -> run.TargetSyncs |> Array.map (fun s -> frames s.Step, s.Norm)
        | Some name -> run.LayerSyncs |> Array.filter (fun s -> s.Layer = name) |> Array.map (fun s -> frames s.Step, s.Norm)
    atCommonSteps (runs |> List.map series)

/// The parameter tensors that appear in the runs' target_sync_layers.csv, in first-seen order.
let layers (runs: Run list) =
    runs |> Seq.collect (fun r -> r.LayerSyncs |> Seq.map (fun s -> s.Layer)) |> Seq.distinct |> List.ofSeq

/// The paper's median human-normalised score per iteration: at each evaluation phase k present in every
/// run, per game the mean over its runs of `normalise game (mean return at k)`, then the median across
/// games (docs/proximal-updates.md, "Metrics"). x = frames at phase k. Runs without evaluations are ignored.
let medianAcrossGames (normalise: string -> float -> float) (runs: Run list) : (float * float)[] =
    let evaluating = runs |> List.filter (fun r -> r.Evaluations.Length > 0)
    if evaluating.IsEmpty then [||]
    else
        let phases = evaluating |> List.map (fun r -> r.Evaluations |> Array.map (fun e -> e.Evaluation) |> Set.ofArray) |> Set.intersectMany
        let at k (r: Run) = r.Evaluations |> Array.find (fun e -> e.Evaluation = k)
        [| for k in phases ->
            let first = evaluating.Head
            let frames = float (at k first).Step * float first.Config.FrameSkip
            let perGame =
                evaluating
                |> List.groupBy (fun r -> r.Config.Game)
                |> List.map (fun (g, rs) -> rs |> List.averageBy (fun r -> normalise g (at k r).MeanReturn))
            frames, Statistics.median (Array.ofList perGame) |] |> Array.sortBy fst

/// One spoke value of the c~ radar.
type RadarPoint = { Game: string; CTilde: float; MeanFinal: float; Ratio: float }

/// The c~ sensitivity radar (docs/proximal-updates.md, "Metrics"): per game, the mean final return of each
/// c~ divided by the
/// best c~'s mean final return on that game. Input: (game, c~, final returns of its seeds). When the
/// best mean is <= 0 the ratio is not meaningful and is NaN for that game.
let radar (finals: (string * float * float[]) list) : RadarPoint list =
    finals
    |> List.groupBy (fun (g, _, _) -> g)
    |> List.collect (fun (game, rows) ->
        let means = rows |> List.map (fun (_, c, xs) -> c, Array.average xs)
        let best = means |> List.map snd |> List.max
        means
        |> List.sortBy fst
        |> List.map (fun (c, m) -> { Game = game; CTilde = c; MeanFinal = m; Ratio = (if best > 0.0 then m / best else nan) }))
