namespace Research.DeepAgents.Environments.Atari;

/// <summary>
/// Creates <c>atari:&lt;game&gt;</c> environments on the native ALE (docs/atari.md): the ROM
/// <c>&lt;RomDirectory&gt;/&lt;game&gt;.bin</c> (ALE file names, e.g. <c>breakout</c>, <c>space_invaders</c>)
/// (MD5-checked) in <see cref="NativeAleEmulator"/> under <see cref="AtariPreprocessing"/>, wrapped in a
/// <see cref="FrameStack"/> when <see cref="AtariOptions.FrameStack"/> &gt; 1.
/// </summary>
public static class AtariEnvironment
{
    /// <summary>The id prefix: <c>atari:</c>.</summary>
    public const string Prefix = "atari:";

    /// <summary>The environment variable naming the ROM directory when
    /// <see cref="AtariOptions.RomDirectory"/> is null.</summary>
    public const string RomDirectoryVariable = "ALE_ROM_DIR";

    /// <summary>
    /// Creates game <paramref name="game"/> (with or without the <c>atari:</c> prefix). From
    /// <paramref name="options"/> it takes <c>Seed</c>,
    /// <c>StickyActionProbability</c> and <c>MinimalActions</c>
    /// (so the paper's protocol needs sticky 0 and MinimalActions true there; <c>DifficultyRamping</c> is
    /// ignored); everything else comes from <paramref name="atari"/> (default: the paper's protocol).
    /// Without <paramref name="options"/> all values come from <paramref name="atari"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid game name or options; no ROM directory given.</exception>
    /// <exception cref="ArgumentException">The ALE has no such game.</exception>
    /// <exception cref="FileNotFoundException">The ROM file does not exist.</exception>
    /// <exception cref="InvalidDataException">The ROM file is not the one the ALE expects (MD5).</exception>
    /// <exception cref="DllNotFoundException">The ALE shim was not
    /// found (docs/atari.md, "Building the shim").</exception>
    public static IEnvironment Create(string game, EnvironmentOptions? options = null, AtariOptions? atari = null)
    {
        ArgumentNullException.ThrowIfNull(game);
        string name = game.StartsWith(Prefix, StringComparison.Ordinal) ? game[Prefix.Length..] : game;
        if (name.Length == 0 || !name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            throw new ArgumentException(
                $"Atari game name '{name}' must be an ALE ROM name: lower-case letters, digits and '_' (e.g. breakout, space_invaders).", nameof(game));
        var resolved = atari ?? AtariOptions.Paper;
        if (options is not null)
        {
            options.Validate();
            resolved = resolved with
            {
                Seed = options.Seed,
                StickyActionProbability = options.StickyActionProbability,
                MinimalActions = options.MinimalActions,
            };
        }
        resolved.Validate();
        var emulator = new NativeAleEmulator(resolved.AleLibrary);
        try
        {
            CheckGame(emulator, name);
            string romPath = RomPath(name, resolved.RomDirectory);
            return Wrap(new AtariPreprocessing(emulator, romPath, resolved, Prefix + name), resolved.FrameStack);
        }
        catch
        {
            emulator.Dispose();
            throw;
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> when
    /// the ALE has no game <paramref name="game"/>.</summary>
    public static void CheckGame(NativeAleEmulator emulator, string game)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        if (emulator.ExpectedMd5(game) is null)
            throw new ArgumentException(
                $"The ALE {emulator.AleVersion} has no game '{game}': use an ALE ROM name (lower case with underscores, " +
                "e.g. breakout, space_invaders, ms_pacman, tetris).", nameof(game));
    }

    /// <summary>Wraps <paramref name="environment"/> in a <see cref="FrameStack"/> of
    /// <paramref name="frames"/> when frames &gt; 1.</summary>
    public static IEnvironment Wrap(AtariPreprocessing environment, int frames) =>
        frames > 1 ? new FrameStack(environment, frames) : environment;

    /// <summary>The ROM file of <paramref name="game"/>: <c>&lt;directory&gt;/&lt;game&gt;.bin</c>, the
    /// directory from the argument or <c>ALE_ROM_DIR</c>.</summary>
    /// <exception cref="ArgumentException">Neither gives a directory.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static string RomPath(string game, string? romDirectory)
    {
        string? directory = !string.IsNullOrWhiteSpace(romDirectory) ? romDirectory : Environment.GetEnvironmentVariable(RomDirectoryVariable);
        if (string.IsNullOrWhiteSpace(directory))
            throw new ArgumentException(
                $"No ROM directory for atari:{game}: set AtariOptions.RomDirectory or the {RomDirectoryVariable} environment variable " +
                $"(--set rom-dir=DIR) to a directory holding {game}.bin. {NativeAleEmulator.RomSource}", nameof(romDirectory));
        string path = Path.Combine(directory, game + ".bin");
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"ROM for atari:{game} not found: '{path}' does not exist. {NativeAleEmulator.RomSource}", path);
        return path;
    }
}
