using Research.DeepAgents.Networks;
using Research.DeepAgents.Parameters;
using static TorchSharp.torch;

namespace Research.DeepAgents.Optimization;

/// <summary>Builds optimizers from their configs.</summary>
public static class Optimizers
{
    /// <summary>Creates the optimizer described by <paramref name="config"/> over flat parameters.</summary>
    public static IOptimizer Create(OptimizerConfig config, FlatParameters parameters) =>
        Create(config, parameters, forceTensorOps: false);

    /// <summary>As <see cref="Create(OptimizerConfig, FlatParameters)"/>; <paramref name="forceTensorOps"/>
    /// (a test hook) builds the same optimizer without the fused CPU kernels.</summary>
    internal static IOptimizer Create(OptimizerConfig config, FlatParameters parameters, bool forceTensorOps)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config switch
        {
            AdamConfig adam => new Adam(adam, parameters, forceTensorOps),
            RmsPropConfig rms => new RmsProp(rms, parameters, forceTensorOps),
            _ => throw new ArgumentException($"optimizer config {config.GetType().Name} is not supported; allowed: AdamConfig, RmsPropConfig.", nameof(config)),
        };
    }

    /// <summary>
    /// Creates the optimizer for a network: a <see cref="QNetwork"/>'s own <see cref="QNetwork.Flat"/>
    /// buffers are used. Any other module is flattened here (once: do not flatten it again).
    /// </summary>
    public static IOptimizer Create(OptimizerConfig config, nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return Create(config, module is QNetwork q ? q.Flat : new FlatParameters(module));
    }
}
