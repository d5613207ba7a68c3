namespace Research.DeepAgents.Environments;

/// <summary>
/// Options for <see cref="EnvironmentFactory.Create"/>. MinAtar uses all of them (docs/environments.md,
/// "MinAtar"); CartPole uses only <paramref name="Seed"/> (it has no sticky actions, ramping or
/// minimal set; the other values are validated and otherwise ignored).
/// </summary>
/// <param name="Seed">Seed of the environment's random stream,
/// 0..2^31-1 (numpy's <c>RandomState(seed)</c>).</param>
/// <param name="StickyActionProbability">Probability in [0, 1] of
/// repeating the previous executed action (default 0.1).</param>
/// <param name="DifficultyRamping">MinAtar difficulty ramping (default on).</param>
/// <param name="MinimalActions">Act over the game's minimal action set
/// instead of all 6 actions (default off, as in published baselines).</param>
public sealed record EnvironmentOptions(
    int Seed = 0,
    double StickyActionProbability = 0.1,
    bool DifficultyRamping = true,
    bool MinimalActions = false)
{
    /// <summary>The defaults: seed 0, sticky 0.1, ramping on, full action set.</summary>
    public static EnvironmentOptions Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming
    /// the field, the value and what is allowed.</summary>
    public void Validate()
    {
        if (Seed < 0)
            throw new ArgumentException($"EnvironmentOptions.Seed must be >= 0, got {Seed}.", nameof(Seed));
        if (!(StickyActionProbability >= 0.0 && StickyActionProbability <= 1.0))
            throw new ArgumentException(
                $"EnvironmentOptions.StickyActionProbability must be in [0, 1], got {StickyActionProbability}.",
                nameof(StickyActionProbability));
    }
}
