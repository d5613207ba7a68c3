namespace Research.DeepAgents.Optimization;

/// <summary>
/// Any optimizer made "Pro": <see cref="Step"/> first applies the <see cref="ProximalPull"/>
/// (w &lt;- (1 - mu) w + mu theta) and then the inner optimizer's step with the gradient already
/// computed at the un-pulled w (spec proximal-updates.md, "The update"). Everything else
/// (zeroing, state, learning rate) is the inner optimizer's.
/// </summary>
public sealed class ProximalOptimizer : IOptimizer
{
    /// <summary>Wraps <paramref name="inner"/>; the pull's learning rate must equal the inner one.</summary>
    /// <exception cref="ArgumentException">The pull was built for a different learning rate.</exception>
    public ProximalOptimizer(IOptimizer inner, ProximalPull pull)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(pull);
        if (pull.LearningRate != inner.LearningRate)
            throw new ArgumentException(
                $"pull learning rate {pull.LearningRate} differs from the optimizer's {inner.LearningRate}; mu = alpha / cTilde must use the optimizer's base learning rate.", nameof(pull));
        Inner = inner;
        Pull = pull;
    }

    /// <summary>The wrapped optimizer.</summary>
    public IOptimizer Inner { get; }

    /// <summary>The pull applied before each step.</summary>
    public ProximalPull Pull { get; }

    /// <inheritdoc />
    public double LearningRate => Inner.LearningRate;

    /// <inheritdoc />
    public long StepCount => Inner.StepCount;

    /// <summary>Pull toward the target, then the inner step.</summary>
    public void Step()
    {
        Pull.Apply();
        Inner.Step();
    }

    /// <inheritdoc />
    public void ZeroGrad() => Inner.ZeroGrad();

    /// <inheritdoc />
    public void Save(BinaryWriter writer) => Inner.Save(writer);

    /// <inheritdoc />
    public void Load(BinaryReader reader) => Inner.Load(reader);
}
