/// Reading training run directories in the documented run format (docs/run-format.md, `prox-run/1`):
/// config.json and metrics/*.csv. Runs still in progress are read up to their last complete row.
module Research.Analysis.RunFiles

open System
open System.IO
open System.Text.Json
open Research.RunFormat

/// The key fields of config.json plus the whole document.
type RunConfig =
    { /// The format tag (`prox-run/1`).
      Format: string
      /// `dqn`, `dqn-pro`, ... (config key `agent`).
      Agent: string
      /// Environment id, e.g. `minatar:breakout`, `atari:Pong` (config key `environment`).
      Environment: string
      /// The game: the environment id after its `kind:` prefix (the whole id when there is none).
      Game: string
      Seed: int64
      /// c~ of the Pro agents; infinity for plain agents.
      CTilde: float
      Preset: string
      TotalSteps: int64
      /// Frames per agent step (1 for MinAtar, 4 for Atari).
      FrameSkip: int
      /// The whole config.json (root element: `format`, `config`, `run`).
      Document: JsonElement }

/// metrics/episodes.csv
type Episode = { Step: int64; Episode: int64; Return: float; Length: int64; Truncated: bool }

/// metrics/evaluations.csv
type Evaluation =
    { Step: int64; Evaluation: int; Episodes: int; MeanReturn: float; StdReturn: float
      MinReturn: float; MaxReturn: float; MeanLength: float; Steps: int64 }

/// metrics/updates.csv
type Update = { Step: int64; Update: int64; Loss: float; MeanQ: float; Epsilon: float }

/// metrics/target_syncs.csv: d_k = ||theta_k - theta_{k-1}||_2 at refresh k.
type TargetSync = { Step: int64; Sync: int64; Update: int64; Norm: float }

/// metrics/target_sync_layers.csv (long format).
type LayerSync = { Step: int64; Sync: int64; Layer: string; Norm: float }

/// One run directory.
type Run =
    { Name: string
      Directory: string
      Config: RunConfig
      Episodes: Episode[]
      Evaluations: Evaluation[]
      Updates: Update[]
      TargetSyncs: TargetSync[]
      LayerSyncs: LayerSync[]
      /// Metrics files that ended in a partial line (a run in progress).
      PartialFiles: string list }

let private fail fmt = Printf.kprintf (fun s -> raise (InvalidDataException s)) fmt

let private property (path: string) (obj: JsonElement) (name: string) =
    match obj.TryGetProperty name with
    | true, v -> v
    | _ -> fail "%s: missing key '%s'" path name

let private text path obj name =
    let v = property path obj name
    if v.ValueKind = JsonValueKind.String then v.GetString() |> nonNull
    else fail "%s: key '%s' is %s, expected a string" path name (v.ValueKind.ToString())

let private number path (obj: JsonElement) name =
    let v = property path obj name
    match v.ValueKind with
    | JsonValueKind.Number -> v.GetDouble()
    | JsonValueKind.String ->
        match Csv.tryParseFloat (v.GetString() |> nonNull) with
        | Some x -> x
        | None -> fail "%s: key '%s' is '%s', expected a number (or \"Infinity\")" path name (v.GetString())
    | k -> fail "%s: key '%s' is %s, expected a number" path name (k.ToString())

let private integer path (obj: JsonElement) name =
    let v = property path obj name
    match v.ValueKind with
    | JsonValueKind.Number ->
        match v.TryGetInt64() with
        | true, i -> i
        | _ -> fail "%s: key '%s' is %s, expected an integer" path name (v.GetRawText())
    | k -> fail "%s: key '%s' is %s, expected an integer" path name (k.ToString())

let private optionalInteger path (obj: JsonElement) name fallback =
    match obj.TryGetProperty(name: string) with
    | true, _ -> integer path obj name
    | _ -> fallback

/// The tag of every version of the run format: `prox-run/` (RunLayout.Format without its version).
let private formatFamily = RunLayout.Format.Substring(0, RunLayout.Format.IndexOf '/' + 1)

