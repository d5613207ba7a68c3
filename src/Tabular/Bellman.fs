/// Bellman operators on a single value vector (docs/planning.md, "The update").
/// Sums over next states run in ascending order with fused multiply-adds, exactly as the batched
/// kernel does, so single-vector and batched results are bit-identical.
module Research.Tabular.Bellman

open System
open MathNet.Numerics.LinearAlgebra
open Research.Tabular.Mdp

/// (P v)[s*A + a] = sum_{s'} P[s,a,s'] v[s'].
let expectedNext (mdp: Mdp) (v: float[]) =
    let rows = mdp.S * mdp.A
    let out = Array.zeroCreate rows
    match mdp.P with
    | Dense p ->
        for i in 0 .. rows - 1 do
            let mutable acc = 0.0
            let o = i * mdp.S
            for n in 0 .. mdp.S - 1 do
                acc <- Math.FusedMultiplyAdd(p.[o + n], v.[n], acc)
            out.[i] <- acc
    | Sparse(start, idx, prob) ->
        for i in 0 .. rows - 1 do
            let mutable acc = 0.0
            for j in start.[i] .. start.[i + 1] - 1 do
                acc <- Math.FusedMultiplyAdd(prob.[j], v.[idx.[j]], acc)
            out.[i] <- acc
    out

/// Q[s*A + a] = R[s,a] + gamma (P v)[s,a].
let qValues (mdp: Mdp) (v: float[]) =
    let pv = expectedNext mdp v
    Array.init pv.Length (fun i -> mdp.R.[i] + mdp.G * pv.[i])

/// Greedy policy w.r.t. q (ties go to the lowest action index).
let greedyOfQ (mdp: Mdp) (q: float[]) =
    Array.init mdp.S (fun s ->
        let mutable best = 0
        for a in 1 .. mdp.A - 1 do
            if q.[s * mdp.A + a] > q.[s * mdp.A + best] then best <- a
        best)

/// Greedy policy w.r.t. v: argmax_a R[s,a] + gamma (P v)[s,a].
let greedy (mdp: Mdp) (v: float[]) = greedyOfQ mdp (qValues mdp v)

/// Optimality operator T* v = max_a (R + gamma P v).
let optimality (mdp: Mdp) (v: float[]) =
    let q = qValues mdp v
    Array.init mdp.S (fun s -> Array.max q.[s * mdp.A .. s * mdp.A + mdp.A - 1])

/// Policy operator T^pi v = R_pi + gamma P_pi v.
let policyOperator (mdp: Mdp) (policy: int[]) (v: float[]) =
    let q = qValues mdp v
    Array.init mdp.S (fun s -> q.[s * mdp.A + policy.[s]])

/// Validates a deterministic policy: one action in 0..A-1 per state.
let checkPolicy (mdp: Mdp) (policy: int[]) =
    if policy.Length <> mdp.S then
        raise (ArgumentException $"policy has %d{policy.Length} entries; expected States = %d{mdp.S}")
    policy |> Array.iteri (fun s a ->
        if a < 0 || a >= mdp.A then
            raise (ArgumentException $"policy[s=%d{s}] is %d{a}; allowed: 0..%d{mdp.A - 1}"))

/// P^pi as a dense S x S MathNet matrix: P^pi[s,s'] = P[s,pi(s),s'].
let policyMatrix (mdp: Mdp) (policy: int[]) =
    checkPolicy mdp policy
    let m = Matrix<float>.Build.Dense(mdp.S, mdp.S)
    for s in 0 .. mdp.S - 1 do
        for (n, p) in mdp.Successors(s, policy.[s]) do
            m.[s, n] <- p
    m

/// R^pi[s] = R[s, pi(s)].
let policyReward (mdp: Mdp) (policy: int[]) =
    Array.init mdp.S (fun s -> mdp.R.[s * mdp.A + policy.[s]])

/// Exact value of a policy: v^pi = (I - gamma P^pi)^{-1} R^pi, by an LU solve (MathNet).
let evaluate (mdp: Mdp) (policy: int[]) =
    let pPi = policyMatrix mdp policy
    let system = Matrix<float>.Build.DenseIdentity mdp.S - mdp.G * pPi
    system.Solve(Vector<float>.Build.DenseOfArray(policyReward mdp policy)).ToArray()
