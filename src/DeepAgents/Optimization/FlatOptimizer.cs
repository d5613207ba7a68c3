using Research.DeepAgents.Parameters;
using static TorchSharp.torch;

namespace Research.DeepAgents.Optimization;

/// <summary>
/// What <see cref="Adam"/> and <see cref="RmsProp"/> share over a <see cref="FlatParameters"/> buffer: the
/// choice between the fused CPU pass (<see cref="FusedKernels"/>) and tensor operations, the state slots
/// (saved in the order they were made, <see cref="OptimizerState"/>), the step count, and the step's checks.
/// The optimizer itself only says how one step updates w and its slots, on each path.
/// </summary>
public abstract class FlatOptimizer : IPullFusingOptimizer, IDisposable
{
    private readonly string kind;
    private readonly List<Tensor> slots = [];
    private readonly List<IDisposable> owned = [];

    /// <summary>Validates <paramref name="config"/> and binds to <paramref name="parameters"/>;
    /// <paramref name="forceTensorOps"/> disables the fused CPU path (tests compare both).
    /// <paramref name="kind"/> tags the saved state.</summary>
    private protected FlatOptimizer(string kind, OptimizerConfig config, FlatParameters parameters, bool forceTensorOps)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parameters);
        config.Validate();
        this.kind = kind;
        LearningRate = config.LearningRate;
        Parameters = parameters;
        Fused = !forceTensorOps && TensorSpans.Applies(parameters.Values) && TensorSpans.Applies(parameters.Gradients);
    }

    /// <summary>The flat parameters and gradients the optimizer updates.</summary>
    private protected FlatParameters Parameters { get; }

    /// <summary>Whether steps take the fused CPU pass.</summary>
    private protected bool Fused { get; }

    /// <inheritdoc />
    public double LearningRate { get; }

    /// <inheritdoc />
    public long StepCount { get; private set; }

    /// <inheritdoc />
    public bool CanFusePull => Fused;

    Tensor IPullFusingOptimizer.ParameterValues => Parameters.Values;

    void IPullFusingOptimizer.StepWithPull(ReadOnlySpan<float> theta, float mu) => Step(theta, mu);

    /// <inheritdoc />
    public void Step() => Step(default, 0f);

    private void Step(ReadOnlySpan<float> pullTarget, float mu)
    {
        if (!pullTarget.IsEmpty && !Fused) throw new InvalidOperationException("the pull can only be fused into the CPU kernel.");
        Parameters.EnsureGradientsBound();
        var t = StepCount + 1;
        if (Fused) FusedStep(t, pullTarget, mu);
        else
        {
            using (no_grad()) TensorStep(t);
        }
        StepCount = t;
    }

    /// <summary>Step <paramref name="t"/> (from 1) as one fused pass; with a pull target each element is
    /// first pulled by <paramref name="mu"/> (<see cref="IPullFusingOptimizer.StepWithPull"/>).</summary>
    private protected abstract void FusedStep(long t, ReadOnlySpan<float> pullTarget, float mu);

    /// <summary>Step <paramref name="t"/> (from 1) as tensor operations (no autograd).</summary>
    private protected abstract void TensorStep(long t);

    /// <summary>A state slot shaped like the parameters, filled with <paramref name="initial"/>; saved and
    /// loaded with the state, in the order of the calls.</summary>
    private protected Tensor Slot(double initial)
    {
        var slot = Own(full_like(Parameters.Values, initial));
        slots.Add(slot);
        return slot;
    }

    /// <summary>Disposes <paramref name="resource"/> with the optimizer.</summary>
    private protected T Own<T>(T resource) where T : IDisposable
    {
        owned.Add(resource);
        return resource;
    }

    /// <inheritdoc />
    public void ZeroGrad() => Parameters.ZeroGrad();

    /// <inheritdoc />
    public void Save(BinaryWriter writer) => OptimizerState.Write(writer, kind, StepCount, [.. slots]);

    /// <inheritdoc />
    public void Load(BinaryReader reader) => StepCount = OptimizerState.Read(reader, kind, [.. slots]);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var resource in owned) resource.Dispose();
        owned.Clear();
        GC.SuppressFinalize(this);
    }
}
