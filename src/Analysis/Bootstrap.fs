/// Stratified bootstrap confidence intervals and performance profiles (Agarwal et al., NeurIPS 2021;
/// docs/proximal-updates.md, "Metrics": beyond the paper). Seeded with the project's xoshiro256**.
module Research.Analysis.Bootstrap

open Research.Tabular

/// Bootstrap settings: B resamples, two-sided confidence level, seed.
type Options = { Repetitions: int; Confidence: float; Seed: int }

/// B = 2000, 95 %, seed 0 (rliable uses 2000 or more).
let defaults = { Repetitions = 2000; Confidence = 0.95; Seed = 0 }

/// A point estimate with a percentile confidence interval.
type Interval = { Estimate: float; Lower: float; Upper: float }

let private validate (o: Options) =
    if o.Repetitions < 1 then invalidArg "Repetitions" (sprintf "Repetitions = %d; allowed: >= 1" o.Repetitions)
    if not (o.Confidence > 0.0 && o.Confidence < 1.0) then
        invalidArg "Confidence" (sprintf "Confidence = %g; allowed: 0 < Confidence < 1" o.Confidence)

/// One stratified resample: within each task independently, n_task runs drawn with replacement from
/// that task's runs (tasks are never mixed).
let resample (rng: Rng.Rng) (scores: float[][]) : float[][] =
    scores |> Array.map (fun runs -> Array.init runs.Length (fun _ -> runs[Rng.below rng runs.Length]))

/// The B bootstrap replicates of a statistic (in resample order).
let replicates (options: Options) (statistic: float[][] -> 'T) (scores: float[][]) : 'T[] =
    validate options
    let rng = Rng.create options.Seed
    Array.init options.Repetitions (fun _ -> statistic (resample rng scores))

/// Percentile interval of replicates: [Q(alpha/2), Q(1 - alpha/2)], alpha = 1 - confidence, with
/// linear-interpolation quantiles (Statistics.quantile).
let percentile (confidence: float) (values: float[]) =
    let alpha = 1.0 - confidence
    let s = Array.sort values
    Statistics.quantileSorted s (alpha / 2.0), Statistics.quantileSorted s (1.0 - alpha / 2.0)

/// Stratified-bootstrap percentile CI of an aggregate (Efron's percentile bootstrap, stratified by
/// task as in rliable): the estimate is the aggregate of the observed scores.
let confidenceInterval (options: Options) (aggregate: float[][] -> float) (scores: float[][]) : Interval =
    let lo, hi = replicates options aggregate scores |> percentile options.Confidence
    { Estimate = aggregate scores; Lower = lo; Upper = hi }

/// Fraction of all runs x tasks (pooled) whose score exceeds tau: the run-score distribution
/// F(tau) = (1 / N) sum_{m,k} 1[x_{m,k} > tau] (rliable `run_score_distribution`).
let profileAt (scores: float[][]) (tau: float) =
    let all = Statistics.pooled scores
    float (all |> Array.sumBy (fun x -> if x > tau then 1 else 0)) / float all.Length

/// One point of a performance profile with its bootstrap band.
type ProfilePoint = { Tau: float; Fraction: float; Lower: float; Upper: float }

/// Performance profile over a tau grid with pointwise stratified-bootstrap percentile bands (the
/// same resamples for every tau).
let performanceProfile (options: Options) (taus: float[]) (scores: float[][]) : ProfilePoint[] =
    let reps = replicates options (fun s -> taus |> Array.map (profileAt s)) scores
    taus
    |> Array.mapi (fun i tau ->
        let lo, hi = reps |> Array.map (fun r -> r[i]) |> percentile options.Confidence
        { Tau = tau; Fraction = profileAt scores tau; Lower = lo; Upper = hi })

/// An evenly spaced tau grid of `points` values over [lo, hi].
let tauGrid (lo: float) (hi: float) (points: int) =
    if points < 2 then invalidArg "points" (sprintf "points = %d; allowed: >= 2" points)
    Array.init points (fun i -> lo + (hi - lo) * float i / float (points - 1))
