using Research.Random;

namespace Research.DeepAgents.Configuration;

/// <summary>
/// Every random source of a run derives from the run seed (docs/run-format.md, "Seeds"):
/// <c>DeriveSeed(runSeed, stream) = SplitMix64(runSeed XOR FNV-1a-64(stream))</c>, with one named stream
/// per consumer. Streams are independent in practice and adding a new one never shifts the others.
/// </summary>
public static class Seeds
{
    /// <summary>Stream of the training environment (sticky actions and game randomness).</summary>
    public const string Environment = "environment";
    /// <summary>Stream of the online network's initial weights.</summary>
    public const string Network = "network";
    /// <summary>Stream of the target network's initial weights
    /// (used only with an independent target).</summary>
    public const string TargetNetwork = "target-network";
    /// <summary>Stream of replay sampling.</summary>
    public const string Replay = "replay";
    /// <summary>Stream of exploration (epsilon coin flips and random actions) during training.</summary>
    public const string Exploration = "exploration";
    /// <summary>Noise of Rainbow's noisy layers (<c>noisy = true</c> only).</summary>
    public const string Noise = "noise";
    /// <summary>Prefix of evaluation streams: evaluation <c>k</c> uses
    /// <c>evaluation-k</c> for its environment and actions.</summary>
    public const string Evaluation = "evaluation";

    /// <summary>The seed of stream <paramref name="stream"/>
    /// of run seed <paramref name="runSeed"/>.</summary>
    public static ulong Derive(long runSeed, string stream)
    {
        ulong x = unchecked((ulong)runSeed) ^ Fnv1a64(stream);
        return SplitMix64.Next(ref x);
    }

    /// <summary>A derived seed folded to a non-negative 31-bit
    /// integer (for environments seeded with an int).</summary>
    public static int DeriveInt(long runSeed, string stream) => (int)(Derive(runSeed, stream) >> 33);

    /// <summary>64-bit FNV-1a hash of the UTF-16 code units of
    /// <paramref name="text"/> (stable across platforms and runs).</summary>
    public static ulong Fnv1a64(string text)
    {
        unchecked
        {
            ulong hash = 14695981039346656037UL;
            foreach (char c in text)
            {
                hash ^= c;
                hash *= 1099511628211UL;
            }
            return hash;
        }
    }
}
