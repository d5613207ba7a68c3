/// Reference scores (random and human; data/atari-scores.csv, built in), the human-normalised score and
/// the paper's per-game improvement (docs/proximal-updates.md, "Metrics").
module Research.Analysis.Normalisation

open System
open System.IO

/// One game of the scores table. RandomScore and HumanScore are None where the table leaves them empty.
type GameReference =
    { Game: string; RandomScore: float option; HumanScore: float option; InAtari57: bool; InPaper55: bool }

/// The random and human scores of a game (both available).
type Reference = { Random: float; Human: float }

/// The loaded table, keyed by a normalised game name (lower case, no `_`, `-` or spaces).
type ScoreTable = { Path: string; Games: Map<string, GameReference> }

/// The lookup key of a game name: `SpaceInvaders`, `space_invaders` and `space-invaders` match.
let gameKey (game: string) =
    game.ToLowerInvariant().Replace("_", "").Replace("-", "").Replace(" ", "")

/// A scores table from a CSV table with columns game,random,human,in_atari57,in_paper55 (empty random/human =
/// not available). Malformed numbers are errors naming the file, line and column.
let ofCsv (t: Csv.Table) : ScoreTable =
    let game = Csv.stringColumn t "game"
    let optional name =
        let i = Csv.columnIndex t name
        let get = Csv.floatColumn t name
        fun (r: Csv.Row) -> if String.IsNullOrWhiteSpace r.Fields[i] then None else Some(get r)
    let random, human = optional "random", optional "human"
    let a57, p55 = Csv.boolColumn t "in_atari57", Csv.boolColumn t "in_paper55"
    let games =
        t.Rows
        |> Array.map (fun r ->
            let g = { Game = game r; RandomScore = random r; HumanScore = human r; InAtari57 = a57 r; InPaper55 = p55 r }
            gameKey g.Game, g)
        |> Map.ofArray
    { Path = t.Path; Games = games }

/// Loads a scores table file (format of `ofCsv`).
let load (path: string) : ScoreTable = ofCsv (Csv.read path)

/// The name the built-in table goes by in messages.
let builtInName = "built-in data/atari-scores.csv"

/// The table compiled into this assembly: the repository's data/atari-scores.csv (docs/analysis.md,
/// "Reference scores"), so the packaged tool needs no file.
let builtIn () : ScoreTable =
    let assembly = typeof<ScoreTable>.Assembly
    use stream =
        match assembly.GetManifestResourceStream "atari-scores.csv" with
        | null -> failwith "the built-in atari-scores.csv resource is missing from Research.Analysis"
        | s -> s
    use reader = new StreamReader(stream)
    ofCsv (Csv.parse builtInName (reader.ReadToEnd()))

/// The references of a game, or an error naming the game and why (unknown, or no random/human score).
let tryReference (table: ScoreTable) (game: string) : Result<Reference, string> =
    match table.Games.TryFind(gameKey game) with
    | None -> Error(sprintf "game '%s' is not in the scores table %s" game table.Path)
    | Some { RandomScore = Some r; HumanScore = Some h } when h <> r -> Ok { Random = r; Human = h }
    | Some g ->
        Error(sprintf "game '%s' has no human/random reference scores in %s (random=%s, human=%s): human-normalised scores are not available for it"
                  g.Game table.Path (defaultArg (Option.map string g.RandomScore) "n/a") (defaultArg (Option.map string g.HumanScore) "n/a"))

/// The references of a game; ArgumentException with the reason when not available.
let reference (table: ScoreTable) (game: string) =
    match tryReference table game with
    | Ok r -> r
    | Error message -> invalidArg "game" message

/// Human-normalised score (score - random) / (human - random) (Mnih et al. 2015;
/// docs/proximal-updates.md, "Metrics").
let humanNormalised (reference: Reference) (score: float) =
    (score - reference.Random) / (reference.Human - reference.Random)

/// The paper's per-game improvement of agent 1 over agent 2 in percent (final mean returns r1, r2):
/// if r1 >= r2: 100 (r1 - r2) / (max(r2, human) - random), else 100 (r1 - r2) / (max(r1, human) - random)
/// (docs/proximal-updates.md, "Metrics"; the denominator is the larger of the weaker agent's score and human,
/// measured from random).
let improvement (reference: Reference) (r1: float) (r2: float) =
    let weaker = if r1 >= r2 then r2 else r1
    100.0 * (r1 - r2) / (max weaker reference.Human - reference.Random)

/// The games of the paper's 55-game set (four of them, not Atari-57 games, have no reference scores).
let paperGames (table: ScoreTable) =
    table.Games |> Map.toList |> List.map snd |> List.filter (fun g -> g.InPaper55) |> List.map (fun g -> g.Game)
