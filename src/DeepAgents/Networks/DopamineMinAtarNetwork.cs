using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.DeepAgents.Networks;

/// <summary>
/// Dopamine's MinAtar DQN network (MinatarDQNNetwork, dopamine/discrete_domains/minatar_env.py):
/// conv 16 3x3 stride 1 with 'SAME' padding, ReLU, flatten (16 H W = 1600 on 10x10) straight into
/// the linear action head. Reference initialisation: flax <c>xavier_uniform</c> kernels, zero biases
/// (<see cref="Initialization.GlorotUniform"/>).
/// </summary>
public sealed class DopamineMinAtarNetwork : QNetwork
{
    private readonly SameConv2d conv;
    private readonly nn.Module<Tensor, Tensor> head;

    /// <summary>Builds and initialises the network from <paramref name="seed"/>.</summary>
    public DopamineMinAtarNetwork(NetworkSpec spec, long seed) : base("DopamineMinAtarNetwork", spec)
    {
        var o = spec.Observation;
        conv = new SameConv2d("conv", o.Channels, 16, kernel: 3, stride: 1, o.Height, o.Width);
        FlattenedSize = 16L * conv.OutputHeight * conv.OutputWidth;
        head = OutputHead.Create(spec, FlattenedSize, seed);
        var init = spec.ResolvedInitialization;
        Seal(seed, g =>
        {
            LayerInitializer.Initialize(conv.Weight, conv.Bias, init, g);
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
        return scope.MoveToOuter(ShapeOutput(head.forward(x)));
    }
}
