/// From run folders to figures and report.html in one call: the library behind `prox figures` and
/// `prox reproduce`. Finds planning studies (folders with errors.csv) and training runs (folders with a
/// prox-run config.json) under one root and draws every figure the data supports.
module Research.Analysis.Pipeline

open System
open System.Globalization
open System.IO
open Research.Analysis.RunFiles

/// Settings of `figures`.
type Options =
    { /// Folder searched recursively for planning studies and run directories.
      Runs: string
      /// Output folder (figures, report.html).
      Out: string
      /// Reference scores CSV (game,random,human,...) for human-normalised Atari scores; None = the
      /// built-in table (`Normalisation.builtIn`). Games
      /// without references are max-normalised (`normalisers`).
      Scores: string option
      Bootstrap: Bootstrap.Options
      /// Bins of training-return learning curves (runs without evaluations).
      Bins: int
      /// Also write PNGs (needs headless Chromium; skipped with a note otherwise).
      Png: bool
      /// plotly.js inside every figure's HTML, or one shared file in Out (see Export.PlotlyJs).
      PlotlyJs: Export.PlotlyJs }

/// Defaults: B = 2000 at 95 %, seed 0, 50 bins, the built-in
/// scores table, PNGs on, one shared plotly.js in Out.
let defaults runs out =
    { Runs = runs; Out = out; Scores = None; Bootstrap = Bootstrap.defaults; Bins = 50; Png = true; PlotlyJs = Export.Shared }

/// What `figures` produced.
type Result =
    { Sections: Report.Section list
      Figures: Export.SavedFigure list
      /// report.html
      Report: string
      RunTable: Report.Table
      /// Skipped figures and why, PNG notes, runs in progress.
      Notes: string list
      /// The result tables' files (CSV, Markdown, LaTeX).
      Tables: string list }

