using System.Security.Cryptography;

namespace Research.DeepAgents.Environments.Atari;

/// <summary>
/// The Arcade Learning Environment 0.12 through the toolkit's
/// shim <c>libprox_ale.so</c> (native/ale/, built by
/// <c>bash native/ale/build.sh</c>; docs/atari.md). Every
/// ROM is MD5-checked before the ALE sees it; the shim sets
/// <c>random_seed</c>, <c>repeat_action_probability = 0</c> (sticky actions live in
/// <see cref="AtariPreprocessing"/>) and <c>frame_skip = 1</c> before <c>loadROM</c>. Bad input is an
/// exception; the process is never ended. Checked frame for frame against the native ALE
/// (tests/DeepAgents.Tests/AleConformanceTests.fs). One instance per thread; not thread-safe.
/// </summary>
public sealed class NativeAleEmulator : IAtariEmulator
{
    /// <summary>Where good ROMs come from (used in the errors).</summary>
    public const string RomSource =
        "Good ROMs: the ALE's Python package ships them (`pip install ale-py`: the .bin files in ale_py/roms/, " +
        "named as the ALE names its games); their licences are the user's responsibility. See docs/atari.md, \"ROMs\".";

    readonly AleShim _shim;
    nint _ale;
    int[] _minimal = [], _legal = [];
    bool _loaded;

    /// <summary>Opens the shim (<paramref name="libraryPath"/>, else <c>ALE_LIBRARY</c>, else
    /// native/ale/out/) and creates an ALE instance.</summary>
    /// <exception cref="DllNotFoundException">The library was not found or
    /// is not the shim (the message names the build command).</exception>
    public NativeAleEmulator(string? libraryPath = null)
    {
        _shim = new AleShim(libraryPath);
        _ale = _shim.Create();
    }

    /// <summary>The library that was opened.</summary>
    public string LibraryPath => _shim.LibraryPath;

    /// <summary>The ALE's version ("0.12.1").</summary>
    public string AleVersion => _shim.Version();

    /// <summary>The loaded ROM's file, its MD5 and the ALE's game name.</summary>
    public string RomPath { get; private set; } = "";

    /// <inheritdoc cref="RomPath"/>
    public string RomMd5 { get; private set; } = "";

    /// <inheritdoc cref="RomPath"/>
    public string Game { get; private set; } = "";

    /// <summary>The MD5 the ALE expects for game <paramref name="game"/> (ALE
    /// name, e.g. <c>breakout</c>), or null if it has no such game.</summary>
    public string? ExpectedMd5(string game) => _shim.GameMd5(game);

    /// <summary>The ALE's name of action id 0..17 (<c>PLAYER_A_NOOP</c>, ...).</summary>
    public string ActionName(int action)
    {
        CheckAction(action);
        return _shim.ActionName(action);
    }

