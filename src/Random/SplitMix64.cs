namespace Research.Random;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): the mixer that turns one seed into the state words of
/// <see cref="Xoshiro256"/> and derives the run's stream seeds (docs/run-format.md, "Seeds").
/// </summary>
public static class SplitMix64
{
    /// <summary>One step: advances <paramref name="state"/> and returns a mixed word.</summary>
    public static ulong Next(ref ulong state)
    {
        unchecked
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
