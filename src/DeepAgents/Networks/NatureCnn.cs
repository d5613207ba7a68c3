using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.DeepAgents.Networks;

/// <summary>
/// The Nature DQN CNN as Dopamine builds it (NatureDQNNetwork, dopamine/discrete_domains/atari_lib.py):
/// conv 32 8x8 stride 4, conv 64 4x4 stride 2, conv 64 3x3 stride 1, all with TensorFlow 'SAME'
/// padding and ReLU (84 -> 21 -> 11 -> 11, flatten 64 * 11 * 11 = 7744), dense 512 ReLU, dense
/// Actions * Atoms. Input 0..255 divided by 255 inside (Pixels). Reference initialisation: Keras
/// defaults (Glorot uniform kernels, zero biases); Dopamine's Rainbow uses
/// <see cref="Initialization.DopamineVarianceScaling"/>.
/// </summary>
public sealed class NatureCnn : QNetwork
{
    private readonly SameConv2d conv1;
    private readonly SameConv2d conv2;
    private readonly SameConv2d conv3;
    private readonly Linear dense;
    private readonly nn.Module<Tensor, Tensor> head;

    /// <summary>Builds and initialises the network from <paramref name="seed"/>.</summary>
    public NatureCnn(NetworkSpec spec, long seed) : base("NatureCnn", spec)
    {
        var o = spec.Observation;
        conv1 = new SameConv2d("conv1", o.Channels, 32, kernel: 8, stride: 4, o.Height, o.Width);
        conv2 = new SameConv2d("conv2", 32, 64, kernel: 4, stride: 2, conv1.OutputHeight, conv1.OutputWidth);
        conv3 = new SameConv2d("conv3", 64, 64, kernel: 3, stride: 1, conv2.OutputHeight, conv2.OutputWidth);
        FlattenedSize = 64L * conv3.OutputHeight * conv3.OutputWidth;
        dense = nn.Linear(FlattenedSize, 512);
        head = OutputHead.Create(spec, 512, seed);
        var init = spec.ResolvedInitialization;
        Seal(seed, g =>
        {
            LayerInitializer.Initialize(conv1.Weight, conv1.Bias, init, g);
            LayerInitializer.Initialize(conv2.Weight, conv2.Bias, init, g);
            LayerInitializer.Initialize(conv3.Weight, conv3.Bias, init, g);
            LayerInitializer.Initialize(dense.weight!, dense.bias, init, g);
            if (head is Linear linear) LayerInitializer.Initialize(linear.weight!, linear.bias, init, g);
        });
    }

    /// <summary>Length of the flattened convolution output (7744 for 84x84 input).</summary>
    public long FlattenedSize { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(conv1.forward(ScaleInput(input)), inplace: true);
        x = nn.functional.relu(conv2.forward(x), inplace: true);
        x = nn.functional.relu(conv3.forward(x), inplace: true).flatten(1);
        x = nn.functional.relu(dense.forward(x), inplace: true);
        return scope.MoveToOuter(ShapeOutput(head.forward(x)));
    }
}
