using Research.DeepAgents.Networks;
using static TorchSharp.torch;

namespace Research.DeepAgents.Networks;

/// <summary>Target-network utilities: the hard copy theta &lt;- w and freezing.</summary>
public static class TargetNetwork
{
    /// <summary>
    /// Copies every parameter and buffer of <paramref name="online"/> into <paramref name="target"/>
    /// in place (no autograd; flat buffers stay bound). Both must have the same names and shapes.
    /// </summary>
    public static void HardCopy(nn.Module online, nn.Module target)
    {
        ArgumentNullException.ThrowIfNull(online);
        ArgumentNullException.ThrowIfNull(target);
        using var _ = no_grad();
        if (online is QNetwork qo && target is QNetwork qt && qo.Spec == qt.Spec)
        {
            qt.Flat.Values.copy_(qo.Flat.Values);
        }
        else
        {
            var theta = target.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            var count = 0;
            foreach (var (name, w) in online.named_parameters())
            {
                if (!theta.TryGetValue(name, out var t) || !t.shape.SequenceEqual(w.shape))
                    throw new ArgumentException($"target network has no parameter {name} of shape [{string.Join(", ", w.shape)}].", nameof(target));
                t.copy_(w);
                count++;
            }
            if (count != theta.Count)
                throw new ArgumentException($"target network has {theta.Count} parameters, online has {count}.", nameof(target));
        }
        var buffers = target.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        foreach (var (name, b) in online.named_buffers())
        {
            if (!buffers.TryGetValue(name, out var t))
                throw new ArgumentException($"target network has no buffer {name}.", nameof(target));
            t.copy_(b);
        }
    }

    /// <summary>Turns gradients off for every parameter and switches to eval mode.</summary>
    public static void Freeze(nn.Module target)
    {
        ArgumentNullException.ThrowIfNull(target);
        foreach (var p in target.parameters()) p.requires_grad = false;
        target.eval();
    }
}
