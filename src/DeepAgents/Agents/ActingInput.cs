using System.Runtime.InteropServices;
using Research.DeepAgents.Environments;
using static TorchSharp.torch;

namespace Research.DeepAgents.Agents;

/// <summary>The [1, C, H, W] input tensor of action selection,
/// allocated once and refilled in place for every action.</summary>
public sealed class ActingInput : IDisposable
{
    readonly ObservationSpec _observation;
    readonly Tensor _input;

    /// <summary>A zero input for observations of <paramref name="observation"/>'s shape.</summary>
    public ActingInput(ObservationSpec observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        _observation = observation;
        _input = zeros([1, observation.Channels, observation.Height, observation.Width], ScalarType.Float32);
    }

    /// <summary>Copies <paramref name="observation"/> into
    /// the tensor (no allocation) and returns it.</summary>
    public Tensor Fill(ReadOnlySpan<float> observation)
    {
        if (observation.Length != _observation.Size)
            throw new ArgumentException($"observation has {observation.Length} values; the network takes {_observation.Size}.", nameof(observation));
        observation.CopyTo(MemoryMarshal.Cast<byte, float>(_input.bytes));
        return _input;
    }

    /// <inheritdoc />
    public void Dispose() => _input.Dispose();
}
