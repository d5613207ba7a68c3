/// Small synthetic run directories and planning outputs written in the documented formats
/// (docs/run-format.md, docs/planning.md), for the reader, figure and pipeline tests.
module Fixtures

open System
open System.Globalization
open System.IO
open Research.Tabular

let inv (x: float) = x.ToString("R", CultureInfo.InvariantCulture)

/// A fresh temporary folder.
let tempDir (prefix: string) =
    let d = Path.Combine(Path.GetTempPath(), sprintf "%s-%s" prefix (Guid.NewGuid().ToString("N").Substring(0, 8)))
    Directory.CreateDirectory d |> ignore
    d

/// config.json as `prox train` writes it (only the keys Analysis reads, plus a few others).
let configJson (agent: string) (environment: string) (seed: int) (cTilde: float) (totalSteps: int64) (frameSkip: int) =
    let c = if Double.IsPositiveInfinity cTilde then "\"Infinity\"" else inv cTilde
    $$"""{
  "format": "prox-run/1",
  "config": {
    "preset": "dopamine-minatar",
    "agent": "{{agent}}",
    "environment": "{{environment}}",
    "seed": {{seed}},
    "totalSteps": {{totalSteps}},
    "cTilde": {{c}},
    "frameSkip": {{frameSkip}},
    "learningRate": 0.00025
  },
  "run": { "seed": {{seed}}, "startTime": "2026-11-23T19:30:00.0000000Z", "gitCommit": "unknown",
           "sessions": [ { "startTime": "2026-11-23T19:30:00.0000000Z", "startStep": 0 } ] }
}"""

let writeLines (path: string) (lines: string seq) =
    Directory.CreateDirectory(Path.GetDirectoryName path |> nonNull) |> ignore
    File.WriteAllText(path, String.Join("", lines |> Seq.map (fun l -> l + "\n")))

/// A synthetic run: episode returns rise towards `level` (Pro runs higher), evaluations every 1/5 of
/// the budget, target refreshes with norm differences shrinking over time (Pro smaller), per-layer norms
/// consistent with the global one.
let writeRun (root: string) (agent: string) (game: string) (seed: int) (cTilde: float) (level: float) (evaluate: bool) =
    let name = sprintf "%s-%s-c%s-s%d" agent game (if Double.IsPositiveInfinity cTilde then "inf" else inv cTilde) seed
    let dir = Path.Combine(root, name)
    let total = 10_000L
    File.WriteAllText(Path.Combine(Directory.CreateDirectory(dir).FullName, "config.json"), configJson agent ("minatar:" + game) seed cTilde total 1)
    let rng = Rng.create (seed * 7919 + int (level * 10.0))
    let curve (step: float) = level * (1.0 - exp (-step / 3000.0))
    let episodes =
        let mutable step = 0L
        [ for e in 1..200 do
            step <- step + int64 (20 + Rng.below rng 60)
            if step <= total then
                let r = curve (float step) + 0.1 * level * Rng.normal rng
                yield sprintf "%d,%d,%s,%d,%d" step e (inv r) (20 + e % 7) (if e % 50 = 0 then 1 else 0) ]
    writeLines (Path.Combine(dir, "metrics", "episodes.csv")) ("step,episode,return,length,truncated" :: episodes)
    if evaluate then
        writeLines (Path.Combine(dir, "metrics", "evaluations.csv"))
            ("step,evaluation,episodes,mean_return,std_return,min_return,max_return,mean_length,steps"
             :: [ for k in 1..5 do
                    let step = int64 k * 2000L
                    let m = curve (float step) + 0.05 * level * Rng.normal rng
                    yield sprintf "%d,%d,10,%s,1.5,%s,%s,30.5,305" step k (inv m) (inv (m - 2.0)) (inv (m + 2.0)) ])
    let scale = if agent.EndsWith "-pro" then 0.4 else 1.0
    let layers = [ "conv.weight", 0.6; "conv.bias", 0.1; "head.weight", 0.7; "head.bias", 0.05 ]
    let layerTotal = sqrt (layers |> List.sumBy (fun (_, w) -> w * w))
    let syncs = [ for k in 1..10 -> int64 k * 1000L, k, scale * (1.0 + 2.0 * exp (-float k / 3.0)) * (1.0 + 0.05 * Rng.normal rng) ]
    writeLines (Path.Combine(dir, "metrics", "target_syncs.csv"))
        ("step,sync,update,norm" :: [ for s, k, n in syncs -> sprintf "%d,%d,%d,%s" s k (s / 4L) (inv n) ])
    writeLines (Path.Combine(dir, "metrics", "target_sync_layers.csv"))
        ("step,sync,layer,norm" :: [ for s, k, n in syncs do for l, w in layers -> sprintf "%d,%d,%s,%s" s k l (inv (n * w / layerTotal)) ])
    writeLines (Path.Combine(dir, "metrics", "updates.csv"))
        ("step,update,loss,mean_q,epsilon" :: [ for u in 1..20 -> sprintf "%d,%d,%s,%s,%s" (u * 400) (u * 100) (inv (1.0 / float u)) (inv (0.1 * float u)) (inv (max 0.01 (1.0 - float u / 10.0))) ])
    dir

/// A synthetic planning study (errors.csv and summary.csv as `prox plan` writes them): scalar noisy
/// proximal iteration per (c, seed) with e_0 = 10, Gaussian noise sigma.
let writePlanning (dir: string) (gamma: float) (sigma: float) (cs: float list) (seeds: int) (iterations: int) =
    Directory.CreateDirectory dir |> ignore
    let mdp = "\"garnet:states=50,actions=4,branching=5,seed=0,storage=sparse\""
    let noise = sprintf "gaussian:%g" sigma
    let fmtC c = if Double.IsPositiveInfinity c then "inf" else inv c
    let rows =
        [ for c in cs do
            let beta = if Double.IsPositiveInfinity c then 1.0 else c / (1.0 + c)
            for s in 0 .. seeds - 1 do
                let rng = Rng.create s
                let mutable e = 10.0
                for k in 0..iterations do
                    yield sprintf "%s,%s,%s,%s,%d,%d,%s,%s" mdp (inv gamma) noise (fmtC c) s k (inv (abs e)) (inv (abs e * 3.0))
                    e <- (1.0 - beta * (1.0 - gamma)) * e + beta * sigma * Rng.normal rng ]
    writeLines (Path.Combine(dir, "errors.csv")) ("mdp,gamma,noise,c,seed,iteration,error_inf,error_l2" :: rows)
    writeLines (Path.Combine(dir, "summary.csv"))
        ("mdp,gamma,noise,c,beta,modulus,runs,mean_final_error_inf,se_final_error_inf,mean_final_error_l2,se_final_error_l2"
         :: [ for c in cs -> sprintf "%s,%s,%s,%s,0.5,0.95,%d,1.5,0.1,4.5,0.3" mdp (inv gamma) noise (fmtC c) seeds ])
    dir

/// Runs for two games x (DQN, DQN Pro with two c~) x 3 seeds under one root.
let writeStudy (root: string) (evaluate: bool) =
    for game, level in [ "breakout", 10.0; "asterix", 20.0 ] do
        for seed in 0..2 do
            writeRun root "dqn" game seed infinity level evaluate |> ignore
            writeRun root "dqn-pro" game seed 0.1 (level * 1.3) evaluate |> ignore
            writeRun root "dqn-pro" game seed 1.0 (level * 1.1) evaluate |> ignore
    root
