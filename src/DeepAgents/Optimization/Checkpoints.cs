using Research.DeepAgents.Networks;
using static TorchSharp.torch;

namespace Research.DeepAgents.Optimization;

/// <summary>
/// Exact save / load of network parameters and optimizer state to a stream. Parameters use
/// TorchSharp's own module format (<c>module.save</c> / <c>module.load</c>, which copies into the
/// existing tensors, so flat buffers stay bound); the optimizer writes its moments as raw float32.
/// </summary>
public static class Checkpoints
{
    /// <summary>Writes every parameter and buffer of <paramref name="module"/>.</summary>
    public static void SaveParameters(nn.Module module, BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(writer);
        module.save(writer);
    }

    /// <summary>Reads parameters written by <see cref="SaveParameters"/> into <paramref name="module"/> in
    /// place (strict: same names and shapes).</summary>
    public static void LoadParameters(nn.Module module, BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(reader);
        module.load(reader, strict: true);
        if (module is QNetwork q) q.Flat.EnsureGradientsBound();
    }

    /// <summary>Writes the network's parameters, then the optimizer's state.</summary>
    public static void Save(nn.Module module, IOptimizer optimizer, BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        SaveParameters(module, writer);
        optimizer.Save(writer);
    }

    /// <summary>Reads what <see cref="Save"/> wrote.</summary>
    public static void Load(nn.Module module, IOptimizer optimizer, BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        LoadParameters(module, reader);
        optimizer.Load(reader);
    }
}
