using System.Runtime.InteropServices;
using System.Text;

namespace Research.DeepAgents.Environments.Atari;

/// <summary>
/// The C surface of <c>libprox_ale.so</c> (native/ale/ale_shim.h) as function pointers, with every call's
/// error code turned into an <see cref="AleException"/> carrying the shim's message. One per emulator.
/// </summary>
internal sealed unsafe class AleShim
{
    const int Ok = 0, TooSmall = 2;
    readonly delegate* unmanaged[Cdecl]<byte*, int, int> _lastError;
    readonly delegate* unmanaged[Cdecl]<byte*, int, int> _version;
    readonly delegate* unmanaged[Cdecl]<byte*, byte*, int> _gameMd5;
    readonly delegate* unmanaged[Cdecl]<byte*, byte*, int, int*, int> _romGame;
    readonly delegate* unmanaged[Cdecl]<int, byte*, int, int*, int> _actionName;
    readonly delegate* unmanaged[Cdecl]<nint*, int> _create;
    readonly delegate* unmanaged[Cdecl]<nint, void> _destroy;
    readonly delegate* unmanaged[Cdecl]<nint, byte*, int, int, int, int> _load;
    readonly delegate* unmanaged[Cdecl]<nint, int, int*, int> _act;
    readonly delegate* unmanaged[Cdecl]<nint, int*, int> _gameOver, _lives;
    readonly delegate* unmanaged[Cdecl]<nint, int> _reset;
    readonly delegate* unmanaged[Cdecl]<nint, int*, int*, int> _frameNumber, _screenSize, _mode;
    readonly delegate* unmanaged[Cdecl]<nint, byte*, int, int> _grayscale, _rgb;
    readonly delegate* unmanaged[Cdecl]<nint, int, int*, int, int*, int> _list;
    readonly delegate* unmanaged[Cdecl]<nint, byte*, int, int*, int> _saveState;
    readonly delegate* unmanaged[Cdecl]<nint, byte*, int, int> _restoreState;

    /// <summary>Opens the library (<see cref="AleLibrary.Load"/>) and binds every function.</summary>
    public AleShim(string? libraryPath)
    {
        var (handle, path) = AleLibrary.Load(libraryPath);
        LibraryPath = path;
        var missing = new List<string>();
        nint F(string name)
        {
            if (NativeLibrary.TryGetExport(handle, name, out nint address)) return address;
            missing.Add(name);
            return 0;
        }
        _lastError = (delegate* unmanaged[Cdecl]<byte*, int, int>)F("prox_ale_last_error");
        _version = (delegate* unmanaged[Cdecl]<byte*, int, int>)F("prox_ale_version");
        _gameMd5 = (delegate* unmanaged[Cdecl]<byte*, byte*, int>)F("prox_ale_game_md5");
        _romGame = (delegate* unmanaged[Cdecl]<byte*, byte*, int, int*, int>)F("prox_ale_rom_game");
        _actionName = (delegate* unmanaged[Cdecl]<int, byte*, int, int*, int>)F("prox_ale_action_name");
        _create = (delegate* unmanaged[Cdecl]<nint*, int>)F("prox_ale_create");
        _destroy = (delegate* unmanaged[Cdecl]<nint, void>)F("prox_ale_destroy");
        _load = (delegate* unmanaged[Cdecl]<nint, byte*, int, int, int, int>)F("prox_ale_load");
        _act = (delegate* unmanaged[Cdecl]<nint, int, int*, int>)F("prox_ale_act");
        _gameOver = (delegate* unmanaged[Cdecl]<nint, int*, int>)F("prox_ale_game_over");
        _lives = (delegate* unmanaged[Cdecl]<nint, int*, int>)F("prox_ale_lives");
        _reset = (delegate* unmanaged[Cdecl]<nint, int>)F("prox_ale_reset");
        _frameNumber = (delegate* unmanaged[Cdecl]<nint, int*, int*, int>)F("prox_ale_frame_number");
        _screenSize = (delegate* unmanaged[Cdecl]<nint, int*, int*, int>)F("prox_ale_screen_size");
        _mode = (delegate* unmanaged[Cdecl]<nint, int*, int*, int>)F("prox_ale_mode");
        _grayscale = (delegate* unmanaged[Cdecl]<nint, byte*, int, int>)F("prox_ale_screen_grayscale");
        _rgb = (delegate* unmanaged[Cdecl]<nint, byte*, int, int>)F("prox_ale_screen_rgb");
        _list = (delegate* unmanaged[Cdecl]<nint, int, int*, int, int*, int>)F("prox_ale_list");
        _saveState = (delegate* unmanaged[Cdecl]<nint, byte*, int, int*, int>)F("prox_ale_save_state");
        _restoreState = (delegate* unmanaged[Cdecl]<nint, byte*, int, int>)F("prox_ale_restore_state");
        if (missing.Count > 0)
            throw new DllNotFoundException(
                $"'{path}' lacks {string.Join(", ", missing)}; rebuild it with `{AleLibrary.BuildCommand}` (docs/atari.md).");
    }

