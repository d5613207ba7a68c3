using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.DeepAgents.Parameters;

/// <summary>One parameter's place in a <see cref="FlatParameters"/> buffer.</summary>
/// <param name="Name">The qualified parameter name (e.g. <c>conv.weight</c>).</param>
/// <param name="Shape">The parameter's shape.</param>
/// <param name="Offset">First element in the flat buffer.</param>
/// <param name="Count">Number of elements.</param>
public sealed record ParameterSegment(string Name, long[] Shape, long Offset, long Count);

/// <summary>
/// Re-points every parameter of a module into one contiguous 1-D buffer (<see cref="Values"/>) and
/// every gradient into a second one (<see cref="Gradients"/>), in <c>named_parameters()</c> order,
/// using <c>Tensor.set_</c>: the parameters stay ordinary autograd leaves, but one fused operation on
/// the flat buffers updates all of them (TorchSharp 0.107 has no <c>_foreach_</c> ops).
/// Autograd accumulates into an existing gradient in place, so the binding survives backward passes
/// as long as gradients are zeroed in place (<see cref="ZeroGrad"/>, never <c>module.zero_grad()</c>,
/// which drops them); <see cref="EnsureGradientsBound"/> repairs a dropped binding.
/// A module must be flattened once: <see cref="Networks.QNetwork"/> does it at construction.
/// </summary>
public sealed class FlatParameters : IDisposable
{
    private readonly Parameter[] parameters;
    private readonly Tensor[] gradientViews;

    /// <summary>Flattens all parameters of <paramref name="module"/> (float32, one device).</summary>
    /// <exception cref="ArgumentException">The module has no
    /// parameters, or they differ in dtype or device.</exception>
    public FlatParameters(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var named = module.named_parameters().ToArray();
        if (named.Length == 0)
            throw new ArgumentException($"module {module.GetName()} has no parameters to flatten.", nameof(module));
        var dtype = named[0].parameter.dtype;
        var device = named[0].parameter.device;
        foreach (var (name, p) in named)
            if (p.dtype != dtype || p.device.type != device.type || p.device.index != device.index)
                throw new ArgumentException(
                    $"parameter {name} is {p.dtype} on {p.device}; all parameters must share {dtype} on {device} to be flattened.", nameof(module));

        parameters = new Parameter[named.Length];
        gradientViews = new Tensor[named.Length];
        var segments = new ParameterSegment[named.Length];
        long total = 0;
        for (var i = 0; i < named.Length; i++)
        {
            var p = named[i].parameter;
            segments[i] = new ParameterSegment(named[i].name, p.shape, total, p.numel());
            total += p.numel();
        }
        Count = total;
        Segments = segments;
        Values = empty(total, dtype, device);
        Gradients = zeros(total, dtype, device);
        using (no_grad())
        {
            for (var i = 0; i < named.Length; i++)
            {
                var p = named[i].parameter;
                var s = segments[i];
                using var slice = Values.narrow(0, s.Offset, s.Count).view(s.Shape);
                slice.copy_(p);
                p.set_(slice);
                parameters[i] = p;
                gradientViews[i] = Gradients.narrow(0, s.Offset, s.Count).view(s.Shape);
                p.grad = gradientViews[i];
            }
        }
    }

    /// <summary>All parameter values, concatenated (aliases the module's parameters).</summary>
    public Tensor Values { get; }

    /// <summary>All gradients, concatenated (aliases the parameters' <c>.grad</c>).</summary>
    public Tensor Gradients { get; }

    /// <summary>Total number of scalars.</summary>
    public long Count { get; }

    /// <summary>Where each named parameter lives in the buffers.</summary>
    public IReadOnlyList<ParameterSegment> Segments { get; }

    /// <summary>Zeroes all gradients in place (one operation).</summary>
    public void ZeroGrad() => Gradients.zero_();

    /// <summary>
    /// Checks that every parameter still shares storage with the flat buffers and that every
    /// gradient is the flat gradient view; if a gradient was dropped or replaced (e.g. by
    /// <c>module.zero_grad()</c>), its current value (or zero) is copied into the flat buffer and the
    /// view is re-attached. Throws if a parameter itself was re-pointed (the module was flattened
    /// again or loaded by replacement): that cannot be repaired silently.
    /// </summary>
    public void EnsureGradientsBound()
    {
        // Addresses are only readable for CPU tensors; elsewhere only dropped gradients are repaired.
        var onCpu = Values.device_type == DeviceType.CPU;
        var baseValues = onCpu ? DataAddress(Values) : 0;
        var baseGrads = onCpu ? DataAddress(Gradients) : 0;
        var elementSize = Values.ElementSize;
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            var offsetBytes = Segments[i].Offset * elementSize;
            if (onCpu && DataAddress(p) != baseValues + offsetBytes)
                throw new InvalidOperationException(
                    $"parameter {Segments[i].Name} no longer lives in the flat buffer (was the module flattened twice or its parameters replaced?).");
            using var g = p.grad;
            if (g is not null && (!onCpu || DataAddress(g) == baseGrads + offsetBytes)) continue;
            using (no_grad())
            {
                if (g is null) gradientViews[i].zero_();
                else gradientViews[i].copy_(g);
                p.grad = gradientViews[i];
            }
        }
    }

    /// <summary>Address of a CPU tensor's first element (identifies which buffer it aliases).</summary>
    internal static nint DataAddress(Tensor t) => TensorSpans.Address(t);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var g in gradientViews) g.Dispose();
        Values.Dispose();
        Gradients.Dispose();
    }
}
