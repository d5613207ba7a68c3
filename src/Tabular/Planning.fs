/// Single-run VI, PVI and PMPI with noise: the plain reference implementation (one vector, one
/// run), written to read like docs/planning.md ("The update"). The
/// batched `Experiment` engine reproduces it bit for bit.
module Research.Tabular.Planning

open System
open Research.Tabular.Mdp

/// What the proximal step moves towards.
type Target =
    /// PVI: Target_k = T* v_k.
    | Optimality
    /// PMPI(m): pi_{k+1} greedy w.r.t. v_k, Target_k = (T^{pi_{k+1}})^m v_k (m = 1 is PVI).
    | ModifiedPolicy of steps: int
    /// Proximal policy evaluation: Target_k = T^pi v_k (linear; docs/planning.md, result 4).
    | Evaluation of policy: int[]
    /// Target_k = (T*)^m v_k, a gamma^m-contraction
    /// (docs/planning.md, result 2: modulus (1 + c gamma^m)/(1 + c)).
    | OptimalityPower of steps: int

/// Validates the target against the MDP (m >= 1, policy shape and actions).
let validateTarget (mdp: Mdp) (target: Target) =
    match target with
    | Optimality -> ()
    | ModifiedPolicy m -> if m < 1 then raise (ArgumentException $"PMPI steps m is %d{m}; allowed: m >= 1")
    | OptimalityPower m -> if m < 1 then raise (ArgumentException $"optimality steps m is %d{m}; allowed: m >= 1")
    | Evaluation pi -> Bellman.checkPolicy mdp pi
    target

/// Validates c: c > 0 (finite) or +infinity (VI).
let validateC (c: float) =
    if Double.IsNaN c || c <= 0.0 then
        raise (ArgumentException $"c is %g{c}; allowed: c > 0, or infinity for VI")
    c

/// The noiseless target of one iteration from v_k.
let targetOf (mdp: Mdp) (target: Target) (v: float[]) =
    match target with
    | Optimality -> Bellman.optimality mdp v
    | Evaluation pi -> Bellman.policyOperator mdp pi v
    | OptimalityPower m -> Seq.fold (fun w _ -> Bellman.optimality mdp w) v (seq { 1 .. m })
    | ModifiedPolicy m ->
        let q = Bellman.qValues mdp v
        let pi = Bellman.greedyOfQ mdp q
        let mutable w = Array.init mdp.S (fun s -> q.[s * mdp.A + pi.[s]])
        for _ in 2 .. m do
            w <- Bellman.policyOperator mdp pi w
        w

/// The iterates v_0 .. v_K of noisy proximal planning (one run):
/// v_{k+1} = step(v_k, Target_k + eps_k), eps_k drawn from `noise` with a generator seeded by
/// `seed` (one draw per state, states in order). `reference` (v* or v^pi) is only used by the
/// adversarial noise model.
let iterates (mdp: Mdp) (target: Target) (term: Proximal.ProximalTerm) (c: float) (noise: Noise.NoiseModel)
             (seed: int) (reference: float[]) (v0: float[]) (iterations: int) : float[][] =
    validateTarget mdp target |> ignore
    validateC c |> ignore
    Noise.validate noise |> ignore
    let rng = Rng.create seed
    let result = Array.zeroCreate (iterations + 1)
    result.[0] <- Array.copy v0
    for k in 0 .. iterations - 1 do
        let v = result.[k]
        let t = targetOf mdp target v
        result.[k + 1] <-
            Array.init mdp.S (fun s ->
                let eps = Noise.sample noise rng (fun () -> Proximal.step term c v.[s] t.[s] - reference.[s])
                Proximal.step term c v.[s] (t.[s] + eps))
    result

/// Plain (noisy) value iteration, v_{k+1} = T* v_k + eps_k, written without any proximal code so
/// that tests can check PVI(c = infinity) against it bit for bit.
let valueIteration (mdp: Mdp) (noise: Noise.NoiseModel) (seed: int) (reference: float[]) (v0: float[]) (iterations: int) =
    let rng = Rng.create seed
    let result = Array.zeroCreate (iterations + 1)
    result.[0] <- Array.copy v0
    for k in 0 .. iterations - 1 do
        let t = Bellman.optimality mdp result.[k]
        result.[k + 1] <- Array.init mdp.S (fun s -> t.[s] + Noise.sample noise rng (fun () -> t.[s] - reference.[s]))
    result

/// ||x - y||_inf.
let supDistance (x: float[]) (y: float[]) = Array.fold2 (fun m a b -> max m (abs (a - b))) 0.0 x y

/// ||x - y||_2.
let l2Distance (x: float[]) (y: float[]) = sqrt (Array.fold2 (fun m a b -> m + (a - b) * (a - b)) 0.0 x y)
