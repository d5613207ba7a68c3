/// Noise injected into the planning target: Target_k + eps_k (docs/planning.md,
/// "Noise models").
module Research.Tabular.Noise

open System

/// A noise model for eps_k (one draw per state per iteration, independent across states and
/// iterations except for `Adversarial`, which is deterministic).
type NoiseModel =
    /// eps = 0.
    | NoNoise
    /// eps ~ N(0, sigma^2), i.i.d.
    | Gaussian of sigma: float
    /// eps ~ U[-e, e], i.i.d. (|eps| <= e).
    | Uniform of bound: float
    /// |eps| = e with the sign chosen against convergence: eps[s] = e * sign(d[s]), where
    /// d = (noiseless proximal update) - v_ref, i.e. the error the step would have without noise
    /// (sign(0) = +1). Among all |eps| <= e this maximises every |v_{k+1}[s] - v_ref[s]|: the
    /// one-step worst case, for which the bound of docs/planning.md, result 3, must still hold.
    | Adversarial of bound: float

/// Validates the parameters (finite, >= 0), naming the model and value.
let validate (model: NoiseModel) =
    let check name (x: float) =
        if not (Double.IsFinite x && x >= 0.0) then
            raise (ArgumentException $"%s{name} noise parameter is %g{x}; allowed: a finite number >= 0")
    match model with
    | NoNoise -> ()
    | Gaussian s -> check "gaussian" s
    | Uniform e -> check "uniform" e
    | Adversarial e -> check "adversarial" e
    model

/// The bound e on ||eps||_inf, if the model has one.
let bound (model: NoiseModel) =
    match model with
    | NoNoise -> Some 0.0
    | Uniform e | Adversarial e -> Some e
    | Gaussian _ -> None

/// Short description, e.g. "gaussian:1".
let describe (model: NoiseModel) =
    match model with
    | NoNoise -> "none"
    | Gaussian s -> $"gaussian:%g{s}"
    | Uniform e -> $"uniform:%g{e}"
    | Adversarial e -> $"adversarial:%g{e}"

/// Draws eps for one state. `noiselessError` = (noiseless proximal update) - v_ref at that state is
/// a thunk, evaluated only for `Adversarial`.
let inline sample (model: NoiseModel) (rng: Rng.Rng) ([<InlineIfLambda>] noiselessError: unit -> float) =
    match model with
    | NoNoise -> 0.0
    | Gaussian sigma -> sigma * Rng.normal rng
    | Uniform e -> e * (2.0 * Rng.uniform rng - 1.0)
    | Adversarial e -> if noiselessError () >= 0.0 then e else -e
