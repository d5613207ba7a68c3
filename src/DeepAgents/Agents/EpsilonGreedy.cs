using Research.Random;

namespace Research.DeepAgents.Agents;

/// <summary>The exploration draw of epsilon-greedy acting (docs/agents.md, "The agent", step 1).</summary>
public static class EpsilonGreedy
{
    /// <summary>
    /// One uniform draw u from <paramref name="random"/>: when u &lt; <paramref name="epsilon"/>, a second
    /// draw gives a uniform <paramref name="action"/> in 0..<paramref name="actionCount"/>-1 and the result
    /// is true; otherwise false (the caller takes its greedy action).
    /// </summary>
    public static bool Explore(Xoshiro256 random, double epsilon, int actionCount, out int action)
    {
        ArgumentNullException.ThrowIfNull(random);
        action = random.NextDouble() < epsilon ? random.NextInt(actionCount) : -1;
        return action >= 0;
    }
}