    /// <summary>
    /// Checks that <paramref name="romPath"/> holds the ROM the ALE expects for the game its file name names
    /// (<c>tetris.bin</c> = tetris), by MD5; returns (game, MD5).
    /// </summary>
    /// <exception cref="FileNotFoundException">No file.</exception>
    /// <exception cref="InvalidDataException">Unreadable, or the wrong bytes: the message names the expected
    /// game and MD5, the MD5 found and where good ROMs come from.</exception>
    public (string Game, string Md5) CheckRom(string romPath)
    {
        ArgumentNullException.ThrowIfNull(romPath);
        if (!File.Exists(romPath))
            throw new FileNotFoundException($"Atari ROM '{romPath}' does not exist. {RomSource}", romPath);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(romPath); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"Atari ROM '{romPath}' cannot be read: {e.Message}", e);
        }
        string md5 = Convert.ToHexStringLower(MD5.HashData(bytes));
        string game = Path.GetFileNameWithoutExtension(romPath);
        string? expected = _shim.GameMd5(game);
        if (string.Equals(expected, md5, StringComparison.OrdinalIgnoreCase)) return (game, md5);
        // Only the error path asks the ALE which game the bytes are (it reads and hashes the file again).
        string? found = _shim.RomGame(romPath);
        if (expected is not null && found == game) return (game, md5);
        throw new InvalidDataException((expected, found) switch
        {
            (not null, null) => $"Atari ROM '{romPath}' is not the ALE's {game}: MD5 {md5}, expected {expected}. {RomSource}",
            (not null, _) => $"Atari ROM '{romPath}' holds the ALE's {found}, not {game} (MD5 {md5}, expected {expected}). {RomSource}",
            (null, null) => $"Atari ROM '{romPath}': the ALE has no game '{game}' and no game with MD5 {md5}. {RomSource}",
            (null, _) => $"Atari ROM '{romPath}' holds the ALE's {found} (MD5 {md5}); name it {found}.bin. {RomSource}",
        });
    }

    /// <inheritdoc />
    public void LoadRom(string romPath, int seed) => LoadRom(romPath, seed, -1, -1);

    /// <summary>Loads the ROM with game mode <paramref name="mode"/> and difficulty
    /// <paramref name="difficulty"/> (-1 = the game's default).</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="romPath"/>.</exception>
    /// <exception cref="InvalidDataException">Not the ROM
    /// the ALE expects (<see cref="CheckRom"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative seed.</exception>
    /// <exception cref="AtariModeException">A mode or difficulty the game does not have.</exception>
    public void LoadRom(string romPath, int seed, int mode, int difficulty)
    {
        var ale = Instance;
        if (_loaded) throw new InvalidOperationException("NativeAleEmulator: a ROM is already loaded; create a new emulator for another ROM.");
        if (seed < 0) throw new ArgumentOutOfRangeException(nameof(seed), seed, "The ALE's random_seed must be >= 0.");
        var (game, md5) = CheckRom(romPath);
        try
        {
            _shim.Load(ale, Path.GetFullPath(romPath), seed, mode, difficulty);
        }
        catch (AleException) when (mode >= 0 || difficulty >= 0)
        {
            // The shim loaded the ROM before the ALE refused the selection, so the lists can be read.
            var modes = _shim.List(ale, 2);
            if (mode >= 0 && !modes.Contains(mode)) throw new AtariModeException("mode", mode, modes, game);
            throw new AtariModeException("difficulty", difficulty, _shim.List(ale, 3), game);
        }
        _loaded = true;
        var (height, width) = _shim.ScreenSize(ale);
        if (width != IAtariEmulator.ScreenWidth || height != IAtariEmulator.ScreenHeight)
            throw new InvalidOperationException(
                $"The ALE reports a {height} x {width} screen for '{romPath}'; the preprocessing needs {IAtariEmulator.ScreenHeight} x {IAtariEmulator.ScreenWidth}.");
        _minimal = _shim.List(ale, 0);
        _legal = _shim.List(ale, 1);
        AtariActions.ValidateSet(_minimal, "the ALE's minimal action set");
        AtariActions.ValidateSet(_legal, "the ALE's legal action set");
        (RomPath, RomMd5, Game) = (romPath, md5, game);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">The id is outside 0..17.</exception>
    public int Act(int action)
    {
        CheckAction(action);
        return _shim.Act(Loaded, action);
    }

    /// <inheritdoc />
    public bool GameOver => _shim.GameOver(Loaded);

    /// <inheritdoc />
    public int Lives => _shim.Lives(Loaded);

    /// <inheritdoc />
    public void ResetGame() => _shim.Reset(Loaded);

    /// <summary>Frames emulated since the ROM was loaded and since the
    /// episode started (reset frames excluded, as in the ALE).</summary>
    public (int Frame, int EpisodeFrame) FrameNumber => _shim.FrameNumber(Loaded);

    /// <summary>The game's available modes and difficulties, and the current ones.</summary>
    public IReadOnlyList<int> Modes => _shim.List(Loaded, 2);

    /// <inheritdoc cref="Modes"/>
    public IReadOnlyList<int> Difficulties => _shim.List(Loaded, 3);

    /// <inheritdoc cref="Modes"/>
    public (int Mode, int Difficulty) CurrentMode => _shim.Mode(Loaded);

    /// <inheritdoc />
    public void GetScreenGrayscale(Span<byte> destination)
    {
        CheckLength(destination.Length, IAtariEmulator.GrayscaleSize);
        _shim.Grayscale(Loaded, destination);
    }

    /// <inheritdoc />
    public void GetScreenRgb(Span<byte> destination)
    {
        CheckLength(destination.Length, IAtariEmulator.RgbSize);
        _shim.Rgb(Loaded, destination);
    }

    /// <inheritdoc />
    public IReadOnlyList<int> MinimalActionSet => _loaded ? _minimal : throw NotLoaded();

    /// <inheritdoc />
    public IReadOnlyList<int> LegalActionSet => _loaded ? _legal : throw NotLoaded();

    /// <inheritdoc />
    /// <remarks>The ALE's <c>cloneState(include_rng: true)</c>,
    /// serialised, tagged with the ROM's MD5.</remarks>
    public byte[] SaveState() => _shim.SaveState(Loaded);

    /// <inheritdoc />
    public void RestoreState(ReadOnlySpan<byte> state)
    {
        var ale = Loaded;
        try { _shim.RestoreState(ale, state); }
        catch (AleException e) { throw new InvalidDataException($"Cannot restore an ALE state of {state.Length} bytes: {e.Message}", e); }
    }

    /// <summary>Deletes the ALE instance.</summary>
    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>Deletes the ALE instance if <see cref="Dispose"/> was not called.</summary>
    ~NativeAleEmulator() => Release();

    void Release()
    {
        if (_ale != 0) { _shim.Destroy(_ale); _ale = 0; }
    }

    nint Instance => _ale != 0 ? _ale : throw new ObjectDisposedException(nameof(NativeAleEmulator));

    nint Loaded => _loaded ? Instance : throw NotLoaded();

    static InvalidOperationException NotLoaded() => new("NativeAleEmulator: call LoadRom before using the emulator.");

    static void CheckAction(int action)
    {
        if (!AtariActions.IsValid(action))
            throw new ArgumentOutOfRangeException(nameof(action), action, $"ALE action ids are 0..{AtariActions.Count - 1}.");
    }

    static void CheckLength(int length, int needed)
    {
        if (length < needed)
            throw new ArgumentException($"Screen buffer has {length} bytes; the screen needs {needed}.", "destination");
    }
}
