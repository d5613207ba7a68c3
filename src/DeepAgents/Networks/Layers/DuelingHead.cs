using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.DeepAgents.Networks.Layers;

/// <summary>
/// The dueling head (Wang et al., ICML 2016, eq. 9): from features [B, F], a value stream V [B, Atoms] and an
/// advantage stream A [B, Actions, Atoms] give <c>Q(s, a) = V(s) + A(s, a) - mean_a' A(s, a')</c>.
/// With Atoms &gt; 1 (distributional, as Rainbow combines them) the same is done per atom on logits and the
/// caller applies the softmax over atoms afterwards. Output: [B, Actions] when Atoms = 1, else [B, Actions,
/// Atoms]. The streams are any modules: plain linear layers, <see cref="NoisyLinear"/>, or deeper stacks.
/// </summary>
public sealed class DuelingHead : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> value;
    private readonly nn.Module<Tensor, Tensor> advantage;

    /// <summary>A head from a value stream (output [B, atoms]) and
    /// an advantage stream (output [B, actions * atoms]).</summary>
    /// <exception cref="ArgumentException">actions or atoms below 1.</exception>
    public DuelingHead(nn.Module<Tensor, Tensor> value, nn.Module<Tensor, Tensor> advantage, int actions, int atoms = 1, string name = "DuelingHead")
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(advantage);
        if (actions < 1 || atoms < 1)
            throw new ArgumentException($"DuelingHead needs actions >= 1 and atoms >= 1, got {actions} and {atoms}.");
        this.value = value;
        this.advantage = advantage;
        Actions = actions;
        Atoms = atoms;
        RegisterComponents();
    }

    /// <summary>A head with one linear layer per stream, <see cref="NoisyLinear"/> when
    /// <paramref name="noisy"/>, else a plain linear layer initialised by <paramref name="initialization"/>;
    /// all drawn from <paramref name="generator"/> (value stream first).</summary>
    public static DuelingHead Linear(long features, int actions, int atoms, Generator generator,
        bool noisy = false, Initialization initialization = Initialization.TorchDefault, double sigma0 = NoisyLinear.DefaultSigma0)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (features < 1) throw new ArgumentException($"DuelingHead features must be >= 1, got {features}.", nameof(features));
        if (actions < 1 || atoms < 1)
            throw new ArgumentException($"DuelingHead needs actions >= 1 and atoms >= 1, got {actions} and {atoms}.");
        nn.Module<Tensor, Tensor> Stream(long outputs, string name)
        {
            if (noisy) return new NoisyLinear(features, outputs, generator, sigma0, name);
            var layer = nn.Linear(features, outputs);
            LayerInitializer.Initialize(layer.weight!, layer.bias, initialization, generator);
            return layer;
        }
        return new DuelingHead(Stream(atoms, "value"), Stream((long)actions * atoms, "advantage"), actions, atoms);
    }

    /// <summary>Number of actions.</summary>
    public int Actions { get; }

    /// <summary>Atoms per action (1 = plain Q-values).</summary>
    public int Atoms { get; }

    /// <summary>The value stream.</summary>
    public nn.Module<Tensor, Tensor> Value => value;

    /// <summary>The advantage stream.</summary>
    public nn.Module<Tensor, Tensor> Advantage => advantage;

    /// <summary>
    /// <c>value.unsqueeze(1) + advantage - advantage.mean(actions)</c> for value [B, Atoms] and advantage
    /// [B, Actions, Atoms]; returns [B, Actions, Atoms].
    /// </summary>
    public static Tensor Combine(Tensor value, Tensor advantage)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(advantage);
        if (value.dim() != 2 || advantage.dim() != 3 || value.shape[0] != advantage.shape[0] || value.shape[1] != advantage.shape[2])
            throw new ArgumentException(
                $"DuelingHead.Combine needs value [B, Atoms] and advantage [B, Actions, Atoms], got [{string.Join(", ", value.shape)}] and [{string.Join(", ", advantage.shape)}].");
        using var scope = NewDisposeScope();
        var centred = advantage - advantage.mean([1L], keepdim: true);
        return scope.MoveToOuter(value.unsqueeze(1) + centred);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var v = value.forward(input);
        var a = advantage.forward(input).view(-1, Actions, Atoms);
        var q = Combine(v, a);
        return scope.MoveToOuter(Atoms == 1 ? q.squeeze(2) : q);
    }
}
