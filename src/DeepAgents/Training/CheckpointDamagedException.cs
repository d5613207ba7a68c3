namespace Research.DeepAgents.Training;

/// <summary>
/// A checkpoint that fails its checks (missing, empty, truncated, checksum mismatch, unreadable). The message
/// names the file, what is wrong and what to do; nothing was restored from it.
/// </summary>
public sealed class CheckpointDamagedException(string path, string message) : IOException(message)
{
    /// <summary>The checkpoint file at fault.</summary>
    public string Path { get; } = path;
}
