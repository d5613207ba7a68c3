/// Exact v* and pi* by policy iteration with linear solves (docs/planning.md, "The update").
module Research.Tabular.Exact

open Research.Tabular.Mdp

/// An optimal policy and its value.
type Solution =
    { /// v*, accurate to ~1e-12 (linear solve) for well-conditioned MDPs.
      Value: float[]
      /// pi*, greedy w.r.t. v* (ties to the lowest action).
      Policy: int[]
      /// Number of policy-improvement rounds.
      Rounds: int }

/// Policy iteration: evaluate exactly, switch an action only when it improves Q by more than
/// 1e-12 (relative to the value scale), stop when the policy is stable. Terminates because each
/// switch strictly improves the value.
let solve (mdp: Mdp) : Solution =
    let tol = 1e-12 * (1.0 + (Array.max (Array.map abs mdp.R)) / (1.0 - mdp.G))
    let mutable policy = Bellman.greedyOfQ mdp mdp.R
    let mutable value = Bellman.evaluate mdp policy
    let mutable stable = false
    let mutable rounds = 0
    while not stable do
        rounds <- rounds + 1
        let q = Bellman.qValues mdp value
        let improved =
            Array.init mdp.S (fun s ->
                let current = policy.[s]
                let mutable best = current
                for a in 0 .. mdp.A - 1 do
                    if q.[s * mdp.A + a] > q.[s * mdp.A + best] + tol then best <- a
                best)
        if improved = policy then stable <- true
        else
            policy <- improved
            value <- Bellman.evaluate mdp policy
    { Value = value; Policy = policy; Rounds = rounds }

/// ||T* v - v||_inf: the Bellman residual (zero exactly at v*).
let bellmanResidual (mdp: Mdp) (v: float[]) =
    Array.map2 (fun a b -> abs (a - b)) (Bellman.optimality mdp v) v |> Array.max
