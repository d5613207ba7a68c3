using static TorchSharp.torch;

namespace Research.DeepAgents.Optimization;

/// <summary>
/// An optimizer whose one-pass CPU step can also apply the proximal pull, so that DQN Pro reads the target
/// parameters in the same pass instead of making a pass of its own (<see cref="ProximalOptimizer"/> uses it).
/// </summary>
internal interface IPullFusingOptimizer : IOptimizer
{
    /// <summary>True when <see cref="StepWithPull"/> can run (float32 contiguous CPU buffers).</summary>
    bool CanFusePull { get; }

    /// <summary>The flat parameter buffer the optimizer updates.</summary>
    Tensor ParameterValues { get; }

    /// <summary>
    /// Each parameter becomes w + mu (theta - w) and then takes the step with the gradient already computed
    /// at the un-pulled w: the same bits as <see cref="ProximalPull.Apply"/> followed by
    /// <see cref="IOptimizer.Step"/>. Only when <see cref="CanFusePull"/>.
    /// </summary>
    void StepWithPull(ReadOnlySpan<float> theta, float mu);
}