let private inv (x: float) = x.ToString("G4", CultureInfo.InvariantCulture)
/// A file-name stem: lower case letters and digits, other runs of characters as one `-`.
let private fileSafe (s: string) =
    Text.RegularExpressions.Regex.Replace(s.ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-')

/// The runs' progress in steps: the largest step logged in any metrics file.
let stepsDone (run: Run) =
    [ run.Episodes |> Array.map (fun e -> e.Step); run.Evaluations |> Array.map (fun e -> e.Step)
      run.TargetSyncs |> Array.map (fun e -> e.Step); run.Updates |> Array.map (fun e -> e.Step) ]
    |> Array.concat |> Array.fold max 0L

/// The table of runs for report.html.
let runTable (runs: Run list) : Report.Table =
    { Header = [ "run"; "agent"; "environment"; "seed"; "c~"; "preset"; "steps done / total"; "frames"; "final return"; "status" ]
      Rows =
        runs
        |> List.map (fun r ->
            let steps = stepsDone r
            [ r.Name; r.Config.Agent; r.Config.Environment; string r.Config.Seed
              (if Double.IsPositiveInfinity r.Config.CTilde then "∞" else inv r.Config.CTilde); r.Config.Preset
              sprintf "%d / %d" steps r.Config.TotalSteps; string (steps * int64 r.Config.FrameSkip)
              inv (finalReturn r)
              (if steps >= r.Config.TotalSteps then "complete" else "in progress") ]) }

/// Seeds and budget of a group of runs, for captions.
let private budget (runs: Run list) =
    let seeds = runs |> List.map (fun r -> r.Config.Seed) |> List.distinct |> List.length
    let frames = runs |> List.map (fun r -> r.Config.TotalSteps * int64 r.Config.FrameSkip) |> List.max
    let presets = runs |> List.map (fun r -> r.Config.Preset) |> List.distinct |> String.concat ", "
    sprintf "%d seed%s, budget %s frames per run, preset %s" seeds (if seeds = 1 then "" else "s") (frames.ToString("N0", CultureInfo.InvariantCulture)) presets

/// The scores table of a figures pass: the CSV of `Options.Scores`, else the built-in table.
let scoreTable (options: Options) =
    match options.Scores with
    | Some path -> Normalisation.load path
    | None -> Normalisation.builtIn ()

/// The random/human references of a run's game: only for Atari environments (`atari:<game>`; MinAtar's
/// `breakout` is not Atari's Breakout) whose game has both scores in the table.
let atariReference (table: Normalisation.ScoreTable option) (run: Run) =
    match table with
    | Some t when run.Config.Environment.StartsWith("atari:", StringComparison.OrdinalIgnoreCase) ->
        match Normalisation.tryReference t run.Config.Game with
        | Ok r -> Some r
        | Error _ -> None
    | _ -> None

/// Final-return matrices normalised per game: human-normalised for Atari games with references
/// (`atariReference`), otherwise divided by the largest |final return| of any run of that game (so 1 = the
/// best run; documented in docs/analysis.md). Returns (game, normalising function of a return, kind).
let normalisers (table: Normalisation.ScoreTable option) (runs: Run list) : (string * (float -> float) * string) list =
    runs
    |> List.groupBy (fun r -> r.Config.Game)
    |> List.map (fun (game, rs) ->
        match atariReference table rs.Head with
        | Some ref -> game, Normalisation.humanNormalised ref, "human-normalised"
        | _ ->
            let scale = rs |> List.map (finalReturn >> abs) |> List.filter Double.IsFinite |> List.fold max 0.0
            game, (fun x -> if scale > 0.0 then x / scale else nan), "max-normalised")

/// Planning figures for one study folder (errors.csv): convergence and error vs c, and the bound check of
/// the third experiment of docs/planning.md: noiseless studies get the measured contraction modulus vs
/// rho (result 2), bounded-noise studies (uniform, adversarial) the measured error vs the bound of result 3.
let planningFiguresAs (plotly: Export.PlotlyJs) (png: bool) (dir: string) (out: string) : (Report.Section * Export.SavedFigure) list =
    let errors = PlanningFiles.readErrors (Path.Combine(dir, "errors.csv"))
    if errors.Length = 0 then []
    else
        let seeds = errors |> Array.map (fun r -> r.Seed) |> Array.distinct |> Array.length
        let K = errors |> Array.map (fun r -> r.Iteration) |> Array.max
        let cs = errors |> Array.map (fun r -> r.C) |> Array.distinct |> Array.sort |> Array.map Figures.cLabel |> String.concat ", "
        let r0 = errors[0]
        let setting = sprintf "%s, γ = %s, noise %s; %d seeds per c, K = %d iterations; c ∈ {%s}." r0.Mdp (inv r0.Gamma) r0.Noise seeds K cs
        let name = fileSafe (Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath dir)) |> nonNull)
        let c1 = sprintf "Mean over seeds of ‖v_k − v*‖∞ (log scale) with ±1 standard-error bands. %s Source: %s/errors.csv." setting dir
        let sigmaText =
            match Figures.noiseSigma r0.Noise with
            | Some s -> sprintf "Dotted: closed-form √MSE_K(β) of the scalar model e_{k+1} = a e_k + β ε_k, a = 1 − β(1 − γ), Var ε = σ² = %s, e_0 = mean initial error (docs/planning.md, result 4); it shows the predicted shape, the MDP error is a max over states." (inv (s * s))
            | None -> "No closed form for this noise model (not zero-mean i.i.d.)."
        let c2 = sprintf "Final error ‖v_K − v*‖∞ (mean ± 1 s.e. over seeds) against c on a log axis; dashed: VI. %s %s" sigmaText setting
        let f1 = Export.saveAs plotly png out (sprintf "planning-%s-convergence" name) (Figures.convergence c1 errors)
        let f2 = Export.saveAs plotly png out (sprintf "planning-%s-error-vs-c" name) (Figures.errorVsC c2 errors)
        let section (title: string) caption (f: Export.SavedFigure) =
            { Report.Title = title; Report.Caption = caption; Report.Figures = [ f.Html ] @ Option.toList f.Png }, f
        let bounds =
            match PlanningFiles.noiseScale r0.Noise, PlanningBounds.noiseBound r0.Noise with
            | ("none", _), _ ->
                let points = PlanningBounds.contraction errors |> Array.filter (fun p -> p.Ratios > 0)
                let worst = points |> Array.map (fun p -> p.Worst / p.Bound) |> Array.fold max 0.0
                let c3 =
                    sprintf "Per c, the per-iteration ratio ‖v_(k+1) − v*‖∞ / ‖v_k − v*‖∞ of the noiseless runs (worst over seeds and k, and geometric mean; ratios while the error exceeds 1e-4 of its initial value, above rounding) against the proven modulus ρ = (1 + cγ)/(1 + c) (docs/planning.md, result 2). Largest measured/ρ over all c: 1 %s %s (%s). PVI target assumed. %s"
                        (if worst >= 1.0 then "+" else "−") ((abs (worst - 1.0)).ToString("0.0e0", CultureInfo.InvariantCulture))
                        (if worst <= 1.0 + 1e-9 then "the bound holds, up to floating-point rounding" else "ABOVE the bound beyond rounding") setting
                [ section (sprintf "Empirical contraction modulus vs the bound (%s)" name) c3
                      (Export.saveAs plotly png out (sprintf "planning-%s-contraction" name) (PlanningBounds.contractionFigure c3 errors)) ]
            | _, Some e ->
                let worst = PlanningBounds.worstBoundRatio (PlanningBounds.boundedNoise e errors)
                let c3 =
                    sprintf "Largest error over seeds (solid) and the bound ρ^k e_0 + (1 − ρ^k) e/(1 − γ) for ‖ε_k‖∞ ≤ e (dotted, same colour; docs/planning.md, result 3), per c. Worst measured/bound over all c and k ≥ 1: %s (≤ 1: the bound holds). %s"
                        (inv worst) setting
                [ section (sprintf "Error under bounded noise vs the bound (%s)" name) c3
                      (Export.saveAs plotly png out (sprintf "planning-%s-noise-bound" name) (PlanningBounds.boundedNoiseFigure c3 e errors)) ]
            | _ -> []
        [ section (sprintf "Convergence under noise (%s)" name) c1 f1; section (sprintf "Error at a fixed budget vs c (%s)" name) c2 f2 ] @ bounds

