/// Contraction moduli of proximal value iteration (spec: planning-theory.md, result 2).
module Research.Theory.Contraction

/// beta = c / (1 + c): the weight PVI puts on the new target (c = infinity gives beta = 1, i.e. VI).
let beta (c: float) = if System.Double.IsPositiveInfinity c then 1.0 else c / (1.0 + c)

/// Sup-norm contraction modulus of PVI: rho = 1 - beta (1 - gamma) = (1 + c gamma) / (1 + c).
/// Assumes 0 <= gamma < 1 and c > 0 (c = infinity gives gamma, plain VI).
let pviModulus (gamma: float) (c: float) = 1.0 - beta c * (1.0 - gamma)
