/// Proximal terms: v_{k+1} = argmin_v ||v - Target_k||^2 + (1/c) D(v, v_k)
/// (docs/planning.md, "The update").
module Research.Tabular.Proximal

open Research.Theory

/// The proximal term D of the update. The quadratic one has a closed form; any separable Bregman
/// divergence D_f (f(v) = sum_s phi(v_s)) gives a coordinate-wise update, which `Separable` carries
/// as a function (c, v_k[s], Target_k[s]) -> v_{k+1}[s]. That is the door for other divergences.
type ProximalTerm =
    /// D(v, v_k) = ||v - v_k||^2: v_{k+1} = (1 - beta) v_k + beta Target_k, beta = c / (1 + c).
    | Quadratic
    /// A separable Bregman term given by its coordinate-wise argmin (name for reports).
    | Separable of name: string * step: (float -> float -> float -> float)

/// One coordinate of the proximal step. For `Quadratic` with c = infinity, beta = 1 and
/// (1 - beta) v + beta t = 0 v + t = t exactly, so PVI(c = infinity) is VI bit for bit.
let inline stepWithBeta (beta: float) (v: float) (target: float) = (1.0 - beta) * v + beta * target

/// One coordinate of the update for any proximal term.
let step (term: ProximalTerm) (c: float) (v: float) (target: float) =
    match term with
    | Quadratic -> stepWithBeta (Contraction.beta c) v target
    | Separable(_, f) -> f c v target

/// Short name for reports.
let name (term: ProximalTerm) =
    match term with
    | Quadratic -> "quadratic"
    | Separable(n, _) -> n
