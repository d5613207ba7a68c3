using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.DeepAgents.Networks;

/// <summary>
/// A multilayer perceptron for feature observations (CartPole): flatten, then hidden linear layers
/// with ReLU (widths <see cref="NetworkSpec.Hidden"/>, default 64, 64), then linear Actions * Atoms.
/// Reference initialisation: PyTorch defaults.
/// </summary>
public sealed class MlpNetwork : QNetwork
{
    private readonly ModuleList<Linear> layers;
    // Dueling / noisy output (OutputHead); null: the last of layers
    private readonly nn.Module<Tensor, Tensor>? head;

    /// <summary>Builds and initialises the network from <paramref name="seed"/>.</summary>
    public MlpNetwork(NetworkSpec spec, long seed) : base("MlpNetwork", spec)
    {
        layers = new ModuleList<Linear>();
        long width = spec.Observation.Size;
        foreach (var h in spec.ResolvedHidden)
        {
            layers.Add(nn.Linear(width, h));
            width = h;
        }
        if (OutputHead.IsSpecial(spec)) head = OutputHead.Create(spec, width, seed);
        else layers.Add(nn.Linear(width, spec.Outputs));
        var init = spec.ResolvedInitialization;
        Seal(seed, g =>
        {
            foreach (var layer in layers) LayerInitializer.Initialize(layer.weight!, layer.bias, init, g);
        });
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = ScaleInput(input).flatten(1);
        int hidden = head is null ? layers.Count - 1 : layers.Count;
        for (var i = 0; i < hidden; i++) x = nn.functional.relu(layers[i].forward(x), inplace: true);
        return scope.MoveToOuter(ShapeOutput((head ?? layers[layers.Count - 1]).forward(x)));
    }
}
