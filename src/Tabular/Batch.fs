/// One iteration of many noisy proximal-planning runs at once, on the column-panel matrices of
/// `BatchKernel` (column r = run r). Each function is one step of the update of
/// docs/planning.md, "The update": backup, target, noise + proximal step.
module Research.Tabular.Batch

open System.Threading.Tasks
open Research.Tabular.Mdp

/// The buffers of a batch of `Runs` runs on one MDP (all panel matrices from `BatchKernel.allocate`).
type Batch =
    { Mdp: Mdp
      Runs: int
      Threads: int
      /// v_k, S x runs.
      V: float[]
      /// Q(x) = R + gamma P x for the last backed-up x, (S*A) x runs.
      Q: float[]
      /// Target_k, S x runs.
      Target: float[]
      /// Scratch input of repeated backups (PMPI, (T*)^m), S x runs.
      Work: float[] }

/// Allocates the buffers and sets every column of V to v0.
let create (mdp: Mdp) (runs: int) (threads: int) (v0: float[]) =
    let b =
        { Mdp = mdp
          Runs = runs
          Threads = threads
          V = BatchKernel.allocate mdp.S runs
          Q = BatchKernel.allocate (mdp.S * mdp.A) runs
          Target = BatchKernel.allocate mdp.S runs
          Work = BatchKernel.allocate mdp.S runs }
    for r in 0 .. runs - 1 do
        for s in 0 .. mdp.S - 1 do
            b.V.[BatchKernel.index mdp.S s r] <- v0.[s]
    b

/// Runs body r for every run, in parallel when Threads > 1 (each run touches only its own column).
let forEachRun (b: Batch) (body: int -> unit) =
    if b.Threads <= 1 then
        for r in 0 .. b.Runs - 1 do body r
    else
        Parallel.For(0, b.Runs, ParallelOptions(MaxDegreeOfParallelism = b.Threads), body) |> ignore

/// Column r of an S x runs panel matrix as an array.
let column (b: Batch) (m: float[]) (r: int) = Array.init b.Mdp.S (fun s -> m.[BatchKernel.index b.Mdp.S s r])

/// Q <- R + gamma P V.
let backupV (b: Batch) = BatchKernel.backup b.Mdp b.Runs b.Threads b.V b.Q

/// Q <- R + gamma P Target (via Work), for repeated operator applications.
let backupTarget (b: Batch) =
    Array.blit b.Target 0 b.Work 0 b.Target.Length
    BatchKernel.backup b.Mdp b.Runs b.Threads b.Work b.Q

let inline private q (b: Batch) s a r = b.Q.[BatchKernel.index (b.Mdp.S * b.Mdp.A) (s * b.Mdp.A + a) r]

/// Greedy action of state s for run r w.r.t. Q (ties to the lowest action).
let greedyAt (b: Batch) (s: int) (r: int) =
    let mutable best = 0
    for a in 1 .. b.Mdp.A - 1 do
        if q b s a r > q b s best r then best <- a
    best

/// Greedy policy of run r w.r.t. Q.
let greedyPolicy (b: Batch) (r: int) = Array.init b.Mdp.S (fun s -> greedyAt b s r)

/// Target <- max_a Q (T* of the last backed-up values).
let maxOverActions (b: Batch) =
    forEachRun b (fun r ->
        for s in 0 .. b.Mdp.S - 1 do
            let mutable best = q b s 0 r
            for a in 1 .. b.Mdp.A - 1 do
                best <- max best (q b s a r)
            b.Target.[BatchKernel.index b.Mdp.S s r] <- best)

/// Target <- Q[s, policy r s] (T^pi of the last backed-up values; one policy per run).
let selectActions (b: Batch) (policy: int -> int[]) =
    forEachRun b (fun r ->
        let pi = policy r
        for s in 0 .. b.Mdp.S - 1 do
            b.Target.[BatchKernel.index b.Mdp.S s r] <- q b s pi.[s] r)

/// Target <- Target_k for every run, given Q = Q(V) (one backup already done).
let computeTarget (b: Batch) (target: Planning.Target) =
    match target with
    | Planning.Optimality -> maxOverActions b
    | Planning.OptimalityPower m ->
        maxOverActions b
        for _ in 2 .. m do
            backupTarget b
            maxOverActions b
    | Planning.Evaluation pi -> selectActions b (fun _ -> pi)
    | Planning.ModifiedPolicy m ->
        let policies = Array.init b.Runs (greedyPolicy b)
        selectActions b (fun r -> policies.[r])
        for _ in 2 .. m do
            backupTarget b
            selectActions b (fun r -> policies.[r])

/// V <- step(V, Target + eps) run by run: run r draws its noise from rngs.[r], states in order
/// (the same order as `Planning.iterates`). `reference` is v_ref for adversarial noise.
let proximalStep (b: Batch) (term: Proximal.ProximalTerm) (noise: Noise.NoiseModel) (cs: float[]) (rngs: Rng.Rng[])
                 (reference: float[]) =
    forEachRun b (fun r ->
        let rng = rngs.[r]
        let c = cs.[r]
        match term with
        | Proximal.Quadratic ->
            let beta = Research.Theory.Contraction.beta c
            for s in 0 .. b.Mdp.S - 1 do
                let i = BatchKernel.index b.Mdp.S s r
                let v, t = b.V.[i], b.Target.[i]
                let eps = Noise.sample noise rng (fun () -> Proximal.stepWithBeta beta v t - reference.[s])
                b.V.[i] <- Proximal.stepWithBeta beta v (t + eps)
        | _ ->
            for s in 0 .. b.Mdp.S - 1 do
                let i = BatchKernel.index b.Mdp.S s r
                let v, t = b.V.[i], b.Target.[i]
                let eps = Noise.sample noise rng (fun () -> Proximal.step term c v t - reference.[s])
                b.V.[i] <- Proximal.step term c v (t + eps))

/// (||v_r - reference||_inf, ||v_r - reference||_2) of run r.
let errors (b: Batch) (reference: float[]) (r: int) =
    let mutable mx = 0.0
    let mutable sq = 0.0
    for s in 0 .. b.Mdp.S - 1 do
        let d = b.V.[BatchKernel.index b.Mdp.S s r] - reference.[s]
        mx <- max mx (abs d)
        sq <- sq + d * d
    mx, sqrt sq
