/// The c minimising the scalar-model MSE for a budget of K steps (docs/planning.md, result 5).
module Research.Theory.OptimalC

/// The minimiser and the values to compare it with.
type Optimum =
    { /// beta* = argmin_beta MSE_K(beta) over (0, 1].
      Beta: float
      /// c* = beta* / (1 - beta*) (infinity when beta* = 1, i.e. VI is optimal).
      C: float
      /// MSE_K(beta*).
      Mse: float
      /// MSE_K(1): plain VI with the same budget.
      MseVi: float }

let private goldenRatio = (sqrt 5.0 - 1.0) / 2.0

/// Golden-section search for the minimum of f on [lo, hi] down to an interval of width tol.
let private goldenSection (f: float -> float) (lo: float) (hi: float) (tol: float) =
    let mutable a = lo
    let mutable b = hi
    let mutable x1 = b - goldenRatio * (b - a)
    let mutable x2 = a + goldenRatio * (b - a)
    let mutable f1 = f x1
    let mutable f2 = f x2
    while b - a > tol do
        if f1 <= f2 then
            b <- x2; x2 <- x1; f2 <- f1
            x1 <- b - goldenRatio * (b - a); f1 <- f x1
        else
            a <- x1; x1 <- x2; f1 <- f2
            x2 <- a + goldenRatio * (b - a); f2 <- f x2
    (a + b) / 2.0

/// Number of points in the coarse grid over beta that brackets the minimum before refinement.
let gridPoints = 2000

/// Minimises MSE_K(beta) (`NoiseMoments.mseOfBeta`, docs/planning.md, result 4) over beta in (0, 1]:
/// a coarse grid of `gridPoints` values finds the best bracket, then golden-section search refines
/// it to |beta error| < 1e-10. Assumptions: the scalar model of result 4 with 0 <= gamma < 1,
/// K >= 1, e0 >= 0, sigma >= 0. The grid makes the result robust even if MSE_K were not unimodal
/// (the tests check unimodality on the check-value cases of result 5).
let optimalC (gamma: float) (iterations: int) (e0: float) (sigma: float) : Optimum =
    Contraction.validate gamma 1.0
    if iterations < 1 then invalidArg "iterations" $"iterations is %d{iterations}; allowed: >= 1"
    if not (e0 >= 0.0) then invalidArg "e0" $"e0 is %g{e0}; allowed: >= 0"
    if not (sigma >= 0.0) then invalidArg "sigma" $"sigma is %g{sigma}; allowed: >= 0"
    let f = NoiseMoments.mseOfBeta gamma iterations e0 sigma
    let grid = Array.init gridPoints (fun i -> float (i + 1) / float gridPoints)
    let best = grid |> Array.minBy f
    let step = 1.0 / float gridPoints
    let lo = max (step * 1e-3) (best - step)
    let hi = min 1.0 (best + step)
    let refined = goldenSection f lo hi 1e-12
    // The boundary beta = 1 (VI) is a candidate golden-section search cannot land on exactly.
    let betaStar = if f 1.0 <= f refined then 1.0 else refined
    { Beta = betaStar
      C = Contraction.cOfBeta betaStar
      Mse = f betaStar
      MseVi = f 1.0 }
