using Research.DeepAgents.Configuration;
using Research.DeepAgents.Environments;

namespace Research.DeepAgents.Networks;

/// <summary>Builds Q-networks from a <see cref="NetworkSpec"/> and a
/// seed (deterministic: same spec and seed, same weights).</summary>
public static class QNetworkFactory
{
    /// <summary>Builds the network described by <paramref name="spec"/>,
    /// initialised from <paramref name="seed"/>.</summary>
    public static QNetwork Create(NetworkSpec spec, long seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        return spec.Kind switch
        {
            NetworkKind.MinAtarReference => new MinAtarReferenceNetwork(spec, seed),
            NetworkKind.DopamineMinAtar => new DopamineMinAtarNetwork(spec, seed),
            NetworkKind.NatureCnn => new NatureCnn(spec, seed),
            NetworkKind.Mlp => new MlpNetwork(spec, seed),
            _ => throw new ArgumentException($"Kind = {spec.Kind} is not a network kind; allowed: MinAtarReference, DopamineMinAtar, NatureCnn, Mlp.", nameof(spec)),
        };
    }

    /// <summary>Convenience overload of <see cref="Create(NetworkSpec, long)"/>.</summary>
    public static QNetwork Create(NetworkKind kind, ObservationSpec observation, int actions, long seed, int atoms = 1,
        Initialization? initialization = null, IReadOnlyList<int>? hidden = null,
        bool dueling = false, bool noisy = false, double noisySigma0 = Layers.NoisyLinear.DefaultSigma0) =>
        Create(new NetworkSpec(kind, observation, actions, atoms, initialization, hidden, dueling, noisy, noisySigma0), seed);

    /// <summary>
    /// A target network for <paramref name="online"/>: same architecture, parameters copied
    /// (theta = w, Algorithm 1's start), gradients off, in eval mode.
    /// </summary>
    public static QNetwork CreateTarget(QNetwork online)
    {
        ArgumentNullException.ThrowIfNull(online);
        var target = Create(online.Spec, seed: 0);
        TargetNetwork.Freeze(target);
        TargetNetwork.HardCopy(online, target);
        return target;
    }

    /// <summary>
    /// A target network initialised independently from <paramref name="seed"/>, not copied from the
    /// online network: the released DQN Pro code's behaviour (its first target period pulls toward a
    /// random network). Only for that compatibility switch; see <see cref="CreateTarget(QNetwork)"/>.
    /// </summary>
    public static QNetwork CreateIndependentTarget(QNetwork online, long seed)
    {
        ArgumentNullException.ThrowIfNull(online);
        var target = Create(online.Spec, seed);
        TargetNetwork.Freeze(target);
        return target;
    }
}
