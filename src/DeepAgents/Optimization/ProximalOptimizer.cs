using Research.DeepAgents.Parameters;

namespace Research.DeepAgents.Optimization;

/// <summary>
/// Steps 4 and 5 of Algorithm 1 as one optimizer: <see cref="Step"/> is <c>pull.Apply(); inner.Step()</c>,
/// the order <c>DqnAgent.ProximalUpdate</c> writes out (docs/proximal-updates.md, "The update"), and runs
/// both in one pass when the inner CPU kernel can take the pull (<see cref="IPullFusingOptimizer"/>): the
/// fused DQN update's accelerator. Everything else (zeroing, state, learning rate) is the inner optimizer's.
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
        // One pass for pull + step when the inner kernel updates exactly the buffer the pull moves.
        _fused = !pull.IsIdentity && inner is IPullFusingOptimizer { CanFusePull: true } f
            && pull.FlatOnline is { } w && pull.FlatTarget is { } theta && TensorSpans.Applies(w) && TensorSpans.Applies(theta)
            && TensorSpans.Address(f.ParameterValues) == TensorSpans.Address(w) && f.ParameterValues.numel() == w.numel();
    }

    private readonly bool _fused;

    /// <summary>
    /// Whether <see cref="Step"/> runs pull and step as one pass (<see cref="IPullFusingOptimizer"/>).
    /// </summary>
    internal bool FusesPull => _fused;

    /// <summary>The wrapped optimizer.</summary>
    public IOptimizer Inner { get; }

    /// <summary>The pull applied before each step.</summary>
    public ProximalPull Pull { get; }

    /// <inheritdoc />
    public double LearningRate => Inner.LearningRate;

    /// <inheritdoc />
    public long StepCount => Inner.StepCount;

    /// <summary>
    /// Pull toward the target, then the inner step. When the inner optimizer's CPU kernel can take the pull
    /// (<see cref="IPullFusingOptimizer"/>) both happen in one pass over the parameters, with the same bits.
    /// </summary>
    public void Step()
    {
        if (_fused)
        {
            ((IPullFusingOptimizer)Inner).StepWithPull(TensorSpans.Span(Pull.FlatTarget!), (float)Pull.Mu);
            return;
        }
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