/// The game part of an environment id: `minatar:breakout` -> `breakout`.
let gameOf (environment: string) =
    match environment.IndexOf ':' with
    | -1 -> environment
    | i -> environment.Substring(i + 1)

/// Parses config.json text (the path is used in messages).
let parseConfig (path: string) (json: string) : RunConfig =
    let root =
        try
            use doc = JsonDocument.Parse json
            doc.RootElement.Clone()
        with :? JsonException as e -> fail "%s: not valid JSON (%s)" path e.Message
    let format = text path root "format"
    if not (format.StartsWith formatFamily) then
        fail "%s: format '%s' is not a run format (expected '%s')" path format RunLayout.Format
    let config = property path root "config"
    let environment = text path config "environment"
    { Format = format
      Agent = text path config "agent"
      Environment = environment
      Game = gameOf environment
      Seed = integer path config "seed"
      CTilde = number path config "cTilde"
      Preset = (match config.TryGetProperty "preset" with
                | true, v when v.ValueKind = JsonValueKind.String -> v.GetString() |> nonNull
                | _ -> "custom")
      TotalSteps = integer path config "totalSteps"
      FrameSkip = int (optionalInteger path config "frameSkip" 1L)
      Document = root }

/// Reads one metrics file (missing file: no rows yet) and whether it ended in a partial line: `columns` looks
/// the columns up once and returns the function that makes a row's record.
let private readRecords (path: string) (columns: Csv.Table -> Csv.Row -> 'T) =
    let t = Csv.readOptional path
    let record = columns t
    t.Rows |> Array.map record, t.Partial

/// Reads metrics/episodes.csv.
let readEpisodes (path: string) =
    readRecords path (fun t ->
        let step, ep, ret, len, tr =
            Csv.int64Column t EpisodesCsv.Step, Csv.int64Column t EpisodesCsv.Episode,
            Csv.floatColumn t EpisodesCsv.Return, Csv.int64Column t EpisodesCsv.Length,
            Csv.boolColumn t EpisodesCsv.Truncated
        fun r -> { Step = step r; Episode = ep r; Return = ret r; Length = len r; Truncated = tr r })

/// Reads metrics/evaluations.csv.
let readEvaluations (path: string) =
    readRecords path (fun t ->
        let i64 = Csv.int64Column t
        let f = Csv.floatColumn t
        let step, k, n, mean, sd, mn, mx, ml, steps =
            i64 EvaluationsCsv.Step, Csv.intColumn t EvaluationsCsv.Evaluation,
            Csv.intColumn t EvaluationsCsv.Episodes, f EvaluationsCsv.MeanReturn, f EvaluationsCsv.StdReturn,
            f EvaluationsCsv.MinReturn, f EvaluationsCsv.MaxReturn, f EvaluationsCsv.MeanLength, i64 EvaluationsCsv.Steps
        fun r ->
            { Step = step r; Evaluation = k r; Episodes = n r; MeanReturn = mean r; StdReturn = sd r
              MinReturn = mn r; MaxReturn = mx r; MeanLength = ml r; Steps = steps r })

/// Reads metrics/updates.csv.
let readUpdates (path: string) =
    readRecords path (fun t ->
        let step, u, loss, q, eps =
            Csv.int64Column t UpdatesCsv.Step, Csv.int64Column t UpdatesCsv.Update, Csv.floatColumn t UpdatesCsv.Loss,
            Csv.floatColumn t UpdatesCsv.MeanQ, Csv.floatColumn t UpdatesCsv.Epsilon
        fun r -> { Step = step r; Update = u r; Loss = loss r; MeanQ = q r; Epsilon = eps r })

/// Reads metrics/target_syncs.csv.
let readTargetSyncs (path: string) =
    readRecords path (fun t ->
        let step, k = Csv.int64Column t TargetSyncsCsv.Step, Csv.int64Column t TargetSyncsCsv.Sync
        let u, norm = Csv.int64Column t TargetSyncsCsv.Update, Csv.floatColumn t TargetSyncsCsv.Norm
        fun r -> { Step = step r; Sync = k r; Update = u r; Norm = norm r })

/// Reads metrics/target_sync_layers.csv.
let readLayerSyncs (path: string) =
    readRecords path (fun t ->
        let step, k = Csv.int64Column t TargetSyncLayersCsv.Step, Csv.int64Column t TargetSyncLayersCsv.Sync
        let layer, norm = Csv.stringColumn t TargetSyncLayersCsv.Layer, Csv.floatColumn t TargetSyncLayersCsv.Norm
        fun r -> { Step = step r; Sync = k r; Layer = layer r; Norm = norm r })

/// True when the folder is a run directory (has config.json).
let isRunDirectory (dir: string) = File.Exists(Path.Combine(dir, RunLayout.ConfigFile))

/// Loads one run directory. Missing metrics files read as empty (a run that has just started).
let load (dir: string) : Run =
    let configPath = Path.Combine(dir, RunLayout.ConfigFile)
    if not (File.Exists configPath) then fail "%s: not a run directory (no %s)" dir RunLayout.ConfigFile
    let config = parseConfig configPath (File.ReadAllText configPath)
    let metrics (file: MetricsFile) = Path.Combine(dir, RunLayout.MetricsFolder, file.Name)
    let episodes, p1 = readEpisodes (metrics EpisodesCsv.File)
    let evaluations, p2 = readEvaluations (metrics EvaluationsCsv.File)
    let updates, p3 = readUpdates (metrics UpdatesCsv.File)
    let syncs, p4 = readTargetSyncs (metrics TargetSyncsCsv.File)
    let layers, p5 = readLayerSyncs (metrics TargetSyncLayersCsv.File)
    let partial =
        [ EpisodesCsv.File, p1; EvaluationsCsv.File, p2; UpdatesCsv.File, p3; TargetSyncsCsv.File, p4; TargetSyncLayersCsv.File, p5 ]
        |> List.filter snd |> List.map (fun (file, _) -> file.Name)
    { Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath dir)) |> nonNull
      Directory = Path.GetFullPath dir
      Config = config
      Episodes = episodes
      Evaluations = evaluations
      Updates = updates
      TargetSyncs = syncs
      LayerSyncs = layers
      PartialFiles = partial }

