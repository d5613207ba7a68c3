namespace Research.DeepAgents.Optimization;

/// <summary>
/// A first-order optimizer over a network's parameters. Typical update:
/// <c>ZeroGrad(); loss.backward(); Step();</c>. State (moments, step count) round-trips exactly
/// through <see cref="Save"/> / <see cref="Load"/>.
/// </summary>
public interface IOptimizer
{
    /// <summary>The base learning rate alpha (not a bias-corrected step size).</summary>
    double LearningRate { get; }

    /// <summary>Number of <see cref="Step"/> calls so far.</summary>
    long StepCount { get; }

    /// <summary>Updates the parameters from their current gradients.</summary>
    void Step();

    /// <summary>Sets all gradients to zero in place.</summary>
    void ZeroGrad();

    /// <summary>Writes the optimizer state (kind, step count, moment buffers).</summary>
    void Save(BinaryWriter writer);

    /// <summary>Reads state written by <see cref="Save"/>
    /// of an optimizer of the same kind and size.</summary>
    void Load(BinaryReader reader);
}
