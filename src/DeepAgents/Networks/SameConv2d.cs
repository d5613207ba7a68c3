using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.DeepAgents.Networks;

/// <summary>
/// A square-kernel 2-D convolution with TensorFlow 'SAME' padding for a fixed input size
/// (<see cref="SamePadding"/>). Symmetric padding goes into the convolution itself; asymmetric
/// padding (e.g. 21 -> 11 with a 4x4 kernel, stride 2: one row before, two after) is applied
/// explicitly first. Parameters: <c>weight</c> [out, in, k, k] and <c>bias</c> [out].
/// </summary>
public sealed class SameConv2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long[] strides;
    private readonly long[] convPadding;
    private readonly long[]? explicitPadding;  // (left, right, top, bottom), or null when symmetric

    /// <summary>Creates the layer for inputs of spatial size
    /// <paramref name="height"/> x <paramref name="width"/>.</summary>
    public SameConv2d(string name, int inChannels, int outChannels, int kernel, int stride, int height, int width)
        : base(name)
    {
        if (inChannels < 1 || outChannels < 1 || kernel < 1 || stride < 1 || height < 1 || width < 1)
            throw new ArgumentException(
                $"SameConv2d needs positive sizes, got inChannels {inChannels}, outChannels {outChannels}, kernel {kernel}, stride {stride}, input {height}x{width}.");
        weight = new Parameter(empty(outChannels, inChannels, kernel, kernel));
        bias = new Parameter(zeros(outChannels));
        strides = [stride, stride];
        var (top, bottom) = SamePadding.Pad(height, kernel, stride);
        var (left, right) = SamePadding.Pad(width, kernel, stride);
        OutputHeight = SamePadding.Output(height, stride);
        OutputWidth = SamePadding.Output(width, stride);
        if (top == bottom && left == right)
        {
            convPadding = [top, left];
        }
        else
        {
            convPadding = [0, 0];
            explicitPadding = [left, right, top, bottom];
        }
        RegisterComponents();
    }

    /// <summary>The weight [out, in, k, k].</summary>
    public Parameter Weight => weight;

    /// <summary>The bias [out].</summary>
    public Parameter Bias => bias;

    /// <summary>Output height ceil(height / stride).</summary>
    public int OutputHeight { get; }

    /// <summary>Output width ceil(width / stride).</summary>
    public int OutputWidth { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (explicitPadding is null)
            return nn.functional.conv2d(input, weight, bias, strides, convPadding);
        using var padded = nn.functional.pad(input, explicitPadding);
        return nn.functional.conv2d(padded, weight, bias, strides, convPadding);
    }
}
