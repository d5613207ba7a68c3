/// MDP generators: Garnet random MDPs, a grid world with slip, a chain. All deterministic given
/// their parameters (and seed).
module Research.Tabular.Generators

open System
open Research.Tabular.Mdp

let private fail (message: string) = raise (ArgumentException message)

/// Garnet(S, A, branching) random MDP: each (s,a) moves to `branching` distinct next states drawn
/// uniformly, with probabilities given by the gaps of branching-1 sorted U[0,1] cut points;
/// rewards R[s,a] ~ U[0,1]. Stored densely when `dense` is true, sparsely otherwise (the same MDP).
/// Raises ArgumentException for states < 1, actions < 1, branching outside 1..states, bad gamma.
let garnet (states: int) (actions: int) (branching: int) (gamma: float) (seed: int) (dense: bool) : Mdp =
    if states < 1 then fail $"garnet states is %d{states}; allowed: >= 1"
    if actions < 1 then fail $"garnet actions is %d{actions}; allowed: >= 1"
    if branching < 1 || branching > states then
        fail $"garnet branching is %d{branching}; allowed: 1..states (= %d{states})"
    let rng = Rng.create seed
    let rewards = Array2D.init states actions (fun _ _ -> 0.0)
    let successors =
        Array.init states (fun s ->
            Array.init actions (fun a ->
                // Partial Fisher-Yates shuffle: the first `branching` entries are distinct next states.
                let pool = Array.init states id
                for i in 0 .. branching - 1 do
                    let j = i + Rng.below rng (states - i)
                    let t = pool.[i]
                    pool.[i] <- pool.[j]
                    pool.[j] <- t
                let cuts = Array.init (branching - 1) (fun _ -> Rng.uniform rng) |> Array.sort
                let edges = Array.concat [ [| 0.0 |]; cuts; [| 1.0 |] ]
                let row = Array.init branching (fun i -> (pool.[i], edges.[i + 1] - edges.[i]))
                rewards.[s, a] <- Rng.uniform rng
                row))
    let mdp = sparse gamma rewards successors
    if dense then toDense mdp else mdp

/// Grid-world moves: up, right, down, left (action indices 0..3).
let private moves = [| (-1, 0); (0, 1); (1, 0); (0, -1) |]

/// A size x size grid world, states numbered row-major, 4 actions (up, right, down, left). With
/// probability 1 - slip the intended move happens; with probability slip a uniformly random one of
/// the 4 moves happens instead. Moving into a wall leaves the agent in place. The bottom-right
/// cell is the goal: it is absorbing and every action there earns reward 1 (all other rewards 0).
/// Stored sparsely. Raises ArgumentException for size < 1, slip outside [0, 1], bad gamma.
let gridWorld (size: int) (slip: float) (gamma: float) : Mdp =
    if size < 1 then fail $"gridworld size is %d{size}; allowed: >= 1"
    if not (slip >= 0.0 && slip <= 1.0) then fail $"gridworld slip is %g{slip}; allowed: 0 <= slip <= 1"
    let states = size * size
    let goal = states - 1
    let target s (dr, dc) =
        let r, c = s / size + dr, s % size + dc
        if r < 0 || r >= size || c < 0 || c >= size then s else r * size + c
    let rewards = Array2D.init states 4 (fun s _ -> if s = goal then 1.0 else 0.0)
    let successors =
        Array.init states (fun s ->
            Array.init 4 (fun a ->
                if s = goal then [| (goal, 1.0) |]
                else
                    let weights = Collections.Generic.SortedDictionary<int, float>()
                    let add n p = weights.[n] <- (match weights.TryGetValue n with | true, q -> q | _ -> 0.0) + p
                    add (target s moves.[a]) (1.0 - slip)
                    for m in moves do add (target s m) (slip / 4.0)
                    [| for kv in weights do if kv.Value > 0.0 then yield (kv.Key, kv.Value) |]))
    sparse gamma rewards successors

/// A chain of n states with actions left (0) and right (1). The intended move happens with
/// probability 1 - slip, the opposite one with probability slip; the ends are walls. Rewards:
/// 1 for "right" in the last state, 0.01 for "left" in the first state (a distractor), 0 elsewhere.
/// Stored sparsely. Raises ArgumentException for states < 2, slip outside [0, 1], bad gamma.
let chain (states: int) (slip: float) (gamma: float) : Mdp =
    if states < 2 then fail $"chain states is %d{states}; allowed: >= 2"
    if not (slip >= 0.0 && slip <= 1.0) then fail $"chain slip is %g{slip}; allowed: 0 <= slip <= 1"
    let step s d = min (states - 1) (max 0 (s + d))
    let rewards =
        Array2D.init states 2 (fun s a ->
            if s = states - 1 && a = 1 then 1.0 elif s = 0 && a = 0 then 0.01 else 0.0)
    let successors =
        Array.init states (fun s ->
            Array.init 2 (fun a ->
                let intended = if a = 1 then 1 else -1
                [ (step s intended, 1.0 - slip); (step s -intended, slip) ]
                |> List.groupBy fst
                |> List.map (fun (n, ps) -> (n, ps |> List.sumBy snd))
                |> List.filter (fun (_, p) -> p > 0.0)
                |> Array.ofList))
    sparse gamma rewards successors