    public string LibraryPath { get; }

    public string Version()
    {
        byte* buffer = stackalloc byte[64];
        Check(_version(buffer, 64));
        return Marshal.PtrToStringUTF8((nint)buffer) ?? "";
    }

    /// <summary>The MD5 the ALE expects for <paramref name="game"/>,
    /// or null if it has no such game.</summary>
    public string? GameMd5(string game)
    {
        byte* md5 = stackalloc byte[33];
        int code;
        fixed (byte* g = Utf8(game)) code = _gameMd5(g, md5);
        return code == Ok ? Marshal.PtrToStringUTF8((nint)md5) : null;
    }

    /// <summary>The game whose MD5 the file at <paramref name="path"/> has, or null.</summary>
    public string? RomGame(string path)
    {
        byte[] p = Utf8(path);
        string game = Text((b, n, len) => { fixed (byte* q = p) return _romGame(q, b, n, len); });
        return game.Length == 0 ? null : game;
    }

    public string ActionName(int action) => Text((b, n, len) => _actionName(action, b, n, len));

    public nint Create()
    {
        nint handle;
        Check(_create(&handle));
        return handle;
    }

    public void Destroy(nint handle) => _destroy(handle);

    public void Load(nint h, string romPath, int seed, int mode, int difficulty)
    {
        fixed (byte* p = Utf8(romPath)) Check(_load(h, p, seed, mode, difficulty));
    }

    public int Act(nint h, int action)
    {
        int reward;
        Check(_act(h, action, &reward));
        return reward;
    }

    public bool GameOver(nint h)
    {
        int over;
        Check(_gameOver(h, &over));
        return over != 0;
    }

    public int Lives(nint h)
    {
        int lives;
        Check(_lives(h, &lives));
        return lives;
    }

    public void Reset(nint h) => Check(_reset(h));

    public (int Frame, int EpisodeFrame) FrameNumber(nint h) => Pair(h, _frameNumber);

    public (int Height, int Width) ScreenSize(nint h) => Pair(h, _screenSize);

    public (int Mode, int Difficulty) Mode(nint h) => Pair(h, _mode);

    public void Grayscale(nint h, Span<byte> destination)
    {
        fixed (byte* p = destination) Check(_grayscale(h, p, destination.Length));
    }

    public void Rgb(nint h, Span<byte> destination)
    {
        fixed (byte* p = destination) Check(_rgb(h, p, destination.Length));
    }

    /// <summary>List <paramref name="which"/>: 0 minimal actions,
    /// 1 legal actions, 2 modes, 3 difficulties.</summary>
    public int[] List(nint h, int which)
    {
        int* values = stackalloc int[256];
        int count;
        Check(_list(h, which, values, 256, &count));
        return new ReadOnlySpan<int>(values, count).ToArray();
    }

    public byte[] SaveState(nint h)
    {
        var buffer = new byte[32 * 1024];
        int length, code;
        fixed (byte* p = buffer) code = _saveState(h, p, buffer.Length, &length);
        if (code == TooSmall)
        {
            buffer = new byte[length];
            fixed (byte* p = buffer) code = _saveState(h, p, buffer.Length, &length);
        }
        Check(code);
        return buffer.AsSpan(0, length).ToArray();
    }

    public void RestoreState(nint h, ReadOnlySpan<byte> state)
    {
        fixed (byte* p = state) Check(_restoreState(h, p, state.Length));
    }

    delegate int TextCall(byte* buffer, int capacity, int* length);

    string Text(TextCall call)
    {
        byte* buffer = stackalloc byte[512];
        int length;
        Check(call(buffer, 512, &length));
        return Encoding.UTF8.GetString(buffer, Math.Min(length, 511));
    }

    (int, int) Pair(nint h, delegate* unmanaged[Cdecl]<nint, int*, int*, int> call)
    {
        int a, b;
        Check(call(h, &a, &b));
        return (a, b);
    }

    void Check(int code)
    {
        if (code == Ok) return;
        byte* buffer = stackalloc byte[1024];
        int length = _lastError(buffer, 1024);
        throw new AleException(Encoding.UTF8.GetString(buffer, Math.Min(length, 1023)));
    }

    static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text + "\0");
}

/// <summary>An error the ALE shim reported (its message); the
/// process and the emulator instance stay usable.</summary>
public sealed class AleException(string message) : InvalidOperationException("ALE: " + message);
