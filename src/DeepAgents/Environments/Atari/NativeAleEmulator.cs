using System.Runtime.InteropServices;
using System.Text;

namespace Research.DeepAgents.Environments.Atari;

/// <summary>
/// The Arcade Learning Environment through its C interface (<c>ale_c_wrapper.h</c> of ALE 0.6: <c>ALE_new</c>,
/// <c>loadROM</c>, <c>act</c>, <c>game_over</c>, ...), in a library the user supplies (<see cref="AleLibrary"/>).
/// Before loading a ROM it sets <c>random_seed</c> and <c>repeat_action_probability = 0</c> (the ALE's own sticky
/// actions, 0.25 by default in ALE 0.6, are off: <see cref="AtariPreprocessing"/> implements them).
/// Not tested in this repository (no ALE here) beyond the missing-library error; docs/atari.md.
/// One instance per thread; not thread-safe.
/// </summary>
public sealed unsafe class NativeAleEmulator : IAtariEmulator
{
    readonly delegate* unmanaged[Cdecl]<nint> _new;
    readonly delegate* unmanaged[Cdecl]<nint, void> _delete;
    readonly delegate* unmanaged[Cdecl]<nint, byte*, int, void> _setInt;
    readonly delegate* unmanaged[Cdecl]<nint, byte*, float, void> _setFloat;
    readonly delegate* unmanaged[Cdecl]<nint, byte*, void> _loadRom;
    readonly delegate* unmanaged[Cdecl]<nint, int, int> _act;
    readonly delegate* unmanaged[Cdecl]<nint, void> _resetGame;
    readonly delegate* unmanaged[Cdecl]<nint, byte> _gameOver;
    readonly delegate* unmanaged[Cdecl]<nint, int> _lives;
    readonly delegate* unmanaged[Cdecl]<nint, int> _legalSize, _minimalSize, _screenWidth, _screenHeight;
    readonly delegate* unmanaged[Cdecl]<nint, int*, void> _legalSet, _minimalSet;
    readonly delegate* unmanaged[Cdecl]<nint, byte*, void> _screenGrayscale, _screenRgb;
    readonly delegate* unmanaged[Cdecl]<nint, nint> _cloneSystemState;
    readonly delegate* unmanaged[Cdecl]<nint, nint, void> _restoreSystemState;
    readonly delegate* unmanaged[Cdecl]<nint, void> _deleteState;
    readonly delegate* unmanaged[Cdecl]<nint, byte*, int, void> _encodeState;
    readonly delegate* unmanaged[Cdecl]<nint, int> _encodeStateLength;
    readonly delegate* unmanaged[Cdecl]<byte*, int, nint> _decodeState;
    nint _ale;
    int[] _minimal = [], _legal = [];
    bool _loaded;

    /// <summary>Opens the ALE C library (<paramref name="libraryPath"/>, else <c>ALE_LIBRARY</c>, else the search path) and creates an ALE instance.</summary>
    /// <exception cref="DllNotFoundException">The library was not found (the message says where it looked and how to get it).</exception>
    /// <exception cref="EntryPointNotFoundException">The library lacks functions of the ALE C interface (the message lists them).</exception>
    public NativeAleEmulator(string? libraryPath = null)
    {
        var (handle, path) = AleLibrary.Load(libraryPath);
        LibraryPath = path;
        var missing = new List<string>();
        nint Export(string name)
        {
            if (NativeLibrary.TryGetExport(handle, name, out nint address)) return address;
            missing.Add(name);
            return 0;
        }
        _new = (delegate* unmanaged[Cdecl]<nint>)Export("ALE_new");
        _delete = (delegate* unmanaged[Cdecl]<nint, void>)Export("ALE_del");
        _setInt = (delegate* unmanaged[Cdecl]<nint, byte*, int, void>)Export("setInt");
        _setFloat = (delegate* unmanaged[Cdecl]<nint, byte*, float, void>)Export("setFloat");
        _loadRom = (delegate* unmanaged[Cdecl]<nint, byte*, void>)Export("loadROM");
        _act = (delegate* unmanaged[Cdecl]<nint, int, int>)Export("act");
        _resetGame = (delegate* unmanaged[Cdecl]<nint, void>)Export("reset_game");
        _gameOver = (delegate* unmanaged[Cdecl]<nint, byte>)Export("game_over");
        _lives = (delegate* unmanaged[Cdecl]<nint, int>)Export("lives");
        _legalSize = (delegate* unmanaged[Cdecl]<nint, int>)Export("getLegalActionSize");
        _legalSet = (delegate* unmanaged[Cdecl]<nint, int*, void>)Export("getLegalActionSet");
        _minimalSize = (delegate* unmanaged[Cdecl]<nint, int>)Export("getMinimalActionSize");
        _minimalSet = (delegate* unmanaged[Cdecl]<nint, int*, void>)Export("getMinimalActionSet");
        _screenWidth = (delegate* unmanaged[Cdecl]<nint, int>)Export("getScreenWidth");
        _screenHeight = (delegate* unmanaged[Cdecl]<nint, int>)Export("getScreenHeight");
        _screenGrayscale = (delegate* unmanaged[Cdecl]<nint, byte*, void>)Export("getScreenGrayscale");
        _screenRgb = (delegate* unmanaged[Cdecl]<nint, byte*, void>)Export("getScreenRGB");
        _cloneSystemState = (delegate* unmanaged[Cdecl]<nint, nint>)Export("cloneSystemState");
        _restoreSystemState = (delegate* unmanaged[Cdecl]<nint, nint, void>)Export("restoreSystemState");
        _deleteState = (delegate* unmanaged[Cdecl]<nint, void>)Export("deleteState");
        _encodeState = (delegate* unmanaged[Cdecl]<nint, byte*, int, void>)Export("encodeState");
        _encodeStateLength = (delegate* unmanaged[Cdecl]<nint, int>)Export("encodeStateLen");
        _decodeState = (delegate* unmanaged[Cdecl]<byte*, int, nint>)Export("decodeState");
        if (missing.Count > 0)
            throw new EntryPointNotFoundException(
                $"'{path}' is not an ALE C library with the interface this project uses: it lacks {string.Join(", ", missing)}. " +
                "Use the C interface of ALE 0.6.x (ale_c_wrapper); see docs/atari.md, \"Plugging in the ALE\".");
        _ale = _new();
        if (_ale == 0) throw new InvalidOperationException($"ALE_new in '{path}' returned a null instance.");
    }