/// `planningFiguresAs Export.Inline`.
let planningFigures (png: bool) (dir: string) (out: string) = planningFiguresAs Export.Inline png dir out

/// Inputs and results of the aggregate metrics over the games every agent has.
type Aggregates =
    { /// Runs per agent label, sorted.
      Agents: (string * Run list) list
      Games: Set<string>
      /// Per common game: (game, normalising function, kind).
      Normalisers: (string * (float -> float) * string) list
      /// The normalisations used, e.g. `max-normalised`.
      Kinds: string
      /// Runs -> normalised final scores, one row per game (the bootstrap's strata).
      Matrix: Run list -> float[][]
      /// (agent, aggregate name, interval) for each of Statistics.standardAggregates.
      Rows: (string * string * Bootstrap.Interval) list }

/// The aggregate metrics, or None unless every run has a final return and some game is common to all agents.
let aggregates (options: Options) (runs: Run list) : Aggregates option =
    let table = options.Scores |> Option.map Normalisation.load
    let agents = runs |> List.groupBy (fun r -> agentLabel r.Config) |> List.sortBy fst
    let commonGames =
        agents |> List.map (fun (_, rs) -> rs |> List.map (fun r -> r.Config.Game) |> Set.ofList) |> function
        | [] -> Set.empty
        | sets -> Set.intersectMany sets
    let finished = runs |> List.filter (fun r -> Double.IsFinite(finalReturn r))
    if agents.IsEmpty || commonGames.IsEmpty || finished.Length <> runs.Length then None
    else
        let normalisers = normalisers table runs |> List.filter (fun (g, _, _) -> commonGames.Contains g)
        let matrix (rs: Run list) =
            normalisers |> List.map (fun (g, f, _) -> rs |> List.filter (fun r -> r.Config.Game = g) |> List.map (finalReturn >> f) |> Array.ofList) |> Array.ofList
        let rows =
            [ for l, rs in agents do
                let m = matrix rs
                for a in Statistics.standardAggregates do
                    yield l, a.Name, Bootstrap.confidenceInterval options.Bootstrap a.Compute m ]
        Some { Agents = agents; Games = commonGames; Normalisers = normalisers
               Kinds = normalisers |> List.map (fun (_, _, k) -> k) |> List.distinct |> String.concat " / "
               Matrix = matrix; Rows = rows }

