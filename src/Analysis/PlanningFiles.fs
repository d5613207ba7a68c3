/// Reading the outputs of `prox plan` (docs/planning.md): errors.csv and summary.csv.
module Research.Analysis.PlanningFiles

open System.IO
open Research.RunFormat

/// One row of errors.csv: the error of run (c, seed) after `Iteration` steps. c = infinity is VI.
type ErrorRow =
    { Mdp: string; Gamma: float; Noise: string; C: float; Seed: int; Iteration: int; ErrorInf: float; ErrorL2: float }

/// One row of summary.csv: per c, mean and standard error of the final errors.
type SummaryRow =
    { Mdp: string; Gamma: float; Noise: string; C: float; Beta: float; Modulus: float; Runs: int
      MeanFinalErrorInf: float; SeFinalErrorInf: float; MeanFinalErrorL2: float; SeFinalErrorL2: float }

/// Reads errors.csv (a partial last line is ignored).
let readErrors (path: string) : ErrorRow[] =
    let t = Csv.read path
    let s, f, i = Csv.stringColumn t, Csv.floatColumn t, Csv.intColumn t
    let mdp, gamma, noise, c, seed, k, einf, el2 =
        s ErrorsCsv.Mdp, f ErrorsCsv.Gamma, s ErrorsCsv.Noise, f ErrorsCsv.C, i ErrorsCsv.Seed, i ErrorsCsv.Iteration,
        f ErrorsCsv.ErrorInf, f ErrorsCsv.ErrorL2
    t.Rows
    |> Array.map (fun r ->
        { Mdp = mdp r; Gamma = gamma r; Noise = noise r; C = c r; Seed = seed r; Iteration = k r
          ErrorInf = einf r; ErrorL2 = el2 r })

/// Reads summary.csv.
let readSummary (path: string) : SummaryRow[] =
    let t = Csv.read path
    let s, f, i = Csv.stringColumn t, Csv.floatColumn t, Csv.intColumn t
    let mdp, gamma, noise, c, beta, modulus, runs =
        s SummaryCsv.Mdp, f SummaryCsv.Gamma, s SummaryCsv.Noise, f SummaryCsv.C, f SummaryCsv.Beta, f SummaryCsv.Modulus,
        i SummaryCsv.Runs
    let mi, si, ml, sl =
        f SummaryCsv.MeanFinalErrorInf, f SummaryCsv.SeFinalErrorInf, f SummaryCsv.MeanFinalErrorL2, f SummaryCsv.SeFinalErrorL2
    t.Rows
    |> Array.map (fun r ->
        { Mdp = mdp r; Gamma = gamma r; Noise = noise r; C = c r; Beta = beta r; Modulus = modulus r; Runs = runs r
          MeanFinalErrorInf = mi r; SeFinalErrorInf = si r; MeanFinalErrorL2 = ml r; SeFinalErrorL2 = sl r })

/// True when `dir` holds a planning study (errors.csv).
let isPlanningDirectory (dir: string) = File.Exists(Path.Combine(dir, ErrorsCsv.Name))

/// Parses the noise description of errors.csv (`gaussian:1`, `uniform:0.5`, `none`, ...) into
/// (kind, scale); used to overlay the closed form (which needs sigma).
let noiseScale (noise: string) =
    match noise.Split(':') with
    | [| kind; value |] ->
        match Csv.tryParseFloat value with
        | Some v -> kind.ToLowerInvariant(), v
        | None -> kind.ToLowerInvariant(), nan
    | _ -> noise.ToLowerInvariant(), 0.0

/// The rows errors.csv would hold for an in-memory study (`Research.Tabular.Experiment.run`), so notebooks
/// can draw the planning figures without writing files. `mdp` describes the MDP (free text).
let ofExperiment (mdp: string) (noise: Research.Tabular.Noise.NoiseModel) (result: Research.Tabular.Experiment.Result) (gamma: float) : ErrorRow[] =
    let noiseText = Research.Tabular.Noise.describe noise
    [| for t in result.Traces do
         for k in 0 .. t.ErrorInf.Length - 1 ->
             { Mdp = mdp; Gamma = gamma; Noise = noiseText; C = t.Run.C; Seed = t.Run.Seed; Iteration = k
               ErrorInf = t.ErrorInf[k]; ErrorL2 = t.ErrorL2[k] } |]
