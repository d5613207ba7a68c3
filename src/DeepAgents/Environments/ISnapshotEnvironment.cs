namespace Research.DeepAgents.Environments;

/// <summary>
/// An environment whose complete state (game state, random stream, counters) can be saved and restored,
/// so a checkpointed run continues exactly as if it had not stopped.
/// </summary>
public interface ISnapshotEnvironment
{
    /// <summary>Serialises the complete state to bytes.</summary>
    byte[] SaveState();

    /// <summary>Restores a state written by <see cref="SaveState"/>
    /// of an environment with the same id and options.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a state of this environment.</exception>
    void RestoreState(ReadOnlySpan<byte> state);
}
