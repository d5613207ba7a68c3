using Research.DeepAgents.Configuration;
using Research.DeepAgents.Environments;

namespace Research.DeepAgents.Networks;

/// <summary>
/// Everything that determines a Q-network's architecture and initialisation (not its weights: those
/// come from the seed). Output: Q-values [B, Actions], or logits [B, Actions, Atoms] when Atoms &gt; 1.
/// </summary>
/// <param name="Kind">The architecture.</param>
/// <param name="Observation">Input shape; Pixels observations are divided by 255 inside the network.</param>
/// <param name="Actions">Number of actions (output heads).</param>
/// <param name="Atoms">Atoms per action for distributional heads (C51); 1 for plain Q-values.</param>
/// <param name="Initialization">Weight initialisation; null = the architecture's reference default
/// (<see cref="DefaultInitialization"/>).</param>
/// <param name="Hidden">Hidden layer widths for <see cref="NetworkKind.Mlp"/>;
/// null = [64, 64]. Ignored by the others.</param>
/// <param name="Dueling">Replace the output layer by a dueling head
/// (<see cref="Layers.DuelingHead"/>: Q = V + A - mean_a A, per atom).</param>
/// <param name="Noisy">Make the output layer(s) factorised-noise layers
/// (<see cref="Layers.NoisyLinear"/>).</param>
/// <param name="NoisySigma0">sigma_0 of the noisy layers (0.5, Fortunato et al.).</param>
public sealed record NetworkSpec(
    NetworkKind Kind,
    ObservationSpec Observation,
    int Actions,
    int Atoms = 1,
    Initialization? Initialization = null,
    IReadOnlyList<int>? Hidden = null,
    bool Dueling = false,
    bool Noisy = false,
    double NoisySigma0 = Layers.NoisyLinear.DefaultSigma0)
{
    /// <summary>Default hidden widths of the MLP.</summary>
    public static IReadOnlyList<int> DefaultMlpHidden { get; } = [64, 64];

    /// <summary>
    /// The reference initialisation per architecture: MinAtar reference and MLP = PyTorch defaults;
    /// Dopamine MinAtar and Nature CNN = Glorot uniform with zero biases (Dopamine's Keras / flax defaults).
    /// </summary>
    public static Initialization DefaultInitialization(NetworkKind kind) => kind switch
    {
        NetworkKind.MinAtarReference or NetworkKind.Mlp => Networks.Initialization.TorchDefault,
        NetworkKind.DopamineMinAtar or NetworkKind.NatureCnn => Networks.Initialization.GlorotUniform,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "NetworkKind must be MinAtarReference, DopamineMinAtar, NatureCnn or Mlp."),
    };

    /// <summary>The initialisation actually used (<see cref="Initialization"/> or the default).</summary>
    public Initialization ResolvedInitialization => Initialization ?? DefaultInitialization(Kind);

    /// <summary>The hidden widths actually used by the MLP.</summary>
    public IReadOnlyList<int> ResolvedHidden => Hidden ?? DefaultMlpHidden;

    /// <summary>Number of output units: Actions * Atoms.</summary>
    public int Outputs => Actions * Atoms;

    /// <summary>Checks every field; throws <see cref="ArgumentException"/>
    /// naming the field, value and allowed range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind))
            throw new ArgumentException($"Kind = {Kind} is not a network kind; allowed: MinAtarReference, DopamineMinAtar, NatureCnn, Mlp.", nameof(Kind));
        ArgumentNullException.ThrowIfNull(Observation);
        if (Observation.Channels < 1 || Observation.Height < 1 || Observation.Width < 1)
            throw new ArgumentException(
                $"Observation = [{Observation.Channels}, {Observation.Height}, {Observation.Width}] must have positive channels, height and width.", nameof(Observation));
        if (Actions < 1)
            throw new ArgumentException($"Actions = {Actions} must be at least 1.", nameof(Actions));
        if (Atoms < 1)
            throw new ArgumentException($"Atoms = {Atoms} must be at least 1 (1 = plain Q-values).", nameof(Atoms));
        if (Initialization is { } init && !Enum.IsDefined(init))
            throw new ArgumentException($"Initialization = {init} is not defined; allowed: TorchDefault, GlorotUniform, DopamineVarianceScaling.", nameof(Initialization));
        if (Kind == NetworkKind.MinAtarReference && (Observation.Height < 3 || Observation.Width < 3))
            throw new ArgumentException(
                $"Observation = {Observation.Height}x{Observation.Width} is too small for MinAtarReference's unpadded 3x3 convolution (needs at least 3x3).", nameof(Observation));
        if (!(NoisySigma0 > 0) || !double.IsFinite(NoisySigma0))
            throw new ArgumentException($"NoisySigma0 = {NoisySigma0} must be a finite number > 0.", nameof(NoisySigma0));
        if (Kind == NetworkKind.Mlp)
        {
            foreach (var width in ResolvedHidden)
                if (width < 1)
                    throw new ArgumentException($"Hidden = [{string.Join(", ", ResolvedHidden)}] must contain only positive widths.", nameof(Hidden));
        }
    }
}
