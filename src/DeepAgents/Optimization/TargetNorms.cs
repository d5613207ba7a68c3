using static TorchSharp.torch;

namespace Research.DeepAgents.Optimization;

/// <summary>A detached copy of a network's named parameters (e.g. the target theta_k at a refresh).</summary>
public sealed class ParameterSnapshot : IDisposable
{
    private readonly (string Name, Tensor Value)[] entries;

    private ParameterSnapshot((string, Tensor)[] entries) => this.entries = entries;

    /// <summary>Copies every named parameter of <paramref name="module"/>.</summary>
    public static ParameterSnapshot Take(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var _ = no_grad();
        return new ParameterSnapshot(module.named_parameters().Select(p => (p.name, p.parameter.detach().clone())).ToArray());
    }

    /// <summary>The copied tensors, in <c>named_parameters()</c> order.</summary>
    public IReadOnlyList<(string Name, Tensor Value)> Entries => entries;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (_, t) in entries) t.Dispose();
    }
}

/// <summary>Global and per-parameter L2 norms of theta_k - theta_{k-1}.</summary>
/// <param name="Global">||theta_k - theta_{k-1}||_2 over all parameters flattened into one vector.</param>
/// <param name="PerParameter">The same norm per named parameter
/// tensor, in <c>named_parameters()</c> order.</param>
public sealed record NormDifference(double Global, IReadOnlyList<(string Name, double Norm)> PerParameter);

/// <summary>
/// The paper's norm difference of consecutive target networks (docs/proximal-updates.md,
/// "Metrics"): at each refresh k, d_k = ||theta_k - theta_{k-1}||_2. Sums of squares are taken in
/// float64, so the global norm equals sqrt(sum of the squared per-parameter norms).
/// </summary>
public static class TargetNorms
{
    /// <summary>Norms of <paramref name="current"/> minus
    /// <paramref name="previous"/> (same names and shapes).</summary>
    public static NormDifference Difference(ParameterSnapshot previous, ParameterSnapshot current)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(current);
        return Difference(previous, current.Entries);
    }

    /// <summary>Norms of the parameters of <paramref name="current"/>
    /// minus <paramref name="previous"/>.</summary>
    public static NormDifference Difference(ParameterSnapshot previous, nn.Module current)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(current);
        return Difference(previous, current.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).ToArray());
    }

    private static NormDifference Difference(ParameterSnapshot previous, IReadOnlyList<(string Name, Tensor Value)> current)
    {
        var prev = previous.Entries;
        if (prev.Count != current.Count)
            throw new ArgumentException($"snapshot has {prev.Count} parameters, the current network {current.Count}.", nameof(current));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var perParameter = new (string, double)[prev.Count];
        double total = 0;
        for (var i = 0; i < prev.Count; i++)
        {
            var (name, before) = prev[i];
            var (currentName, after) = current[i];
            if (name != currentName || !before.shape.SequenceEqual(after.shape))
                throw new ArgumentException(
                    $"parameter {i} is {name} [{string.Join(", ", before.shape)}] in the snapshot and {currentName} [{string.Join(", ", after.shape)}] now.", nameof(current));
            var squares = (after.to(ScalarType.Float64) - before.to(ScalarType.Float64)).square().sum().item<double>();
            perParameter[i] = (name, Math.Sqrt(squares));
            total += squares;
        }
        return new NormDifference(Math.Sqrt(total), perParameter);
    }
}
