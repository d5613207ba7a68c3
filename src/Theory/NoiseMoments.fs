/// Bias, covariance and MSE of the PVI error under zero-mean i.i.d. noise, policy evaluation
/// (docs/planning.md, result 4).
module Research.Theory.NoiseMoments

open MathNet.Numerics.LinearAlgebra

/// Error-propagation matrix of proximal policy evaluation (docs/planning.md, result 4):
/// A = (1 - beta) I + beta gamma P^pi, so that e_{k+1} = A e_k + beta eps_k.
/// Assumes P^pi is row-stochastic (S x S), 0 <= gamma < 1, c > 0 (infinity = VI).
let iterationMatrix (gamma: float) (c: float) (pPi: Matrix<float>) =
    Contraction.validate gamma c
    let b = Contraction.beta c
    (1.0 - b) * Matrix<float>.Build.DenseIdentity pPi.RowCount + (b * gamma) * pPi

/// Bias after K steps (docs/planning.md, result 4): E[e_K] = A^K e_0.
/// Assumes zero-mean noise (any distribution), linear target T^pi, e_0 = v_0 - v^pi.
let bias (gamma: float) (c: float) (pPi: Matrix<float>) (iterations: int) (e0: Vector<float>) =
    let a = iterationMatrix gamma c pPi
    let mutable e = e0
    for _ in 1 .. iterations do
        e <- a * e
    e

/// Covariance after K steps (docs/planning.md, result 4): Cov[e_K] = beta^2 sum_{j<K} A^j Sigma (A^j)^T.
/// Assumes i.i.d. zero-mean noise with covariance Sigma (S x S), independent of the iterates,
/// linear target T^pi; the initial error e_0 is deterministic.
let covariance (gamma: float) (c: float) (pPi: Matrix<float>) (iterations: int) (sigma: Matrix<float>) =
    let a = iterationMatrix gamma c pPi
    let b = Contraction.beta c
    // Cov_{k+1} = A Cov_k A^T + beta^2 Sigma, Cov_0 = 0: the same sum evaluated by recursion.
    let mutable cov = Matrix<float>.Build.Dense(sigma.RowCount, sigma.ColumnCount)
    for _ in 1 .. iterations do
        cov <- a * cov * a.Transpose() + (b * b) * sigma
    cov

/// Scalar-model mean squared error after K steps (docs/planning.md, result 4),
/// with a = rho = 1 - beta (1 - gamma):
/// MSE_K(beta) = a^{2K} e0^2 + beta^2 sigma^2 (1 - a^{2K}) / (1 - a^2).
/// Assumes the scalar model e_{k+1} = a e_k + beta eps_k, eps i.i.d. zero mean with variance
/// sigma^2, 0 <= gamma < 1, 0 < beta <= 1.
let mseOfBeta (gamma: float) (iterations: int) (e0: float) (sigma: float) (beta: float) =
    let a = 1.0 - beta * (1.0 - gamma)
    let a2K = pown (a * a) iterations
    a2K * e0 * e0 + beta * beta * sigma * sigma * (1.0 - a2K) / (1.0 - a * a)

/// `mseOfBeta` in terms of c (beta = c / (1 + c); c = infinity is VI). Same assumptions.
let mse (gamma: float) (c: float) (iterations: int) (e0: float) (sigma: float) =
    Contraction.validate gamma c
    mseOfBeta gamma iterations e0 sigma (Contraction.beta c)

/// Stationary variance of the PVI error, K -> infinity (docs/planning.md, result 4):
/// beta sigma^2 / ((1 - gamma) (2 - beta (1 - gamma))). Scalar model; same assumptions as `mseOfBeta`.
let stationaryVariance (gamma: float) (c: float) (sigma: float) =
    Contraction.validate gamma c
    let b = Contraction.beta c
    b * sigma * sigma / ((1.0 - gamma) * (2.0 - b * (1.0 - gamma)))

/// Stationary variance of VI (beta = 1), sigma^2 / (1 - gamma^2) (docs/planning.md, result 4).
let stationaryVarianceVi (gamma: float) (sigma: float) =
    Contraction.validate gamma infinity
    sigma * sigma / (1.0 - gamma * gamma)
