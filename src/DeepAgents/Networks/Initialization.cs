using TorchSharp;
using static TorchSharp.torch;

namespace Research.DeepAgents.Networks;

/// <summary>How a network's weights and biases are drawn at
/// construction (always from a seeded generator).</summary>
public enum Initialization
{
    /// <summary>
    /// PyTorch's defaults for Conv2d and Linear (the MinAtar reference DQN): kaiming_uniform with
    /// a = sqrt(5) for weights and U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for biases, which both reduce
    /// to U(-b, b) with b = 1/sqrt(fan_in).
    /// </summary>
    TorchDefault,

    /// <summary>
    /// Glorot (Xavier) uniform weights U(-b, b), b = sqrt(6 / (fan_in + fan_out)), zero biases: the
    /// Keras default used by Dopamine's NatureDQNNetwork (no kernel_initializer given, atari_lib.py)
    /// and flax's <c>xavier_uniform</c> used by Dopamine's MinatarDQNNetwork (minatar_env.py).
    /// </summary>
    GlorotUniform,

    /// <summary>
    /// Keras <c>VarianceScaling(scale = 1/sqrt(3), mode = 'fan_in', distribution = 'uniform')</c>:
    /// U(-b, b), b = sqrt(3 * scale / fan_in), zero biases. Dopamine's RainbowNetwork and
    /// ImplicitQuantileNetwork (atari_lib.py) use it.
    /// </summary>
    DopamineVarianceScaling,
}

/// <summary>Draws one layer's parameters according to an <see cref="Initialization"/>.</summary>
public static class LayerInitializer
{
    /// <summary>
    /// Fills <paramref name="weight"/> ([out, in] or [out, in, kh, kw]) and <paramref name="bias"/>
    /// in place from <paramref name="generator"/>. fan_in = in * kh * kw, fan_out = out * kh * kw.
    /// </summary>
    public static void Initialize(Tensor weight, Tensor? bias, Initialization scheme, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(generator);
        var (fanIn, fanOut) = Fans(weight);
        using var _ = no_grad();
        switch (scheme)
        {
            case Initialization.TorchDefault:
            {
                var b = 1.0 / Math.Sqrt(fanIn);
                weight.uniform_(-b, b, generator);
                bias?.uniform_(-b, b, generator);
                break;
            }
            case Initialization.GlorotUniform:
            {
                var b = Math.Sqrt(6.0 / (fanIn + fanOut));
                weight.uniform_(-b, b, generator);
                if (bias is not null) bias.zero_();
                break;
            }
            case Initialization.DopamineVarianceScaling:
            {
                var b = Math.Sqrt(3.0 * (1.0 / Math.Sqrt(3.0)) / fanIn);
                weight.uniform_(-b, b, generator);
                if (bias is not null) bias.zero_();
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(scheme), scheme,
                    "Initialization must be TorchDefault, GlorotUniform or DopamineVarianceScaling.");
        }
    }

    /// <summary>fan_in and fan_out of a weight tensor shaped [out, in, (kernel dims...)].</summary>
    public static (long FanIn, long FanOut) Fans(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.dim() < 2)
            throw new ArgumentException($"weight must have at least 2 dimensions, got shape [{string.Join(", ", weight.shape)}].", nameof(weight));
        long receptive = 1;
        for (var d = 2; d < weight.dim(); d++) receptive *= weight.shape[d];
        return (weight.shape[1] * receptive, weight.shape[0] * receptive);
    }
}