    /// <summary>The library that was opened.</summary>
    public string LibraryPath { get; }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A ROM is already loaded, or the emulator reports a screen other than 210 x 160.</exception>
    public void LoadRom(string romPath, int seed)
    {
        ArgumentNullException.ThrowIfNull(romPath);
        var ale = Instance;
        if (_loaded) throw new InvalidOperationException("NativeAleEmulator: a ROM is already loaded; create a new emulator for another ROM.");
        if (!File.Exists(romPath))
            throw new FileNotFoundException($"Atari ROM '{romPath}' does not exist. ROMs are not shipped; see docs/atari.md, \"ROMs\".", romPath);
        if (seed < 0) throw new ArgumentOutOfRangeException(nameof(seed), seed, "The ALE's random_seed must be >= 0.");
        WithUtf8("random_seed", key => _setInt(ale, key, seed));
        WithUtf8("repeat_action_probability", key => _setFloat(ale, key, 0f));
        WithUtf8(Path.GetFullPath(romPath), path => _loadRom(ale, path));
        int width = _screenWidth(ale), height = _screenHeight(ale);
        if (width != IAtariEmulator.ScreenWidth || height != IAtariEmulator.ScreenHeight)
            throw new InvalidOperationException(
                $"The ALE reports a {height} x {width} screen for '{romPath}'; the preprocessing needs {IAtariEmulator.ScreenHeight} x {IAtariEmulator.ScreenWidth}.");
        _minimal = ReadSet(_minimalSize(ale), p => _minimalSet(ale, p));
        _legal = ReadSet(_legalSize(ale), p => _legalSet(ale, p));
        _loaded = true;
    }

    /// <inheritdoc />
    public int Act(int action)
    {
        if (!AtariActions.IsValid(action))
            throw new ArgumentOutOfRangeException(nameof(action), action, $"ALE action ids are 0..{AtariActions.Count - 1}.");
        return _act(Loaded, action);
    }

    /// <inheritdoc />
    public bool GameOver => _gameOver(Loaded) != 0;

    /// <inheritdoc />
    public int Lives => _lives(Loaded);

    /// <inheritdoc />
    public void ResetGame() => _resetGame(Loaded);

    /// <inheritdoc />
    public void GetScreenGrayscale(Span<byte> destination)
    {
        CheckLength(destination.Length, IAtariEmulator.GrayscaleSize);
        fixed (byte* p = destination) _screenGrayscale(Loaded, p);
    }

    /// <inheritdoc />
    public void GetScreenRgb(Span<byte> destination)
    {
        CheckLength(destination.Length, IAtariEmulator.RgbSize);
        fixed (byte* p = destination) _screenRgb(Loaded, p);
    }

    /// <inheritdoc />
    public IReadOnlyList<int> MinimalActionSet => _loaded ? _minimal : throw NotLoaded();

    /// <inheritdoc />
    public IReadOnlyList<int> LegalActionSet => _loaded ? _legal : throw NotLoaded();

    /// <inheritdoc />
    public byte[] SaveState()
    {
        nint state = _cloneSystemState(Loaded);
        try
        {
            var bytes = new byte[_encodeStateLength(state)];
            fixed (byte* p = bytes) _encodeState(state, p, bytes.Length);
            return bytes;
        }
        finally { _deleteState(state); }
    }

    /// <inheritdoc />
    public void RestoreState(ReadOnlySpan<byte> state)
    {
        var ale = Loaded;
        if (state.IsEmpty) throw new InvalidDataException("Empty ALE state.");
        nint decoded;
        fixed (byte* p = state) decoded = _decodeState(p, state.Length);
        if (decoded == 0) throw new InvalidDataException($"The ALE could not decode a {state.Length}-byte state.");
        try { _restoreSystemState(ale, decoded); }
        finally { _deleteState(decoded); }
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
        if (_ale != 0) { _delete(_ale); _ale = 0; }
    }

    nint Instance => _ale != 0 ? _ale : throw new ObjectDisposedException(nameof(NativeAleEmulator));

    nint Loaded => _loaded ? Instance : throw NotLoaded();

    static InvalidOperationException NotLoaded() => new("NativeAleEmulator: call LoadRom before using the emulator.");

    delegate void Utf8Action(byte* text);
    delegate void IntsAction(int* values);

    static void WithUtf8(string text, Utf8Action action)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text + "\0");
        fixed (byte* p = bytes) action(p);
    }

    static int[] ReadSet(int size, IntsAction read)
    {
        if (size < 1 || size > AtariActions.Count)
            throw new InvalidOperationException($"The ALE reports an action set of {size} actions; expected 1..{AtariActions.Count}.");
        var set = new int[size];
        fixed (int* p = set) read(p);
        AtariActions.ValidateSet(set, "the ALE's action set");
        return set;
    }

    static void CheckLength(int length, int needed)
    {
        if (length < needed)
            throw new ArgumentException($"Screen buffer has {length} bytes; the screen needs {needed}.", "destination");
    }
}