/// Per game and agent: seeds, mean final return and its standard error (runs with a final return).
let perGameTable (runs: Run list) : Report.Table =
    { Header = [ "game"; "agent"; "seeds"; "mean final return"; "s.e." ]
      Rows =
        runs
        |> List.filter (fun r -> Double.IsFinite(finalReturn r))
        |> List.groupBy (fun r -> r.Config.Game, agentLabel r.Config)
        |> List.sortBy fst
        |> List.map (fun ((game, agent), rs) ->
            let s = Statistics.meanSe (rs |> List.map finalReturn |> Array.ofList)
            [ game; agent; string s.Count; inv s.Mean; (if s.Count > 1 then inv s.StandardError else "") ]) }

/// Per agent: each aggregate with its bootstrap interval, over the games common to all agents.
let aggregateTable (options: Options) (a: Aggregates) : Report.Table =
    let o = options.Bootstrap
    let names = Statistics.standardAggregates |> List.map (fun x -> x.Name)
    { Header = [ "agent" ] @ (names |> List.collect (fun n -> [ n; sprintf "%s %g%% CI" n (100.0 * o.Confidence) ])) @ [ "games"; "scores" ]
      Rows =
        a.Agents |> List.map (fun (agent, _) ->
            let cells =
                names |> List.collect (fun n ->
                    let _, _, ci = a.Rows |> List.find (fun (l, m, _) -> l = agent && m = n)
                    [ inv ci.Estimate; sprintf "[%s, %s]" (inv ci.Lower) (inv ci.Upper) ])
            [ agent ] @ cells @ [ string a.Games.Count; a.Kinds ]) }

/// The result tables of `runs` (title, file stem, table):
/// per-game final scores, and the aggregates (`aggregates options runs`) when defined.
let resultTables (options: Options) (aggregates: Aggregates option) (runs: Run list) : (string * string * Report.Table) list =
    let perGame = perGameTable runs
    [ if not perGame.Rows.IsEmpty then yield "Final scores per game", "results-per-game", perGame
      match aggregates with
      | Some a ->
          let o = options.Bootstrap
          yield sprintf "Aggregate metrics (%s final scores; %g%% stratified-bootstrap CIs, B = %d)" a.Kinds (100.0 * o.Confidence) o.Repetitions,
                "results-aggregates", aggregateTable options a
      | None -> () ]

