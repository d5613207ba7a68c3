/// Finite MDPs, validated on construction (docs/planning.md, "The update").
module Research.Tabular.Mdp

open System

/// Tolerance on the row sums of the transition probabilities.
[<Literal>]
let RowSumTolerance = 1e-9

/// Transition probabilities P[s,a,s'], stored with one row per (s,a) pair (row index s*A + a).
type Transitions =
    /// Dense (S*A) x S row-major matrix.
    | Dense of probabilities: float[]
    /// Compressed sparse rows: row i holds next states `Next.[RowStart.[i] .. RowStart.[i+1]-1]`
    /// (ascending) with probabilities `Probability.[...]`.
    | Sparse of rowStart: int[] * next: int[] * probability: float[]

/// A finite MDP with S states and A actions. Build it with `dense` or `sparse` (which validate);
/// the representation is internal so an invalid MDP cannot be constructed from outside.
type Mdp =
    internal
        { S: int
          A: int
          G: float
          /// R[s*A + a]
          R: float[]
          P: Transitions }

    /// Number of states S.
    member m.States = m.S
    /// Number of actions A.
    member m.Actions = m.A
    /// Discount gamma, 0 <= gamma < 1.
    member m.Gamma = m.G
    /// True when the transitions are stored densely.
    member m.IsDense = match m.P with Dense _ -> true | Sparse _ -> false
    /// Reward R[s,a].
    member m.Reward(s: int, a: int) = m.R.[s * m.A + a]
    /// Transition probability P[s,a,s'].
    member m.Probability(s: int, a: int, next: int) =
        let row = s * m.A + a
        match m.P with
        | Dense p -> p.[row * m.S + next]
        | Sparse(start, idx, prob) ->
            let i = Array.BinarySearch(idx, start.[row], start.[row + 1] - start.[row], next)
            if i >= 0 then prob.[i] else 0.0
    /// The nonzero (next state, probability) pairs of row (s,a), next states ascending.
    member m.Successors(s: int, a: int) =
        let row = s * m.A + a
        match m.P with
        | Dense p -> [| for n in 0 .. m.S - 1 do if p.[row * m.S + n] <> 0.0 then yield (n, p.[row * m.S + n]) |]
        | Sparse(start, idx, prob) -> [| for i in start.[row] .. start.[row + 1] - 1 -> (idx.[i], prob.[i]) |]

let private fail (message: string) = raise (ArgumentException message)

let private checkSizes states actions gamma =
    if states < 1 then fail $"States is %d{states}; must be >= 1"
    if actions < 1 then fail $"Actions is %d{actions}; must be >= 1"
    if not (gamma >= 0.0 && gamma < 1.0) then fail $"Gamma is %g{gamma}; allowed: 0 <= gamma < 1"

let private checkRewards states actions (rewards: float[,]) =
    if Array2D.length1 rewards <> states || Array2D.length2 rewards <> actions then
        fail $"Rewards has shape %d{Array2D.length1 rewards}x%d{Array2D.length2 rewards}; expected States x Actions = %d{states}x%d{actions}"
    for s in 0 .. states - 1 do
        for a in 0 .. actions - 1 do
            if not (Double.IsFinite rewards.[s, a]) then
                fail $"Rewards[s=%d{s},a=%d{a}] is %g{rewards.[s, a]}; rewards must be finite"
    Array.init (states * actions) (fun i -> rewards.[i / actions, i % actions])

let private checkRow s a (entries: (int * float) seq) =
    let mutable sum = 0.0
    for (next, p) in entries do
        if not (Double.IsFinite p) || p < 0.0 then
            fail $"Transitions[s=%d{s},a=%d{a},s'=%d{next}] is %g{p}; probabilities must be finite and >= 0"
        sum <- sum + p
    if abs (sum - 1.0) > RowSumTolerance then
        fail $"Transitions[s=%d{s},a=%d{a}] sum to %.12g{sum}; each row must sum to 1 within 1e-9"

