namespace Research.DeepAgents.Environments.Atari;

/// <summary>
/// An Atari 2600 emulator backend (docs/atari.md, "Backend interface"): the part of the Arcade Learning
/// Environment's interface that <see cref="AtariPreprocessing"/> needs. One <see cref="Act"/> emulates one
/// frame; frame skipping, pooling, resizing, sticky actions and life-loss handling live in the preprocessing,
/// so a backend is seeded with the ALE's own sticky actions switched off
/// (<c>repeat_action_probability = 0</c>). Implementations: <see cref="NativeAleEmulator"/> (the ALE 0.12
/// through the shim built by native/ale/build.sh) and
/// <see cref="ScriptedEmulator"/> (synthetic frames for tests).
/// </summary>
public interface IAtariEmulator : IDisposable
{
    /// <summary>Screen height of the Atari 2600 as the ALE reports it.</summary>
    const int ScreenHeight = 210;

    /// <summary>Screen width of the Atari 2600 as the ALE reports it.</summary>
    const int ScreenWidth = 160;

    /// <summary>Bytes of a grayscale screen (row-major, 210 x 160).</summary>
    const int GrayscaleSize = ScreenHeight * ScreenWidth;

    /// <summary>Bytes of an RGB screen (row-major, 210 x 160 x 3, interleaved R, G, B).</summary>
    const int RgbSize = GrayscaleSize * 3;

    /// <summary>
    /// Loads the ROM at <paramref name="romPath"/> and seeds the emulator's own random stream with
    /// <paramref name="seed"/> (the ALE's <c>random_seed</c>, which must be set before the ROM is loaded).
    /// The game starts reset.
    /// </summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="romPath"/>.</exception>
    void LoadRom(string romPath, int seed);

    /// <summary>
    /// <see cref="LoadRom(string, int)"/> with game mode <paramref name="mode"/> and difficulty
    /// <paramref name="difficulty"/> (-1 = the game's default). A backend without modes has only mode 0 and
    /// difficulty 0.
    /// </summary>
    /// <exception cref="AtariModeException">The game has no such mode or difficulty.</exception>
    void LoadRom(string romPath, int seed, int mode, int difficulty)
    {
        if (mode > 0) throw new AtariModeException("mode", mode, [0], Path.GetFileNameWithoutExtension(romPath));
        if (difficulty > 0) throw new AtariModeException("difficulty", difficulty, [0], Path.GetFileNameWithoutExtension(romPath));
        LoadRom(romPath, seed);
    }

    /// <summary>Emulates one frame with ALE action id
    /// <paramref name="action"/> (0..17) and returns its reward.</summary>
    int Act(int action);

    /// <summary>Whether the game is over (the ALE's <c>game_over</c>).</summary>
    bool GameOver { get; }

    /// <summary>Lives left (the ALE's <c>lives</c>; 0 for games without lives).</summary>
    int Lives { get; }

    /// <summary>Starts a new game (the ALE's <c>reset_game</c>).</summary>
    void ResetGame();

    /// <summary>Writes the current screen as 210 x 160 grayscale bytes into
    /// <paramref name="destination"/>.</summary>
    void GetScreenGrayscale(Span<byte> destination);

    /// <summary>Writes the current screen as 210 x 160 x 3 RGB bytes into
    /// <paramref name="destination"/>.</summary>
    void GetScreenRgb(Span<byte> destination);

    /// <summary>The game's minimal action set (ALE action ids, in the ALE's order).</summary>
    IReadOnlyList<int> MinimalActionSet { get; }

    /// <summary>The legal action set (all 18 ALE action ids).</summary>
    IReadOnlyList<int> LegalActionSet { get; }

    /// <summary>The complete emulator state including its random stream (the ALE's
    /// <c>cloneState(include_rng: true)</c>), as bytes.</summary>
    byte[] SaveState();

    /// <summary>Restores a state written by <see cref="SaveState"/> for the same ROM.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a state of this emulator.</exception>
    void RestoreState(ReadOnlySpan<byte> state);
}
