/// Seeded planning experiments: many noisy VI / PVI / PMPI runs (one per (c, seed) pair) batched
/// into one value matrix, with per-iteration error traces (docs/planning.md,
/// "Experiments").
module Research.Tabular.Experiment

open System
open System.Collections.Generic
open Research.Tabular.Mdp
open Research.Tabular.Planning

/// One run: a proximal weight c (infinity = VI) and the seed of its noise.
type Run = { C: float; Seed: int }

/// A batch of runs on one MDP.
type Config =
    { Mdp: Mdp
      Target: Target
      Proximal: Proximal.ProximalTerm
      Noise: Noise.NoiseModel
      Runs: Run[]
      Iterations: int
      /// v_0 (default: zeros).
      InitialValue: float[] option
      /// Also trace the greedy-policy value loss ||v* - v^{pi_k}||_inf (costs a policy evaluation
      /// per new greedy policy).
      TracePolicyLoss: bool
      /// Worker threads (>= 1); results do not depend on it.
      Threads: int }

/// Per-iteration errors of one run, index k = 0 .. Iterations.
type Trace =
    { Run: Run
      /// ||v_k - v_ref||_inf
      ErrorInf: float[]
      /// ||v_k - v_ref||_2
      ErrorL2: float[]
      /// ||v* - v^{pi_k}||_inf, pi_k greedy w.r.t. v_k (empty unless TracePolicyLoss).
      PolicyLoss: float[]
      /// v_K.
      Final: float[] }

/// The traces and the reference value they are measured against.
type Result =
    { /// v^pi for Evaluation, v* for every other target.
      Reference: float[]
      /// v* when computed (always, except for Evaluation without TracePolicyLoss).
      Optimal: float[] option
      Traces: Trace[] }

/// A config with the usual defaults: PVI, quadratic term, zeros as v_0, no policy-loss trace, all cores.
let config (mdp: Mdp) (noise: Noise.NoiseModel) (runs: Run[]) (iterations: int) =
    { Mdp = mdp
      Target = Optimality
      Proximal = Proximal.Quadratic
      Noise = noise
      Runs = runs
      Iterations = iterations
      InitialValue = None
      TracePolicyLoss = false
      Threads = Environment.ProcessorCount }

/// All (c, seed) pairs, c-major: seeds 0 .. seeds-1 for every c.
let grid (cs: float seq) (seeds: int) =
    [| for c in cs do for seed in 0 .. seeds - 1 -> { C = c; Seed = seed } |]

let private validate (cfg: Config) =
    validateTarget cfg.Mdp cfg.Target |> ignore
    Noise.validate cfg.Noise |> ignore
    if cfg.Runs.Length = 0 then raise (ArgumentException "Runs is empty; allowed: at least one (c, seed) run")
    for r in cfg.Runs do validateC r.C |> ignore
    if cfg.Iterations < 0 then raise (ArgumentException $"Iterations is %d{cfg.Iterations}; allowed: >= 0")
    if cfg.Threads < 1 then raise (ArgumentException $"Threads is %d{cfg.Threads}; allowed: >= 1")
    match cfg.InitialValue with
    | Some v when v.Length <> cfg.Mdp.S ->
        raise (ArgumentException $"InitialValue has %d{v.Length} entries; expected States = %d{cfg.Mdp.S}")
    | Some v when not (Array.forall Double.IsFinite v) -> raise (ArgumentException "InitialValue has a non-finite entry; allowed: finite values")
    | _ -> ()

