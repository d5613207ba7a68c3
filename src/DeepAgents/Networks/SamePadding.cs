namespace Research.DeepAgents.Networks;

/// <summary>
/// TensorFlow's 'SAME' padding (used by Dopamine's networks): the output size is ceil(in / stride)
/// and the total padding max((out - 1) * stride + kernel - in, 0) is split with the extra pixel at
/// the end (bottom / right). For the Nature CNN on 84x84: 84 -> 21 -> 11 -> 11.
/// </summary>
public static class SamePadding
{
    /// <summary>Output length ceil(<paramref name="input"/> / <paramref name="stride"/>).</summary>
    public static int Output(int input, int stride) => (input + stride - 1) / stride;

    /// <summary>Padding (before, after) along one axis.</summary>
    public static (int Before, int After) Pad(int input, int kernel, int stride)
    {
        var total = Math.Max((Output(input, stride) - 1) * stride + kernel - input, 0);
        return (total / 2, total - total / 2);
    }
}
