/// Error bound of PVI under bounded noise (docs/planning.md, result 3).
module Research.Theory.NoiseBound

/// Bound on ||v_K - v*||_inf after K noisy PVI steps (docs/planning.md, result 3):
/// rho^K e0 + (1 - rho^K) e / (1 - gamma), with rho = `Contraction.pviModulus gamma c`.
/// Assumptions: the noise is added to the target, ||eps_k||_inf <= e for every k (any sign pattern,
/// adversarial included), e0 = ||v_0 - v*||_inf, 0 <= gamma < 1, c > 0 (infinity = VI), K >= 0.
/// (The noise enters as beta eps_k; summing the geometric series gives beta e / (1 - rho)
/// = e / (1 - gamma) in the limit.)
let afterSteps (gamma: float) (c: float) (iterations: int) (e0: float) (noiseBound: float) =
    if iterations < 0 then invalidArg "iterations" $"iterations is %d{iterations}; allowed: >= 0"
    if not (e0 >= 0.0) then invalidArg "e0" $"e0 is %g{e0}; allowed: >= 0"
    if not (noiseBound >= 0.0) then invalidArg "noiseBound" $"noise bound is %g{noiseBound}; allowed: >= 0"
    let rhoK = pown (Contraction.pviModulus gamma c) iterations
    rhoK * e0 + (1.0 - rhoK) * noiseBound / (1.0 - gamma)

/// The same bound for PMPI(m), whose target is a gamma^m-contraction (docs/planning.md, results 2-3):
/// rho_m^K e0 + (1 - rho_m^K) beta e / (1 - rho_m), rho_m = `Contraction.pmpiModulus gamma c m`.
/// For m = 1 this equals `afterSteps`. Same assumptions as `afterSteps`, plus m >= 1.
let afterStepsPmpi (gamma: float) (c: float) (m: int) (iterations: int) (e0: float) (noiseBound: float) =
    if iterations < 0 then invalidArg "iterations" $"iterations is %d{iterations}; allowed: >= 0"
    let rho = Contraction.pmpiModulus gamma c m
    let rhoK = pown rho iterations
    rhoK * e0 + (1.0 - rhoK) * Contraction.beta c * noiseBound / (1.0 - rho)