/// Runs every (c, seed) of `cfg` in one batch and returns the error traces. `progress` is called
/// with the number of completed iterations (0 .. Iterations) from the calling thread.
/// Run r uses the generator `Rng.create r.Seed`, so a seed gets the same noise stream for every c
/// (common random numbers) and each run equals `Planning.iterates` with that seed bit for bit.
let runWithProgress (progress: int -> unit) (cfg: Config) : Result =
    validate cfg
    let mdp = cfg.Mdp
    let S, R, K = mdp.S, cfg.Runs.Length, cfg.Iterations
    let optimal =
        match cfg.Target with
        | Evaluation _ when not cfg.TracePolicyLoss -> None
        | _ -> Some (Exact.solve mdp).Value
    let reference =
        match cfg.Target with
        | Evaluation pi -> Bellman.evaluate mdp pi
        | _ -> optimal.Value
    let v0 = cfg.InitialValue |> Option.defaultValue (Array.zeroCreate S)
    let batch = Batch.create mdp R cfg.Threads v0
    let rngs = cfg.Runs |> Array.map (fun run -> Rng.create run.Seed)
    let cs = cfg.Runs |> Array.map (fun run -> run.C)
    let errInf = Array.init R (fun _ -> Array.zeroCreate (K + 1))
    let errL2 = Array.init R (fun _ -> Array.zeroCreate (K + 1))
    let policyLoss = Array.init R (fun _ -> if cfg.TracePolicyLoss then Array.zeroCreate (K + 1) else [||])
    let recordErrors k =
        Batch.forEachRun batch (fun r ->
            let inf, l2 = Batch.errors batch reference r
            errInf.[r].[k] <- inf
            errL2.[r].[k] <- l2)
    // ||v* - v^{pi}||_inf for the greedy policies w.r.t. the current Q, cached by policy.
    let policyValues = Dictionary<string, float>()
    let recordPolicyLoss k =
        if cfg.TracePolicyLoss then
            for r in 0 .. R - 1 do
                let pi = Batch.greedyPolicy batch r
                let key = String.Join(",", pi)
                match policyValues.TryGetValue key with
                | true, loss -> policyLoss.[r].[k] <- loss
                | _ ->
                    let loss = supDistance optimal.Value (Bellman.evaluate mdp pi)
                    policyValues.[key] <- loss
                    policyLoss.[r].[k] <- loss
    recordErrors 0
    progress 0
    for k in 0 .. K - 1 do
        Batch.backupV batch
        recordPolicyLoss k
        Batch.computeTarget batch cfg.Target
        Batch.proximalStep batch cfg.Proximal cfg.Noise cs rngs reference
        recordErrors (k + 1)
        progress (k + 1)
    if cfg.TracePolicyLoss then
        Batch.backupV batch
        recordPolicyLoss K
    let traces =
        Array.init R (fun r ->
            { Run = cfg.Runs.[r]
              ErrorInf = errInf.[r]
              ErrorL2 = errL2.[r]
              PolicyLoss = policyLoss.[r]
              Final = Batch.column batch batch.V r })
    { Reference = reference; Optimal = optimal; Traces = traces }

/// `runWithProgress` without a progress callback.
let run (cfg: Config) = runWithProgress ignore cfg

/// Mean and standard error (sample sd / sqrt n) of a set of numbers (standard error 0 for n = 1).
let meanAndStandardError (xs: float[]) =
    let n = float xs.Length
    let mean = Array.average xs
    let se = if xs.Length < 2 then 0.0 else sqrt ((xs |> Array.sumBy (fun x -> (x - mean) ** 2.0)) / (n - 1.0) / n)
    mean, se

/// Per-c summary of final errors.
type Summary =
    { C: float
      Runs: int
      MeanFinalInf: float
      StandardErrorFinalInf: float
      MeanFinalL2: float
      StandardErrorFinalL2: float }

/// Groups traces by c (in first-appearance order) and summarises the final errors.
let summarise (result: Result) : Summary[] =
    result.Traces
    |> Array.groupBy (fun t -> t.Run.C)
    |> Array.map (fun (c, ts) ->
        let inf = ts |> Array.map (fun t -> Array.last t.ErrorInf)
        let l2 = ts |> Array.map (fun t -> Array.last t.ErrorL2)
        let mi, si = meanAndStandardError inf
        let ml, sl = meanAndStandardError l2
        { C = c; Runs = ts.Length; MeanFinalInf = mi; StandardErrorFinalInf = si; MeanFinalL2 = ml; StandardErrorFinalL2 = sl })