/// Every run directory at or below `root` (a folder holding config.json with a `prox-run/` format),
/// sorted by path. Planning outputs (config.json without that tag) are skipped.
let discover (root: string) : string list =
    if not (Directory.Exists root) then fail "%s: runs folder not found" root
    let isRun (dir: string) =
        isRunDirectory dir
        && (try File.ReadAllText(Path.Combine(dir, RunLayout.ConfigFile)).Contains("\"" + formatFamily) with _ -> false)
    Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories)
    |> Seq.append [ root ]
    |> Seq.filter isRun
    |> Seq.sort
    |> List.ofSeq

/// Loads every run under `root`.
let loadAll (root: string) : Run list = discover root |> List.map load

/// The run's final score: the last evaluation's mean return when the run evaluates, otherwise the mean
/// return of its last 100 training episodes (the MinAtar paper's metric; docs/run-format.md). NaN when
/// the run has no finished episode yet.
let finalReturn (run: Run) =
    if run.Evaluations.Length > 0 then run.Evaluations[run.Evaluations.Length - 1].MeanReturn
    elif run.Episodes.Length > 0 then
        run.Episodes |> Array.skip (max 0 (run.Episodes.Length - 100)) |> Array.averageBy (fun e -> e.Return)
    else nan

/// A readable agent label: `DQN`, `DQN Pro (c~=0.1)`; plain agents ignore c~.
let agentLabel (config: RunConfig) =
    let name =
        config.Agent.Split('-')
        |> Array.map (fun p -> if p = "pro" then "Pro" elif p.Length <= 3 then p.ToUpperInvariant() else string (Char.ToUpperInvariant p[0]) + p.Substring 1)
        |> String.concat " "
    if config.Agent.EndsWith "-pro" && Double.IsFinite config.CTilde then
        sprintf "%s (c~=%s)" name (config.CTilde.ToString("R", Globalization.CultureInfo.InvariantCulture))
    else name
