using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.DeepAgents.Networks;

/// <summary>
/// The MinAtar paper's DQN network (Young &amp; Tian 2019): conv 16 3x3 stride 1 without padding,
/// ReLU, flatten (16 (H-2)(W-2) = 1024 on 10x10), linear 128, ReLU, linear Actions * Atoms.
/// Reference initialisation: PyTorch defaults.
/// </summary>
public sealed class MinAtarReferenceNetwork : QNetwork
{
    private readonly Conv2d conv;
    private readonly Linear hidden;
    private readonly nn.Module<Tensor, Tensor> head;

    /// <summary>Builds and initialises the network from <paramref name="seed"/>.</summary>
    public MinAtarReferenceNetwork(NetworkSpec spec, long seed) : base("MinAtarReferenceNetwork", spec)
    {
        var o = spec.Observation;
        conv = nn.Conv2d(o.Channels, 16, 3);  // stride 1, no padding
        FlattenedSize = 16L * (o.Height - 2) * (o.Width - 2);
        hidden = nn.Linear(FlattenedSize, 128);
        head = OutputHead.Create(spec, 128, seed);
        var init = spec.ResolvedInitialization;
        Seal(seed, g =>
        {
            LayerInitializer.Initialize(conv.weight!, conv.bias, init, g);
            LayerInitializer.Initialize(hidden.weight!, hidden.bias, init, g);
            if (head is Linear linear) LayerInitializer.Initialize(linear.weight!, linear.bias, init, g);
        });
    }

    /// <summary>Length of the flattened convolution output.</summary>
    public long FlattenedSize { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(conv.forward(ScaleInput(input)), inplace: true).flatten(1);
        x = nn.functional.relu(hidden.forward(x), inplace: true);
        return scope.MoveToOuter(ShapeOutput(head.forward(x)));
    }
}
