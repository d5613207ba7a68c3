using Research.DeepAgents.Networks.Layers;
using static TorchSharp.torch;

namespace Research.DeepAgents.Networks;

/// <summary>
/// The output layer of a Q-network from a feature vector to <see cref="NetworkSpec.Outputs"/>:
/// a plain linear layer (initialised later with the network's other layers, so plain networks are unchanged),
/// or, with <see cref="NetworkSpec.Dueling"/> / <see cref="NetworkSpec.Noisy"/>, a dueling and/or noisy head
/// built and initialised here from its own generator (seeded
/// from the network seed) — the "full Rainbow" options.
/// </summary>
public static class OutputHead
{
    /// <summary>Whether <paramref name="spec"/> asks for more than a plain linear output layer.</summary>
    public static bool IsSpecial(NetworkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Dueling || spec.Noisy;
    }

    /// <summary>
    /// The head for <paramref name="spec"/>: <c>nn.Linear(features, Outputs)</c> (not initialised) when
    /// plain; otherwise a <see cref="DuelingHead"/> (noisy streams when <c>Noisy</c>) or a
    /// <see cref="NoisyLinear"/>, initialised from a generator
    /// seeded with <paramref name="seed"/> XOR a constant.
    /// </summary>
    public static nn.Module<Tensor, Tensor> Create(NetworkSpec spec, long features, long seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!IsSpecial(spec)) return nn.Linear(features, spec.Outputs);
        using var generator = new Generator(unchecked((ulong)seed ^ 0x6F75747075744865UL), CPU); // "outputHe"
        if (spec.Dueling)
            return DuelingHead.Linear(features, spec.Actions, spec.Atoms, generator, spec.Noisy, spec.ResolvedInitialization, spec.NoisySigma0);
        return new NoisyLinear(features, spec.Outputs, generator, spec.NoisySigma0, "head");
    }
}