/// Training figures for a set of runs (see docs/analysis.md for which figure needs what);
/// `aggregates` is `aggregates options runs`.
let trainingFigures (options: Options) (aggregates: Aggregates option) (runs: Run list) : (Report.Section * Export.SavedFigure) list * string list =
    let notes = ResizeArray<string>()
    let results = ResizeArray<Report.Section * Export.SavedFigure>()
    let add title caption (fig: Export.SavedFigure) =
        results.Add({ Report.Title = title; Report.Caption = caption; Report.Figures = [ fig.Html ] @ Option.toList fig.Png }, fig)
    let label (r: Run) = agentLabel r.Config
    let out = options.Out
    for game, gameRuns in runs |> List.groupBy (fun r -> r.Config.Game) do
        let groups = gameRuns |> List.groupBy label |> List.sortBy fst
        // Learning curves
        let curves = groups |> List.map (fun (l, rs) -> l, Curves.learningCurve options.Bins rs) |> List.filter (fun (_, c) -> c.Length > 0)
        if curves.IsEmpty then notes.Add(sprintf "%s: no finished episode yet, no learning curve" game)
        else
            let usesEval = gameRuns |> List.forall (fun r -> r.Evaluations.Length > 0)
            let what = if usesEval then "evaluation mean return at each evaluation phase" else sprintf "training episode return, binned into %d bins" options.Bins
            let caption = sprintf "%s: %s, mean over seeds ± 1 standard error. %s. Agents: %s." game what (budget gameRuns) (groups |> List.map (fun (l, rs) -> sprintf "%s (%d seed%s)" l rs.Length (if rs.Length = 1 then "" else "s")) |> String.concat "; ")
            add (sprintf "Learning curves: %s" game) caption
                (Export.saveAs options.PlotlyJs options.Png out ("learning-curves-" + fileSafe game) (Figures.learningCurves (sprintf "Learning curves on %s" game) caption curves))
        // Norm differences of consecutive target networks
        let norms = groups |> List.map (fun (l, rs) -> l, Curves.normDifferences None rs) |> List.filter (fun (_, c) -> c.Length > 0)
        if norms.IsEmpty then notes.Add(sprintf "%s: no target refresh logged yet, no norm-difference figure" game)
        else
            let caption = sprintf "%s: d_k = ‖θ_k − θ_(k−1)‖₂ over all parameters at each target refresh k (mean over seeds ± 1 s.e.; log scale). Pro agents should show smaller d_k. %s." game (budget gameRuns)
            add (sprintf "Target-network norm differences: %s" game) caption
                (Export.saveAs options.PlotlyJs options.Png out ("norm-differences-" + fileSafe game) (Figures.normDifferences (sprintf "Norm difference of consecutive target networks on %s" game) caption norms))
            let perLayer =
                [ for l, rs in groups do
                    for layer in Curves.layers rs do
                        let c = Curves.normDifferences (Some layer) rs
                        if c.Length > 0 then yield l, layer, c ]
            if not perLayer.IsEmpty then
                let caption = sprintf "%s: per parameter tensor, L2 norm of its change at each target refresh (mean over seeds). Colour = tensor, line style = agent. %s." game (budget gameRuns)
                add (sprintf "Per-layer norm differences: %s" game) caption
                    (Export.saveAs options.PlotlyJs options.Png out ("norm-differences-layers-" + fileSafe game) (Figures.layerNormDifferences (sprintf "Per-layer target-network change on %s" game) caption perLayer))
    // c~ radar: Pro runs with at least two finite c~ values on some game
    let pro = runs |> List.filter (fun r -> r.Config.Agent.EndsWith "-pro" && Double.IsFinite r.Config.CTilde)
    let radarInput =
        pro
        |> List.groupBy (fun r -> r.Config.Game, r.Config.CTilde)
        |> List.map (fun ((g, c), rs) -> g, c, rs |> List.map finalReturn |> List.filter Double.IsFinite |> Array.ofList)
        |> List.filter (fun (_, _, xs) -> xs.Length > 0)
    if radarInput |> List.map (fun (_, c, _) -> c) |> List.distinct |> List.length >= 2 then
        let caption = sprintf "Per game, mean final return of each c~ divided by the best c~'s mean final return on that game (1 = best; the paper's sensitivity metric). Final return: last evaluation's mean return, or the mean of the last 100 training episodes. %s." (budget pro)
        add "c~ sensitivity" caption (Export.saveAs options.PlotlyJs options.Png out "ctilde-radar" (Figures.radar "Sensitivity to c~ across games" caption (Curves.radar radarInput)))
    else notes.Add "c~ radar skipped: needs Pro runs with at least two finite c~ values"
    // c~ sensitivity per game: final return vs c~ with bootstrap intervals over seeds, base agents as lines
    let interval (rs: Run list) =
        let xs = rs |> List.map finalReturn |> List.filter Double.IsFinite |> Array.ofList
        if xs.Length = 0 then None else Some(Bootstrap.confidenceInterval options.Bootstrap Statistics.aggregateMean [| xs |], xs.Length)
    for game, gamePro in pro |> List.groupBy (fun r -> r.Config.Game) do
        if gamePro |> List.map (fun r -> r.Config.CTilde) |> List.distinct |> List.length >= 2 then
            let lines =
                gamePro
                |> List.groupBy (fun r -> r.Config.Agent)
                |> List.map (fun (agent, rs) ->
                    agentLabel { rs.Head.Config with CTilde = infinity },
                    rs |> List.groupBy (fun r -> r.Config.CTilde)
                       |> List.choose (fun (c, cr) -> interval cr |> Option.map (fun (ci, n) -> { Figures.CTilde = c; Figures.Score = ci; Figures.Seeds = n })))
            let baselines =
                runs
                |> List.filter (fun r -> r.Config.Game = game && not (r.Config.Agent.EndsWith "-pro"))
                |> List.groupBy (fun r -> agentLabel r.Config)
                |> List.choose (fun (l, rs) -> interval rs |> Option.map (fun (ci, _) -> l, ci))
            let o = options.Bootstrap
            let caption =
                sprintf "%s: final return (last evaluation's mean return, or the mean of the last 100 training episodes) against c~, mean over seeds with %g%% bootstrap intervals over seeds (B = %d, seed %d); dashed: the agents without a pull (c~ = ∞), dotted: their interval. %s."
                    game (100.0 * o.Confidence) o.Repetitions o.Seed (budget (gamePro @ (runs |> List.filter (fun r -> r.Config.Game = game && not (r.Config.Agent.EndsWith "-pro")))))
            add (sprintf "c~ sensitivity: %s" game) caption
                (Export.saveAs options.PlotlyJs options.Png out ("ctilde-sensitivity-" + fileSafe game) (Figures.sensitivityLine (sprintf "Final return vs c~ on %s" game) caption lines baselines))
    // Per-game improvement of each Pro configuration over its base agent
    let table = Some(scoreTable options)
    for proLabel, proRuns in pro |> List.groupBy label do
        let baseAgent = proRuns.Head.Config.Agent.Replace("-pro", "")
        let baseRuns = runs |> List.filter (fun r -> r.Config.Agent = baseAgent)
        let games = proRuns |> List.map (fun r -> r.Config.Game) |> List.distinct |> List.filter (fun g -> baseRuns |> List.exists (fun r -> r.Config.Game = g))
        if not games.IsEmpty then
            let meanFinal (rs: Run list) g = rs |> List.filter (fun r -> r.Config.Game = g) |> List.map finalReturn |> List.average
            let rows =
                games
                |> List.map (fun g ->
                    let reference =
                        match atariReference table (proRuns |> List.find (fun r -> r.Config.Game = g)) with
                        | Some r -> r
                        | None -> ({ Random = 0.0; Human = 0.0 } : Normalisation.Reference)
                    g, Normalisation.improvement reference (meanFinal proRuns g) (meanFinal baseRuns g))
            let baseLabel = agentLabel baseRuns.Head.Config
            let caption =
                sprintf "Improvement of %s over %s per game: 100 (r1 − r2) / (max(weaker, human) − random) with r the mean final return over seeds (the paper's metric). Games without human/random references (all non-Atari games) use random = human = 0 (percent of the weaker agent's return). Bar height sign(x)·log10(1 + |x|), ticks show percentages. %s."
                    proLabel baseLabel (budget (proRuns @ baseRuns))
            add (sprintf "Per-game improvement: %s vs %s" proLabel baseLabel) caption
                (Export.saveAs options.PlotlyJs options.Png out ("improvement-" + fileSafe proLabel) (Figures.improvementBars (sprintf "%s vs %s: per-game improvement" proLabel baseLabel) caption proLabel baseLabel rows))
    // Aggregate metrics and performance profiles over the games every agent has
    match aggregates with
    | Some a ->
        let agents, commonGames, normalisers, kinds, matrix, rows = a.Agents, a.Games, a.Normalisers, a.Kinds, a.Matrix, a.Rows
        // The paper's median normalised score across games per iteration (runs that evaluate)
        if runs |> List.forall (fun r -> r.Evaluations.Length > 0) then
            let normalise g = normalisers |> List.find (fun (g', _, _) -> g' = g) |> fun (_, f, _) -> f
            let curves =
                agents
                |> List.map (fun (l, rs) ->
                    l, Curves.medianAcrossGames normalise (rs |> List.filter (fun r -> commonGames.Contains r.Config.Game))
                       |> Array.map (fun (x, m) -> { Curves.X = x; Curves.Mean = m; Curves.StandardError = 0.0; Curves.Seeds = rs.Length }))
            let caption =
                sprintf "At each evaluation phase: per game the mean over seeds of the %s evaluation return, then the median across the %d game(s) (the paper's median human-normalised score per iteration when the games are Atari). %s."
                    kinds commonGames.Count (budget runs)
            add "Median normalised score per iteration" caption
                (Export.saveAs options.PlotlyJs options.Png out "median-normalised-score"
                    (Figures.learningCurves "Median normalised score across games" caption curves |> Plot.withYTitle (sprintf "median %s score" kinds)))
        let o = options.Bootstrap
        let caption =
            sprintf "Final scores (%s) over %d game(s): median and mean of per-game means, IQM (25%% trimmed mean of all runs × games) and optimality gap (mean of max(1 − x, 0)), with %g%% stratified-bootstrap percentile intervals (B = %d, seed %d; Agarwal et al. 2021). %s."
                kinds commonGames.Count (100.0 * o.Confidence) o.Repetitions o.Seed (budget runs)
        add "Aggregate metrics" caption (Export.saveAs options.PlotlyJs options.Png out "aggregate-metrics" (Figures.aggregateMetrics "Aggregate metrics with confidence intervals" caption rows))
        let maxScore = agents |> List.collect (fun (_, rs) -> matrix rs |> Statistics.pooled |> List.ofArray) |> List.fold max 1.0
        let taus = Bootstrap.tauGrid 0.0 maxScore 101
        let profiles = agents |> List.map (fun (l, rs) -> l, Bootstrap.performanceProfile o taus (matrix rs))
        let caption = sprintf "Fraction of runs (all runs × games pooled) whose %s final score exceeds τ, with %g%% pointwise stratified-bootstrap bands (B = %d). %s." kinds (100.0 * o.Confidence) o.Repetitions (budget runs)
        add "Performance profiles" caption (Export.saveAs options.PlotlyJs options.Png out "performance-profiles" (Figures.performanceProfiles "Performance profiles" caption "normalised score τ" profiles))
    | None -> notes.Add "aggregate metrics skipped: needs every run to have a final return and games common to all agents"
    List.ofSeq results, List.ofSeq notes

/// Writes each result table (title, file stem, table) into `out` (Tables.write) and `out`/report.html
/// opening with them; returns the report's path and (title, table, files written) per table.
let writeReport (out: string) (title: string) (tables: (string * string * Report.Table) list) (sections: Report.Section list)
                (runTable: Report.Table) (notes: string list) : string * (string * Report.Table * string list) list =
    let written = tables |> List.map (fun (caption, stem, t) -> caption, t, Tables.write out stem t)
    let summary = written |> List.map (fun (caption, t, files) -> ({ Caption = caption; Table = t; Files = files } : Report.Summary))
    Report.writeSummarised out title summary sections runTable notes, written

/// Finds planning studies and training runs under options.Runs, saves every figure the data supports
/// into options.Out, and writes options.Out/report.html.
let figures (options: Options) : Result =
    if not (Directory.Exists options.Runs) then invalidArg "Runs" (sprintf "runs folder '%s' does not exist" options.Runs)
    let planning =
        Directory.EnumerateDirectories(options.Runs, "*", SearchOption.AllDirectories)
        |> Seq.append [ options.Runs ]
        |> Seq.filter PlanningFiles.isPlanningDirectory
        |> Seq.sort |> List.ofSeq
    let runs = loadAll options.Runs
    let planned = planning |> List.collect (fun d -> planningFiguresAs options.PlotlyJs options.Png d options.Out)
    let aggregated = aggregates options runs
    let trained, notes = if runs.IsEmpty then [], [ "no training run found" ] else trainingFigures options aggregated runs
    let all = planned @ trained
    let inProgress = runs |> List.filter (fun r -> not r.PartialFiles.IsEmpty) |> List.map (fun r -> sprintf "%s: in progress (partial last line in %s ignored)" r.Name (String.concat ", " r.PartialFiles))
    let pngNotes = all |> List.map snd |> List.filter (fun f -> f.Png.IsNone) |> List.map (fun f -> f.Name + ": " + f.PngNote) |> List.truncate 3
    let allNotes = notes @ inProgress @ pngNotes
    let table = runTable runs
    let report, tables = writeReport options.Out "Proximal updates: results" (resultTables options aggregated runs) (all |> List.map fst) table allNotes
    { Sections = all |> List.map fst; Figures = all |> List.map snd; Report = report; RunTable = table; Notes = allNotes
      Tables = tables |> List.collect (fun (_, _, files) -> files) }
