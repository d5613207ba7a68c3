using TorchSharp;
using static TorchSharp.torch;

namespace Research.DeepAgents.Parameters;

/// <summary>Direct access to a flat float32 CPU tensor's memory, for the fused kernels and hand-written
/// backprop that work on spans instead of tensor operations.</summary>
internal static class TensorSpans
{
    /// <summary>A float32 CPU tensor's elements as a span
    /// (the tensor must stay alive and unresized).</summary>
    public static unsafe Span<float> Span(Tensor t) => new((void*)Address(t), checked((int)t.numel()));

    /// <summary>Address of a contiguous CPU tensor's first element.</summary>
    public static unsafe nint Address(Tensor t)
    {
        fixed (byte* p = t.bytes) return (nint)p;
    }

    /// <summary>True when the span path applies: float32, contiguous, on the CPU.</summary>
    public static bool Applies(Tensor t) =>
        t.device_type == DeviceType.CPU && t.dtype == ScalarType.Float32 && t.is_contiguous();
}
