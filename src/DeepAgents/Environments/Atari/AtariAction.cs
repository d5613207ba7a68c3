namespace Research.DeepAgents.Environments.Atari;

/// <summary>
/// The Arcade Learning Environment's joystick actions for player A: ids 0..17 as the ALE numbers them
/// (its <c>Action</c> enum). A game's legal set is all 18;
/// its minimal set is the subset that changes the game.
/// </summary>
public enum AtariAction
{
    /// <summary>Do nothing.</summary>
    Noop = 0,
    /// <summary>Press fire.</summary>
    Fire = 1,
    /// <summary>Up.</summary>
    Up = 2,
    /// <summary>Right.</summary>
    Right = 3,
    /// <summary>Left.</summary>
    Left = 4,
    /// <summary>Down.</summary>
    Down = 5,
    /// <summary>Up and right.</summary>
    UpRight = 6,
    /// <summary>Up and left.</summary>
    UpLeft = 7,
    /// <summary>Down and right.</summary>
    DownRight = 8,
    /// <summary>Down and left.</summary>
    DownLeft = 9,
    /// <summary>Up with fire.</summary>
    UpFire = 10,
    /// <summary>Right with fire.</summary>
    RightFire = 11,
    /// <summary>Left with fire.</summary>
    LeftFire = 12,
    /// <summary>Down with fire.</summary>
    DownFire = 13,
    /// <summary>Up-right with fire.</summary>
    UpRightFire = 14,
    /// <summary>Up-left with fire.</summary>
    UpLeftFire = 15,
    /// <summary>Down-right with fire.</summary>
    DownRightFire = 16,
    /// <summary>Down-left with fire.</summary>
    DownLeftFire = 17,
}

/// <summary>Names and range checks of <see cref="AtariAction"/>.</summary>
public static class AtariActions
{
    /// <summary>Number of ALE actions (the legal set of every game).</summary>
    public const int Count = 18;

    static readonly string[] Names =
    [
        "NOOP", "FIRE", "UP", "RIGHT", "LEFT", "DOWN", "UPRIGHT", "UPLEFT", "DOWNRIGHT", "DOWNLEFT",
        "UPFIRE", "RIGHTFIRE", "LEFTFIRE", "DOWNFIRE", "UPRIGHTFIRE", "UPLEFTFIRE", "DOWNRIGHTFIRE", "DOWNLEFTFIRE",
    ];

    /// <summary>The ALE's name of an action id, e.g. 11 -> <c>RIGHTFIRE</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is outside 0..17.</exception>
    public static string Name(int action) => IsValid(action)
        ? Names[action]
        : throw new ArgumentOutOfRangeException(nameof(action), action, $"ALE action ids are 0..{Count - 1}.");

    /// <summary>Whether <paramref name="action"/> is an ALE action id (0..17).</summary>
    public static bool IsValid(int action) => (uint)action < Count;

    /// <summary>Checks an action set reported by an emulator:
    /// non-empty, ids in 0..17, no duplicates.</summary>
    /// <exception cref="ArgumentException">The set is empty,
    /// has an id outside 0..17 or a duplicate.</exception>
    public static void ValidateSet(ReadOnlySpan<int> actions, string what)
    {
        if (actions.IsEmpty) throw new ArgumentException($"{what} is empty; it needs at least one ALE action id (0..17).", what);
        Span<bool> seen = stackalloc bool[Count];
        foreach (int a in actions)
        {
            if (!IsValid(a)) throw new ArgumentException($"{what} contains action id {a}; ALE action ids are 0..{Count - 1}.", what);
            if (seen[a]) throw new ArgumentException($"{what} contains action id {a} ({Names[a]}) twice.", what);
            seen[a] = true;
        }
    }
}
