using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.DeepAgents.Networks.Layers;

/// <summary>
/// A linear layer with factorised Gaussian noise (Fortunato et al., ICLR 2018, "Noisy Networks for
/// Exploration", section 3.2): <c>y = (mu_w + sigma_w ∘ eps_w) x + mu_b + sigma_b ∘ eps_b</c> with
/// <c>eps_w = f(eps_out) f(eps_in)^T</c> (rank 1),
/// <c>eps_b = f(eps_out)</c>, <c>f(x) = sign(x) sqrt(|x|)</c>,
/// <c>eps_in ~ N(0, I_p)</c>, <c>eps_out ~ N(0, I_q)</c>.
/// Initialisation (their section 3.2, factorised case), p
/// = input features: <c>mu ~ U[-1/sqrt(p), 1/sqrt(p)]</c>,
/// <c>sigma = sigma0 / sqrt(p)</c> with sigma0 = 0.5, for weights and biases.
/// <para>Noise is drawn only by <see cref="ResetNoise"/> from the caller's seeded generator (eps_in first,
/// then eps_out) and kept in buffers (<c>weight_epsilon</c>, <c>bias_epsilon</c>, not parameters) until the
/// next call. In eval mode (<c>eval()</c>) the layer is deterministic and uses the means only:
/// <c>y = mu_w x + mu_b</c> (as in the common Rainbow implementations; the paper's evaluation keeps sampling
/// noise; to do that, stay in training mode).</para>
/// Parameters: <c>weight_mu</c>, <c>weight_sigma</c> [out, in]; <c>bias_mu</c>, <c>bias_sigma</c> [out].
/// </summary>
public sealed class NoisyLinear : nn.Module<Tensor, Tensor>
{
    /// <summary>The paper's sigma0 for factorised noise.</summary>
    public const double DefaultSigma0 = 0.5;

    private readonly Parameter weight_mu, weight_sigma, bias_mu, bias_sigma;
    private readonly Tensor weight_epsilon, bias_epsilon;

    /// <summary>Creates the layer and initialises it (means, sigmas, then
    /// a first noise sample) from <paramref name="generator"/>.</summary>
    /// <exception cref="ArgumentException">A size is below 1 or sigma0 is negative or not finite.</exception>
    public NoisyLinear(long inFeatures, long outFeatures, Generator generator, double sigma0 = DefaultSigma0, string name = "NoisyLinear")
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (inFeatures < 1 || outFeatures < 1)
            throw new ArgumentException($"NoisyLinear needs inFeatures >= 1 and outFeatures >= 1, got {inFeatures} and {outFeatures}.");
        if (!(sigma0 >= 0 && double.IsFinite(sigma0)))
            throw new ArgumentException($"NoisyLinear sigma0 must be a finite number >= 0, got {sigma0}.", nameof(sigma0));
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Sigma0 = sigma0;
        weight_mu = new Parameter(empty(outFeatures, inFeatures));
        weight_sigma = new Parameter(empty(outFeatures, inFeatures));
        bias_mu = new Parameter(empty(outFeatures));
        bias_sigma = new Parameter(empty(outFeatures));
        weight_epsilon = zeros(outFeatures, inFeatures);
        bias_epsilon = zeros(outFeatures);
        register_parameter("weight_mu", weight_mu);
        register_parameter("weight_sigma", weight_sigma);
        register_parameter("bias_mu", bias_mu);
        register_parameter("bias_sigma", bias_sigma);
        register_buffer("weight_epsilon", weight_epsilon);
        register_buffer("bias_epsilon", bias_epsilon);
        Reinitialize(generator);
    }

    /// <summary>Input features p.</summary>
    public long InFeatures { get; }
    /// <summary>Output features q.</summary>
    public long OutFeatures { get; }
    /// <summary>sigma0 of the initialisation sigma = sigma0 / sqrt(p).</summary>
    public double Sigma0 { get; }

    /// <summary>mu_w [out, in].</summary>
    public Parameter WeightMu => weight_mu;
    /// <summary>sigma_w [out, in].</summary>
    public Parameter WeightSigma => weight_sigma;
    /// <summary>mu_b [out].</summary>
    public Parameter BiasMu => bias_mu;
    /// <summary>sigma_b [out].</summary>
    public Parameter BiasSigma => bias_sigma;
    /// <summary>The current eps_w = f(eps_out) f(eps_in)^T [out, in].</summary>
    public Tensor WeightEpsilon => weight_epsilon;
    /// <summary>The current eps_b = f(eps_out) [out].</summary>
    public Tensor BiasEpsilon => bias_epsilon;

    /// <summary>Draws mu ~ U[-1/sqrt(p), 1/sqrt(p)] (weights, then biases),
    /// sets sigma = sigma0/sqrt(p), then draws fresh noise.</summary>
    public void Reinitialize(Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        double bound = 1.0 / Math.Sqrt(InFeatures);
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            // U[-b, b) as b * (2 u - 1), u ~ U[0, 1) from the generator
            weight_mu.copy_(rand(OutFeatures, InFeatures, generator: generator).mul_(2.0).sub_(1.0).mul_(bound));
            bias_mu.copy_(rand(OutFeatures, generator: generator).mul_(2.0).sub_(1.0).mul_(bound));
            weight_sigma.fill_(Sigma0 * bound);
            bias_sigma.fill_(Sigma0 * bound);
        }
        ResetNoise(generator);
    }

    /// <summary>Draws eps_in ~ N(0, I_p), then eps_out ~ N(0, I_q), from
    /// <paramref name="generator"/> and sets the factorised noise.</summary>
    public void ResetNoise(Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var epsIn = Scale(randn(InFeatures, generator: generator));
        var epsOut = Scale(randn(OutFeatures, generator: generator));
        weight_epsilon.copy_(epsOut.unsqueeze(1) * epsIn.unsqueeze(0));
        bias_epsilon.copy_(epsOut);
    }

    /// <summary>Resets the noise of every <see cref="NoisyLinear"/> in <paramref name="module"/> (itself
    /// included), in <c>modules()</c> order.</summary>
    /// <returns>The number of layers reset.</returns>
    public static int ResetAll(nn.Module module, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(module);
        int count = 0;
        if (module is NoisyLinear self) { self.ResetNoise(generator); count++; }
        foreach (var m in module.modules())
            if (m is NoisyLinear noisy && !ReferenceEquals(noisy, module)) { noisy.ResetNoise(generator); count++; }
        return count;
    }

    /// <summary>f(x) = sign(x) sqrt(|x|).</summary>
    public static Tensor Scale(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.sign() * x.abs().sqrt();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (!training) return nn.functional.linear(input, weight_mu, bias_mu);
        using var scope = NewDisposeScope();
        var weight = weight_mu + weight_sigma * weight_epsilon;
        var bias = bias_mu + bias_sigma * bias_epsilon;
        return scope.MoveToOuter(nn.functional.linear(input, weight, bias));
    }
}
