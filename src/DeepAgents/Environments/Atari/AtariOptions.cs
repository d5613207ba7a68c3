namespace Research.DeepAgents.Environments.Atari;

/// <summary>
/// The preprocessing of <see cref="AtariPreprocessing"/> (docs/atari.md, "Protocol"). The defaults are the
/// paper's Atari protocol (docs/atari.md, "Protocol"): frame skip 4 with a max over
/// the last two frames, 84 x 84 grayscale, life loss terminal for learning, 27000-step cap, no sticky
/// actions, no no-op starts, the minimal action set.
/// </summary>
/// <param name="Seed">Seed of the wrapper's random stream (sticky actions, no-op starts) and, derived from
/// it, of the emulator (0..2^31-1).</param>
/// <param name="FrameSkip">Emulator frames per agent step, the action
/// repeated and the rewards summed (&gt;= 1; paper 4).</param>
/// <param name="TerminalOnLifeLoss">A life loss ends the learning episode
/// (Terminated); the game continues at the next <c>Reset()</c>.</param>
/// <param name="MaxEpisodeSteps">Agent steps per game before
/// truncation (paper 27000 = 108k frames); 0 = no cap.</param>
/// <param name="StickyActionProbability">Per emulator frame, probability in [0, 1] of repeating the previous
/// executed action instead of the agent's (paper 0; Machado et al. 0.25).</param>
/// <param name="NoopMax">No-op starts: after each new game, a uniform
/// number in 1..NoopMax of no-op frames (0 = off, as in the paper).</param>
/// <param name="MinimalActions">Act over the game's minimal action
/// set (Dopamine, the paper) instead of all 18 actions.</param>
/// <param name="ObservationHeight">Height of the resized screen (84).</param>
/// <param name="ObservationWidth">Width of the resized screen (84).</param>
/// <param name="FrameStack">Frames per observation from
/// <see cref="AtariEnvironment.Create(string, EnvironmentOptions?, AtariOptions?)"/>: 1 = single frames
/// (replay rebuilds stacks), k &gt; 1 = wrapped in a <see cref="FrameStack"/>.</param>
/// <param name="RomDirectory">Directory of ROM files <c>&lt;game&gt;.bin</c>;
/// null = the <c>ALE_ROM_DIR</c> environment variable.</param>
/// <param name="AleLibrary">Path of the ALE shim <c>libprox_ale.so</c>; null = the <c>ALE_LIBRARY</c>
/// environment variable, then native/ale/out/ (<see cref="Atari.AleLibrary"/>).</param>
/// <param name="Mode">The game mode (one of the ROM's modes, <c>prox env info</c> lists them); -1 = the
/// game's default (the ALE's: the first of its modes).</param>
/// <param name="Difficulty">The difficulty switch (one of the ROM's difficulties); -1 = the game's
/// default.</param>
public sealed record AtariOptions(
    int Seed = 0,
    int FrameSkip = 4,
    bool TerminalOnLifeLoss = true,
    int MaxEpisodeSteps = 27_000,
    double StickyActionProbability = 0.0,
    int NoopMax = 0,
    bool MinimalActions = true,
    int ObservationHeight = 84,
    int ObservationWidth = 84,
    int FrameStack = 1,
    string? RomDirectory = null,
    string? AleLibrary = null,
    int Mode = -1,
    int Difficulty = -1)
{
    /// <summary>The paper's protocol with seed 0 and single-frame observations.</summary>
    public static AtariOptions Paper { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming
    /// the field, the value and what is allowed.</summary>
    public void Validate()
    {
        if (Seed < 0) Fail(nameof(Seed), Seed, ">= 0");
        if (FrameSkip < 1) Fail(nameof(FrameSkip), FrameSkip, ">= 1");
        if (MaxEpisodeSteps < 0) Fail(nameof(MaxEpisodeSteps), MaxEpisodeSteps, ">= 0 (0 = no cap)");
        if (!(StickyActionProbability >= 0.0 && StickyActionProbability <= 1.0))
            Fail(nameof(StickyActionProbability), StickyActionProbability, "in [0, 1]");
        if (NoopMax < 0) Fail(nameof(NoopMax), NoopMax, ">= 0 (0 = off)");
        if (ObservationHeight < 1 || ObservationHeight > IAtariEmulator.ScreenHeight)
            Fail(nameof(ObservationHeight), ObservationHeight, $"in 1..{IAtariEmulator.ScreenHeight}");
        if (ObservationWidth < 1 || ObservationWidth > IAtariEmulator.ScreenWidth)
            Fail(nameof(ObservationWidth), ObservationWidth, $"in 1..{IAtariEmulator.ScreenWidth}");
        if (FrameStack < 1) Fail(nameof(FrameStack), FrameStack, ">= 1");
        if (Mode < -1) Fail(nameof(Mode), Mode, ">= 0, or -1 for the game's default");
        if (Difficulty < -1) Fail(nameof(Difficulty), Difficulty, ">= 0, or -1 for the game's default");
    }

    static void Fail(string field, object value, string allowed) =>
        throw new ArgumentException(
            $"AtariOptions.{field} must be {allowed}, got {Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)}.", field);
}
