/// Finite MDPs (spec: planning-theory.md, "Setting").
module Research.Tabular.Mdp

/// A finite MDP with S states and A actions: rewards R[s,a], transitions P[s,a,s'], discount gamma.
type Mdp =
    { States: int
      Actions: int
      Gamma: float
      Rewards: float[,]
      Transitions: float[,,] }
