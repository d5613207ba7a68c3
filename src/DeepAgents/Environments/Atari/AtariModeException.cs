namespace Research.DeepAgents.Environments.Atari;

/// <summary>
/// A game mode or difficulty the ROM does not have (docs/atari.md, "Modes and difficulties"). The message
/// names the setting, the value and the game's available values.
/// </summary>
/// <param name="setting"><c>mode</c> or <c>difficulty</c>.</param>
/// <param name="value">The value asked for.</param>
/// <param name="available">The ROM's values (the ALE's <c>getAvailableModes</c> /
/// <c>getAvailableDifficulties</c>).</param>
/// <param name="game">The ALE's game name.</param>
public sealed class AtariModeException(string setting, int value, IReadOnlyList<int> available, string game)
    : ArgumentOutOfRangeException(setting, value, null)
{
    /// <summary>One sentence, without the base class's parameter and value lines.</summary>
    public override string Message =>
        $"atari:{Game} has no {Setting} {Value}; its {Setting}s: {string.Join(", ", Available)} (-1 = the game's default).";

    /// <summary><c>mode</c> or <c>difficulty</c>.</summary>
    public string Setting { get; } = setting;

    /// <summary>The value asked for.</summary>
    public int Value { get; } = value;

    /// <summary>The ROM's available values.</summary>
    public IReadOnlyList<int> Available { get; } = available;

    /// <summary>The ALE's game name.</summary>
    public string Game { get; } = game;
}
