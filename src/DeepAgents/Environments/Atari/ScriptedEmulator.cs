namespace Research.DeepAgents.Environments.Atari;

/// <summary>Paints the grayscale screen shown after <paramref name="frame"/>
/// emulated frames of a game (frame 0 = after reset).</summary>
public delegate void ScreenPainter(int frame, Span<byte> screen);

/// <summary>
/// What a <see cref="ScriptedEmulator"/> shows and pays, as functions of the game's frame number k
/// (k = number of <see cref="IAtariEmulator.Act"/> calls since the last reset; the reset screen is k = 0).
/// </summary>
/// <param name="Screen">The 210 x 160 grayscale screen of frame k.</param>
/// <param name="Reward">Reward of the act that produced frame
/// k (k &gt;= 1) given the executed ALE action id.</param>
/// <param name="Lives">Lives shown at frame k.</param>
/// <param name="GameOverFrame">The game is over from this frame on
/// (&gt;= 1); acts after that change nothing and pay 0.</param>
/// <param name="MinimalActions">The minimal action set (ALE ids).</param>
public sealed record AtariScript(
    ScreenPainter Screen,
    Func<int, int, int> Reward,
    Func<int, int> Lives,
    int GameOverFrame,
    int[] MinimalActions)
{
    /// <summary>A painter from a per-pixel function (frame, row, column) -> gray value.</summary>
    public static ScreenPainter FromPixels(Func<int, int, int, byte> pixel)
    {
        ArgumentNullException.ThrowIfNull(pixel);
        return (frame, screen) =>
        {
            for (int r = 0; r < IAtariEmulator.ScreenHeight; r++)
                for (int c = 0; c < IAtariEmulator.ScreenWidth; c++)
                    screen[r * IAtariEmulator.ScreenWidth + c] = pixel(frame, r, c);
        };
    }

    /// <summary>A painter filling the whole screen of frame k with <c>value(k)</c>.</summary>
    public static ScreenPainter Constant(Func<int, byte> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return (frame, screen) => screen[..IAtariEmulator.GrayscaleSize].Fill(value(frame));
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming
    /// the field, the value and what is allowed.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Screen, nameof(Screen));
        ArgumentNullException.ThrowIfNull(Reward, nameof(Reward));
        ArgumentNullException.ThrowIfNull(Lives, nameof(Lives));
        ArgumentNullException.ThrowIfNull(MinimalActions, nameof(MinimalActions));
        if (GameOverFrame < 1)
            throw new ArgumentException($"AtariScript.GameOverFrame must be >= 1, got {GameOverFrame}.", nameof(GameOverFrame));
        AtariActions.ValidateSet(MinimalActions, "AtariScript.MinimalActions");
    }
}

/// <summary>
/// A synthetic <see cref="IAtariEmulator"/> whose screens, rewards, lives and game over are known functions
/// of the frame number (<see cref="AtariScript"/>), so the preprocessing can be tested without the ALE.
/// It records every executed action. RGB screens are the grayscale value in all three channels.
/// </summary>
public sealed class ScriptedEmulator : IAtariEmulator
{
    const string SnapshotMagic = "scripted-emulator/1";
    static readonly int[] Legal = [.. Enumerable.Range(0, AtariActions.Count)];
    readonly AtariScript _script;
    readonly byte[] _screen = new byte[IAtariEmulator.GrayscaleSize];
    int _paintedFrame = -1;

    /// <summary>A backend playing <paramref name="script"/>; call <see cref="LoadRom"/> before use.</summary>
    /// <exception cref="ArgumentException">The script is invalid.</exception>
    public ScriptedEmulator(AtariScript script)
    {
        ArgumentNullException.ThrowIfNull(script);
        script.Validate();
        _script = script;
    }

    /// <summary>The path given to <see cref="LoadRom"/> (the scripted backend does not read it).</summary>
    public string? RomPath { get; private set; }

    /// <summary>The seed given to <see cref="LoadRom"/>.</summary>
    public int Seed { get; private set; }

    /// <summary>Frames emulated since the last reset (the k of the script).</summary>
    public int Frame { get; private set; }

    /// <summary>Number of <see cref="ResetGame"/> calls since
    /// <see cref="LoadRom"/> (which itself starts a game).</summary>
    public int Resets { get; private set; }

    /// <summary>Every action passed to <see cref="Act"/>, in order (also acts after game over).</summary>
    public List<int> ExecutedActions { get; } = [];

    /// <summary>Whether <see cref="ExecutedActions"/> is appended to (off for long runs).</summary>
    public bool RecordActions { get; set; } = true;

    /// <inheritdoc />
    public void LoadRom(string romPath, int seed)
    {
        ArgumentNullException.ThrowIfNull(romPath);
        RomPath = romPath;
        Seed = seed;
        Frame = 0; // loading starts a game (not counted in Resets)
    }

    /// <inheritdoc />
    public int Act(int action)
    {
        EnsureLoaded();
        if (!AtariActions.IsValid(action))
            throw new ArgumentOutOfRangeException(nameof(action), action, $"ALE action ids are 0..{AtariActions.Count - 1}.");
        if (RecordActions) ExecutedActions.Add(action);
        if (GameOver) return 0;
        Frame++;
        return _script.Reward(Frame, action);
    }

    /// <inheritdoc />
    public bool GameOver => Frame >= _script.GameOverFrame;

    /// <inheritdoc />
    public int Lives => _script.Lives(Frame);

    /// <inheritdoc />
    public void ResetGame()
    {
        EnsureLoaded();
        Frame = 0;
        Resets++;
    }

    /// <inheritdoc />
    public void GetScreenGrayscale(Span<byte> destination)
    {
        CheckLength(destination.Length, IAtariEmulator.GrayscaleSize);
        Paint().CopyTo(destination);
    }

    /// <inheritdoc />
    public void GetScreenRgb(Span<byte> destination)
    {
        CheckLength(destination.Length, IAtariEmulator.RgbSize);
        var gray = Paint();
        for (int i = 0; i < gray.Length; i++)
            destination[3 * i] = destination[3 * i + 1] = destination[3 * i + 2] = gray[i];
    }

    /// <inheritdoc />
    public IReadOnlyList<int> MinimalActionSet => _script.MinimalActions;

    /// <inheritdoc />
    public IReadOnlyList<int> LegalActionSet => Legal;

    /// <inheritdoc />
    public byte[] SaveState() => Snapshot.Save(SnapshotMagic, w =>
    {
        w.Write(Frame);
        w.Write(Resets);
    });

    /// <inheritdoc />
    public void RestoreState(ReadOnlySpan<byte> state) => Snapshot.Restore(state, SnapshotMagic, "scripted emulator", r =>
    {
        Frame = r.ReadInt32();
        Resets = r.ReadInt32();
    });

    /// <inheritdoc />
    public void Dispose() { }

    ReadOnlySpan<byte> Paint()
    {
        EnsureLoaded();
        if (_paintedFrame != Frame)
        {
            _script.Screen(Frame, _screen);
            _paintedFrame = Frame;
        }
        return _screen;
    }

    void EnsureLoaded()
    {
        if (RomPath is null) throw new InvalidOperationException("ScriptedEmulator: call LoadRom before using the emulator.");
    }

    static void CheckLength(int length, int needed)
    {
        if (length < needed)
            throw new ArgumentException($"Screen buffer has {length} bytes; the screen needs {needed}.", "destination");
    }
}
