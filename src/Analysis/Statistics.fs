/// Descriptive statistics and the aggregate metrics of Agarwal et al. (NeurIPS 2021, "Deep RL at the
/// edge of the statistical precipice", the `rliable` library). Pure functions over float arrays.
/// Score matrices are task-major: `scores[task][run]` (tasks may have different run counts).
module Research.Analysis.Statistics

open System

/// Mean with its standard error.
type MeanSe = { Mean: float; StandardError: float; Count: int }

let private requireNonEmpty (name: string) (xs: float[]) =
    if xs.Length = 0 then invalidArg name (sprintf "%s is empty; at least one value is required" name)

/// Mean and standard error `s / sqrt n`, s the sample standard deviation (divisor n - 1)
/// (docs/proximal-updates.md, "Metrics": learning curves are mean +- 1 s.e. over seeds).
/// With one value the standard error is 0 (no spread can be measured; figures draw no band).
let meanSe (xs: float[]) : MeanSe =
    requireNonEmpty "values" xs
    let n = xs.Length
    let mean = Array.average xs
    let se =
        if n = 1 then 0.0
        else sqrt ((xs |> Array.sumBy (fun x -> (x - mean) * (x - mean))) / float (n - 1)) / sqrt (float n)
    { Mean = mean; StandardError = se; Count = n }

/// Median: the middle value of the sorted values, or the mean of the two middle values.
let median (xs: float[]) =
    requireNonEmpty "values" xs
    let s = Array.sort xs
    let n = s.Length
    if n % 2 = 1 then s[n / 2] else 0.5 * (s[n / 2 - 1] + s[n / 2])

/// Quantile with linear interpolation between order statistics (numpy's default, Hyndman-Fan type 7):
/// h = (n - 1) q, Q = x_(floor h) + (h - floor h)(x_(floor h + 1) - x_(floor h)), 0 <= q <= 1.
let quantileSorted (sorted: float[]) (q: float) =
    requireNonEmpty "values" sorted
    if not (q >= 0.0 && q <= 1.0) then invalidArg "q" (sprintf "q = %g; allowed: 0 <= q <= 1" q)
    let h = float (sorted.Length - 1) * q
    let lo = int (floor h)
    let hi = min (lo + 1) (sorted.Length - 1)
    sorted[lo] + (h - float lo) * (sorted[hi] - sorted[lo])

/// Quantile of unsorted values (see `quantileSorted`).
let quantile (xs: float[]) (q: float) = quantileSorted (Array.sort xs) q

/// Trimmed mean as scipy.stats.trim_mean(x, proportion): sort, cut k = floor(proportion n) values
/// from each end, average the rest.
let trimMean (proportion: float) (xs: float[]) =
    requireNonEmpty "values" xs
    if not (proportion >= 0.0 && proportion < 0.5) then
        invalidArg "proportion" (sprintf "proportion = %g; allowed: 0 <= proportion < 0.5" proportion)
    let s = Array.sort xs
    let k = int (proportion * float s.Length)
    s[k .. s.Length - k - 1] |> Array.average

/// Pools a task-major score matrix into one array (all runs x tasks).
let pooled (scores: float[][]) = Array.concat scores

let private requireScores (scores: float[][]) =
    if scores.Length = 0 then invalidArg "scores" "scores has no task; at least one task with one run is required"
    scores |> Array.iteri (fun i runs -> if runs.Length = 0 then invalidArg "scores" (sprintf "task %d has no run; each task needs at least one" i))

/// Interquartile mean (rliable `aggregate_iqm`): scipy.stats.trim_mean(x, 0.25) over all runs x tasks
/// pooled, i.e. floor(n/4) values are cut from each end of the n pooled scores.
let iqm (scores: float[][]) =
    requireScores scores
    trimMean 0.25 (pooled scores)

/// Mean of the per-task mean scores (rliable `aggregate_mean`).
let aggregateMean (scores: float[][]) =
    requireScores scores
    scores |> Array.map Array.average |> Array.average

/// Median across tasks of the per-task mean scores (rliable `aggregate_median`; the paper's median
/// human-normalised score across games).
let aggregateMedian (scores: float[][]) =
    requireScores scores
    scores |> Array.map Array.average |> median

/// Optimality gap with threshold gamma: mean over all runs x tasks of max(gamma - x, 0)
/// (= gamma - mean(min(x, gamma)), rliable `aggregate_optimality_gap`; lower is better).
let optimalityGapAt (gamma: float) (scores: float[][]) =
    requireScores scores
    pooled scores |> Array.averageBy (fun x -> max (gamma - x) 0.0)

/// Optimality gap with gamma = 1 (human level for human-normalised scores).
let optimalityGap (scores: float[][]) = optimalityGapAt 1.0 scores

/// An aggregate metric with its name (for tables and figures).
type Aggregate = { Name: string; Compute: float[][] -> float }

/// Median, IQM, mean and optimality gap, in that order (rliable's standard panel).
let standardAggregates =
    [ { Name = "Median"; Compute = aggregateMedian }
      { Name = "IQM"; Compute = iqm }
      { Name = "Mean"; Compute = aggregateMean }
      { Name = "Optimality gap"; Compute = optimalityGap } ]
