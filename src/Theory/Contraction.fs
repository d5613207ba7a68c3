/// Contraction moduli of proximal value iteration (docs/planning.md, results 1-2).
module Research.Theory.Contraction

open System

/// beta = c / (1 + c): the weight PVI puts on the new target (docs/planning.md, "The update").
/// Assumes c > 0; c = +infinity gives beta = 1 exactly (plain VI).
let beta (c: float) =
    if Double.IsPositiveInfinity c then 1.0 else c / (1.0 + c)

/// The inverse of `beta`: c = beta / (1 - beta); beta = 1 gives +infinity (VI).
/// Assumes 0 < beta <= 1.
let cOfBeta (beta: float) =
    if beta >= 1.0 then Double.PositiveInfinity else beta / (1.0 - beta)

/// Validates gamma (0 <= gamma < 1) and c (c > 0 or +infinity), naming the offending value.
let validate (gamma: float) (c: float) =
    if not (gamma >= 0.0 && gamma < 1.0) then
        invalidArg "gamma" $"gamma is %g{gamma}; allowed: 0 <= gamma < 1"
    if not (c > 0.0) then
        invalidArg "c" $"c is %g{c}; allowed: c > 0 (or infinity for VI)"

/// Sup-norm contraction modulus of PVI (docs/planning.md, result 2):
/// rho = 1 - beta (1 - gamma) = (1 + c gamma) / (1 + c).
/// Assumes 0 <= gamma < 1 and c > 0; c = infinity gives gamma (plain VI). rho >= gamma always,
/// so without noise PVI is never faster than VI.
let pviModulus (gamma: float) (c: float) =
    validate gamma c
    1.0 - beta c * (1.0 - gamma)

/// Sup-norm contraction modulus when the target applies a gamma^m-contraction, e.g. (T*)^m or
/// (T^pi)^m in PMPI(m) (docs/planning.md, result 2): (1 + c gamma^m) / (1 + c) = 1 - beta (1 - gamma^m).
/// Assumes 0 <= gamma < 1, c > 0, m >= 1; m = 1 is `pviModulus`.
let pmpiModulus (gamma: float) (c: float) (m: int) =
    validate gamma c
    if m < 1 then invalidArg "m" $"m is %d{m}; allowed: m >= 1"
    1.0 - beta c * (1.0 - pown gamma m)
