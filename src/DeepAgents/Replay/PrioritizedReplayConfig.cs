namespace Research.DeepAgents.Replay;

/// <summary>
/// Prioritized replay settings (Schaul et al. 2016; Dopamine's Rainbow; docs/agents.md,
/// "Prioritized replay"). Priorities p_i = (loss_i + <paramref name="PriorityOffset"/>)^alpha; sampling
/// probability P(i) = p_i / sum_j p_j (stratified); loss weights w_i = (P(i) +
/// <paramref name="ProbabilityOffset"/>)^(-beta) divided by the batch maximum. Schaul's (N P(i))^(-beta) /
/// max differs only by the factor N^(-beta), which the normalisation cancels. Dopamine: alpha = beta = 0.5
/// (priority sqrt(loss + 1e-10), weights 1/sqrt(P + 1e-10)) and fixed beta (no annealing).
/// </summary>
/// <param name="Prioritized">Sample by priority and update priorities from losses. False: priorities are
/// never updated, so every item keeps priority 1 and sampling is stratified uniform with all weights 1 — what
/// the released Rainbow Pro code actually did (its priority update never ran).</param>
/// <param name="Alpha">Priority exponent alpha in [0, 1] (0.5 in Dopamine, applied as a square root).</param>
/// <param name="Beta">Importance-sampling exponent beta in [0, 1] (0.5 in Dopamine).</param>
/// <param name="PriorityOffset">Added to the loss before the
/// exponent so no priority is 0 (1e-10 in Dopamine).</param>
/// <param name="ProbabilityOffset">Added to P(i) in the
/// weights so none divides by 0 (1e-10 in Dopamine).</param>
public sealed record PrioritizedReplayConfig(
    bool Prioritized = true,
    double Alpha = 0.5,
    double Beta = 0.5,
    double PriorityOffset = 1e-10,
    double ProbabilityOffset = 1e-10)
{
    /// <summary>Dopamine's Rainbow: prioritized, alpha = beta = 0.5, offsets 1e-10.</summary>
    public static PrioritizedReplayConfig Dopamine { get; } = new();

    /// <summary>The released Rainbow Pro code's behaviour: stratified uniform sampling, weights 1.</summary>
    public static PrioritizedReplayConfig Uniform { get; } = new(Prioritized: false);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (!(Alpha >= 0 && Alpha <= 1))
            throw new ArgumentException($"Alpha = {Alpha} must be in [0, 1].", nameof(Alpha));
        if (!(Beta >= 0 && Beta <= 1))
            throw new ArgumentException($"Beta = {Beta} must be in [0, 1].", nameof(Beta));
        if (!(PriorityOffset >= 0) || !double.IsFinite(PriorityOffset))
            throw new ArgumentException($"PriorityOffset = {PriorityOffset} must be a finite number >= 0.", nameof(PriorityOffset));
        if (!(ProbabilityOffset >= 0) || !double.IsFinite(ProbabilityOffset))
            throw new ArgumentException($"ProbabilityOffset = {ProbabilityOffset} must be a finite number >= 0.", nameof(ProbabilityOffset));
    }
}
