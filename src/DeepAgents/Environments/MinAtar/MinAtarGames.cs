using Research.Random;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>The catalogue of MinAtar games by reference name.</summary>
public static class MinAtarGames
{
    /// <summary>Static descriptions of the five games, in the reference's alphabetical order.</summary>
    public static IReadOnlyList<MinAtarGameInfo> All { get; } =
        [Asterix.GameInfo, Breakout.GameInfo, Freeway.GameInfo, Seaquest.GameInfo, SpaceInvaders.GameInfo];

    /// <summary>The reference names: asterix, breakout, freeway, seaquest, space_invaders.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(g => g.Name).ToArray();

    /// <summary>The description of <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown game; the message lists the allowed names.</exception>
    public static MinAtarGameInfo Info(string name) =>
        All.FirstOrDefault(g => g.Name == name)
        ?? throw new ArgumentException($"Unknown MinAtar game '{name}'. Allowed: {string.Join(", ", Names)}.", nameof(name));

    /// <summary>Creates (not yet reset) game <paramref name="name"/>
    /// drawing from <paramref name="random"/>.</summary>
    /// <exception cref="ArgumentException">Unknown game; the message lists the allowed names.</exception>
    public static MinAtarGame Create(string name, Mt19937 random, bool difficultyRamping) => name switch
    {
        "asterix" => new Asterix(random, difficultyRamping),
        "breakout" => new Breakout(random, difficultyRamping),
        "freeway" => new Freeway(random, difficultyRamping),
        "seaquest" => new Seaquest(random, difficultyRamping),
        "space_invaders" => new SpaceInvaders(random, difficultyRamping),
        _ => throw new ArgumentException($"Unknown MinAtar game '{name}'. Allowed: {string.Join(", ", Names)}.", nameof(name)),
    };
}
