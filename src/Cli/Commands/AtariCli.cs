using Research.DeepAgents.Environments;
using Research.DeepAgents.Environments.Atari;

namespace Research.Cli.Commands;

/// <summary>
/// <c>atari:&lt;game&gt;</c> for the <c>prox env</c> commands: the game on the ALE shim with the paper's
/// preprocessing (docs/atari.md). A missing shim, ROM directory or ROM and a wrong ROM become
/// <see cref="ArgumentException"/>s with the library's message (exit 2, no stack trace).
/// </summary>
public static class AtariCli
{
    /// <summary>The prefix of Atari ids.</summary>
    public const string Prefix = AtariEnvironment.Prefix;

    /// <summary>Creates <paramref name="id"/> (single frames) with the ROMs of
    /// <paramref name="romDirectory"/> (null = ALE_ROM_DIR) in a game mode and difficulty (-1 = the
    /// game's own; one the ROM lacks is an <see cref="AtariModeException"/>, an
    /// <see cref="ArgumentException"/>).</summary>
    public static AtariPreprocessing Open(string id, string? romDirectory, int seed, double stickyActionProbability,
                                          int mode = -1, int difficulty = -1) =>
        Guard(() => (AtariPreprocessing)AtariEnvironment.Create(id,
            new EnvironmentOptions(Seed: seed, StickyActionProbability: stickyActionProbability, MinimalActions: true),
            new AtariOptions(RomDirectory: romDirectory, Mode: mode, Difficulty: difficulty)));

    /// <summary>Runs <paramref name="body"/>, turning the setup errors of the ALE into
    /// <see cref="ArgumentException"/>.</summary>
    public static T Guard<T>(Func<T> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is DllNotFoundException or FileNotFoundException or InvalidDataException or AleException)
        {
            throw new ArgumentException(e.Message, e);
        }
    }
}
