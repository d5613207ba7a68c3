namespace Research.DeepAgents.Configuration;

/// <summary>
/// Which linear epsilon schedule an agent follows while training (docs/agents.md, "Exploration").
/// </summary>
public enum EpsilonScheduleKind
{
    /// <summary>
    /// MinAtar's examples/dqn.py: uniformly random actions for the first <c>warmup</c> steps, then epsilon
    /// falls linearly from <c>start</c> to <c>end</c> over <c>decay</c> steps and stays at <c>end</c>.
    /// </summary>
    MinAtarReference,

    /// <summary>
    /// Dopamine's <c>linearly_decaying_epsilon(decay_period, step, warmup_steps, epsilon)</c>: 1 during
    /// warm-up, then linear from 1 to <c>epsilon</c> over <c>decay_period</c> steps. Evaluated at Dopamine's
    /// <c>training_steps</c>, which is the 1-based index of the step being taken.
    /// </summary>
    DopamineLinear,
}
