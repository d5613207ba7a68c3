using Research.DeepAgents.Configuration;
using Research.DeepAgents.Environments;
using Research.DeepAgents.Parameters;

namespace Research.DeepAgents.Networks.Backprop;

/// <summary>
/// A 3x3, stride-1 convolution as a network's first layer, followed by ReLU and an NCHW flatten:
/// <c>z[o, i, j] = b[o] + sum_{c, ky, kx} W[o, c, ky, kx] x[c, i + ky - pad, j + kx - pad]</c>
/// (PyTorch's cross-correlation; <c>pad</c> = 0 is 'valid', 1 is 'same' for a 3x3 kernel).
/// </summary>
/// <param name="Channels">Input channels C.</param>
/// <param name="Filters">Output channels O.</param>
/// <param name="Height">Input height H.</param>
/// <param name="Width">Input width W.</param>
/// <param name="Padding">Zero padding on every side: 0 (valid) or 1 (same).</param>
/// <param name="Weight">Where W [O, C, 3, 3] lives in the flat buffers.</param>
/// <param name="Bias">Where b [O] lives in the flat buffers.</param>
public sealed record ConvStage(int Channels, int Filters, int Height, int Width, int Padding, ParameterSegment Weight, ParameterSegment Bias)
{
    /// <summary>Output height H + 2 pad - 2.</summary>
    public int OutHeight => Height + 2 * Padding - 2;
    /// <summary>Output width W + 2 pad - 2.</summary>
    public int OutWidth => Width + 2 * Padding - 2;
    /// <summary>Output positions per filter.</summary>
    public int Positions => OutHeight * OutWidth;
    /// <summary>Length of the flattened output, O * positions.</summary>
    public int Features => Filters * Positions;
    /// <summary>Scalars per input observation, C H W.</summary>
    public int InputSize => Channels * Height * Width;
}

/// <summary>A dense layer <c>z = x W^T + b</c> with W
/// [Outputs, Inputs], optionally followed by ReLU.</summary>
/// <param name="Inputs">Input width.</param>
/// <param name="Outputs">Output width.</param>
/// <param name="Relu">ReLU after the layer (every layer but the output head).</param>
/// <param name="Weight">Where W lives in the flat buffers.</param>
/// <param name="Bias">Where b lives in the flat buffers.</param>
public sealed record DenseStage(int Inputs, int Outputs, bool Relu, ParameterSegment Weight, ParameterSegment Bias);

/// <summary>
/// The layer structure of a Q-network that the hand-derived forward/backward kernels
/// (<see cref="FeedForward"/>) can run: an optional first <see cref="ConvStage"/>, then dense layers with
/// ReLU between them and a plain linear head with one Q-value per action. This covers the MinAtar reference
/// net (conv valid, 128, head), Dopamine's MinAtar net (conv same, head) and the MLP; other networks
/// (Nature CNN, distributional, dueling or noisy heads, pixel inputs) train through autograd.
/// </summary>
/// <param name="Conv">The first convolution, or null for an MLP.</param>
/// <param name="Dense">The dense layers in order; the last is the head (no ReLU).</param>
/// <param name="InputSize">Scalars per observation.</param>
public sealed record LayerPlan(ConvStage? Conv, IReadOnlyList<DenseStage> Dense, int InputSize)
{
    /// <summary>Q-values per observation (the head's width).</summary>
    public int Actions => Dense[^1].Outputs;

    /// <summary>Null when the hand-derived kernels can run
    /// <paramref name="spec"/>; otherwise why not (one phrase).</summary>
    public static string? Unsupported(NetworkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Kind is not (NetworkKind.MinAtarReference or NetworkKind.DopamineMinAtar or NetworkKind.Mlp))
            return $"network {spec.Kind} (supported: MinAtarReference, DopamineMinAtar, Mlp)";
        if (spec.Atoms != 1) return $"a distributional head ({spec.Atoms} atoms)";
        if (spec.Dueling) return "a dueling head";
        if (spec.Noisy) return "noisy layers";
        if (spec.Observation.Kind == ObservationKind.Pixels) return "pixel observations (scaled by 1/255 inside the network)";
        return null;
    }

    /// <summary>
    /// The plan of <paramref name="network"/>, read from its flat parameter segments (named_parameters order:
    /// each layer's weight, then its bias); null when <see cref="Unsupported"/> says so.
    /// </summary>
    /// <exception cref="InvalidOperationException">The parameters
    /// do not have the shapes the architecture implies.</exception>
    public static LayerPlan? For(QNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var spec = network.Spec;
        if (Unsupported(spec) is not null) return null;
        var segments = network.Flat.Segments;
        var o = spec.Observation;
        int next = 0;
        ConvStage? conv = null;
        if (spec.Kind != NetworkKind.Mlp)
        {
            var pad = spec.Kind == NetworkKind.DopamineMinAtar ? 1 : 0;
            var w = Expect(segments, next++, network);
            var b = Expect(segments, next++, network);
            if (w.Shape is not [var filters, var channels, 3, 3] || channels != o.Channels || b.Count != filters)
                throw Mismatch(network, w);
            conv = new ConvStage(o.Channels, (int)filters, o.Height, o.Width, pad, w, b);
        }
        var dense = new List<DenseStage>();
        long width = conv?.Features ?? o.Size;
        while (next < segments.Count)
        {
            var w = Expect(segments, next++, network);
            var b = Expect(segments, next++, network);
            if (w.Shape is not [var outputs, var inputs] || inputs != width || b.Count != outputs) throw Mismatch(network, w);
            dense.Add(new DenseStage((int)inputs, (int)outputs, Relu: next < segments.Count, w, b));
            width = outputs;
        }
        if (dense.Count == 0 || width != spec.Actions) throw new InvalidOperationException($"{network.GetType().Name} does not end in a linear head of {spec.Actions} actions.");
        return new LayerPlan(conv, dense, o.Size);
    }

    static ParameterSegment Expect(IReadOnlyList<ParameterSegment> segments, int index, QNetwork network) =>
        index < segments.Count ? segments[index] : throw new InvalidOperationException($"{network.GetType().Name} has fewer parameter tensors than its layers need.");

    static InvalidOperationException Mismatch(QNetwork network, ParameterSegment segment) =>
        new($"{network.GetType().Name}: parameter {segment.Name} has shape [{string.Join(", ", segment.Shape)}], which does not fit its layer plan.");
}