/// Builds a validated MDP with dense transitions P[s,a,s'] (S x A x S) and rewards R[s,a] (S x A).
/// Raises ArgumentException naming the offending entry: probabilities must be finite and >= 0, each
/// row must sum to 1 within 1e-9, rewards must be finite, 0 <= gamma < 1.
let dense (gamma: float) (rewards: float[,]) (transitions: float[,,]) : Mdp =
    let states, actions = Array2D.length1 rewards, Array2D.length2 rewards
    checkSizes states actions gamma
    let r = checkRewards states actions rewards
    if Array3D.length1 transitions <> states || Array3D.length2 transitions <> actions || Array3D.length3 transitions <> states then
        fail $"Transitions has shape %d{Array3D.length1 transitions}x%d{Array3D.length2 transitions}x%d{Array3D.length3 transitions}; expected S x A x S = %d{states}x%d{actions}x%d{states}"
    let p = Array.zeroCreate (states * actions * states)
    for s in 0 .. states - 1 do
        for a in 0 .. actions - 1 do
            checkRow s a (seq { for n in 0 .. states - 1 -> (n, transitions.[s, a, n]) })
            for n in 0 .. states - 1 do
                p.[(s * actions + a) * states + n] <- transitions.[s, a, n]
    { S = states; A = actions; G = gamma; R = r; P = Dense p }

/// Builds a validated MDP with sparse transitions: `successors.[s].[a]` lists (next state,
/// probability) pairs (any order, no duplicates). Same checks as `dense`, plus next states in 0..S-1.
let sparse (gamma: float) (rewards: float[,]) (successors: (int * float)[][][]) : Mdp =
    let states, actions = Array2D.length1 rewards, Array2D.length2 rewards
    checkSizes states actions gamma
    let r = checkRewards states actions rewards
    if successors.Length <> states then
        fail $"Transitions has %d{successors.Length} states; expected States = %d{states}"
    let start = Array.zeroCreate (states * actions + 1)
    let idx = ResizeArray()
    let prob = ResizeArray()
    for s in 0 .. states - 1 do
        if successors.[s].Length <> actions then
            fail $"Transitions[s=%d{s}] has %d{successors.[s].Length} actions; expected Actions = %d{actions}"
        for a in 0 .. actions - 1 do
            let row = successors.[s].[a] |> Array.sortBy fst
            for i in 0 .. row.Length - 1 do
                let n = fst row.[i]
                if n < 0 || n >= states then
                    fail $"Transitions[s=%d{s},a=%d{a}] has next state %d{n}; allowed: 0..%d{states - 1}"
                if i > 0 && fst row.[i - 1] = n then
                    fail $"Transitions[s=%d{s},a=%d{a}] lists next state %d{n} twice; each next state at most once"
            checkRow s a row
            for (n, p) in row do
                idx.Add n
                prob.Add p
            start.[s * actions + a + 1] <- idx.Count
    { S = states; A = actions; G = gamma; R = r; P = Sparse(start, idx.ToArray(), prob.ToArray()) }

/// The same MDP with another discount (validated: 0 <= gamma < 1).
let withGamma (gamma: float) (mdp: Mdp) =
    checkSizes mdp.S mdp.A gamma
    { mdp with G = gamma }

/// The same MDP with dense transitions.
let toDense (mdp: Mdp) =
    match mdp.P with
    | Dense _ -> mdp
    | Sparse(start, idx, prob) ->
        let p = Array.zeroCreate (mdp.S * mdp.A * mdp.S)
        for row in 0 .. mdp.S * mdp.A - 1 do
            for i in start.[row] .. start.[row + 1] - 1 do
                p.[row * mdp.S + idx.[i]] <- prob.[i]
        { mdp with P = Dense p }

/// The same MDP with sparse transitions (zeros dropped).
let toSparse (mdp: Mdp) =
    match mdp.P with
    | Sparse _ -> mdp
    | Dense p ->
        let start = Array.zeroCreate (mdp.S * mdp.A + 1)
        let idx = ResizeArray()
        let prob = ResizeArray()
        for row in 0 .. mdp.S * mdp.A - 1 do
            for n in 0 .. mdp.S - 1 do
                if p.[row * mdp.S + n] <> 0.0 then
                    idx.Add n
                    prob.Add p.[row * mdp.S + n]
            start.[row + 1] <- idx.Count
        { mdp with P = Sparse(start, idx.ToArray(), prob.ToArray()) }
