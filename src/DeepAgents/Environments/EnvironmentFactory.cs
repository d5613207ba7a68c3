using Research.DeepAgents.Environments.Atari;
using Research.DeepAgents.Environments.Classic;
using Research.DeepAgents.Environments.MinAtar;

namespace Research.DeepAgents.Environments;

/// <summary>
/// Creates environments from string ids: <c>minatar:&lt;game&gt;</c>,
/// <c>cartpole</c>, and <c>atari:&lt;game&gt;</c>
/// (needs a user-supplied ALE library and ROMs: docs/atari.md).
/// </summary>
public static class EnvironmentFactory
{
    const string MinAtarPrefix = "minatar:";

    /// <summary>Every id <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Ids { get; } =
        [.. MinAtarGames.Names.Select(n => MinAtarPrefix + n), "cartpole"];

    /// <summary>
    /// Creates environment <paramref name="id"/>, seeded from <paramref name="options"/> and reset.
    /// Example:
    /// <c>Create("minatar:breakout", new EnvironmentOptions(Seed: 0, StickyActionProbability: 0.1))</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown id (the message
    /// lists the allowed ids) or invalid options.</exception>
    public static IEnvironment Create(string id, EnvironmentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id == "cartpole") return new CartPole(options);
        if (id.StartsWith(MinAtarPrefix, StringComparison.Ordinal) && MinAtarGames.Names.Contains(id[MinAtarPrefix.Length..]))
            return new MinAtarEnvironment(id[MinAtarPrefix.Length..], options);
        if (id.StartsWith(AtariEnvironment.Prefix, StringComparison.Ordinal))
            return AtariEnvironment.Create(id, options);
        throw new ArgumentException($"Unknown environment id '{id}'. Allowed: {string.Join(", ", Ids)}, or atari:<game> with an ALE backend.", nameof(id));
    }
}
