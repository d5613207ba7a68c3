using System.Text;
using Research.Random;

namespace Research.DeepAgents.Environments.Atari;

/// <summary>
/// Dopamine's Atari preprocessing (<c>AtariPreprocessing</c>, atari_lib.py) on top of an
/// <see cref="IAtariEmulator"/>, as an <see cref="IEnvironment"/> with one 84 x 84 grayscale frame per
/// observation (<c>[1, 84, 84]</c>, Pixels); wrap it in a <see cref="FrameStack"/> for <c>[4, 84, 84]</c>.
/// Protocol and every value: docs/atari.md, "Protocol".
/// <list type="bullet">
/// <item>One <see cref="Step"/> = <see cref="AtariOptions.FrameSkip"/> emulator frames with the same action;
/// the reward is the sum of the frames' rewards, raw (unclipped: clip for learning with
/// <see cref="ClipReward"/> or <see cref="LastClippedReward"/>; the returns are reported raw).</item>
/// <item>The observation is the pixel-wise max of the last two frames this step emulated (one if it emulated
/// one), area-resized to 84 x 84 (<see cref="AreaResize"/>). Dopamine keeps the previous observation when a
/// step ends early on a terminal frame; this uses the frames actually emulated.</item>
/// <item>Game over ends the step at once (Terminated). With <see cref="AtariOptions.TerminalOnLifeLoss"/>, a
/// drop in lives also ends the step and is reported as Terminated, but the game goes on: the next
/// <see cref="Reset"/> continues it (Dopamine's runner starts a new agent episode without resetting the
/// environment). Every other <see cref="Reset"/> starts a new game.</item>
/// <item>After <see cref="AtariOptions.MaxEpisodeSteps"/> agent steps of one game the step reports Truncated
/// (unless it is terminal) and the game has ended.</item>
/// <item>Sticky actions (Machado et al. 2018), here rather than in the emulator: before each emulator frame,
/// with probability p the previous executed action is executed instead of the agent's. The previous action
/// is NOOP at a new game (as in the ALE). Draws come from this environment's MT19937 stream seeded with
/// <see cref="AtariOptions.Seed"/>; with p = 0 nothing is drawn.</item>
/// <item>No-op starts (off in the paper): after a new game, 1..NoopMax no-op frames (uniform from the same
/// stream), resetting again if the game ends during them; their rewards are dropped.</item>
/// </list>
/// The emulator is seeded with a value derived from the seed (<see cref="EmulatorSeed"/>), so the two
/// MT19937 streams differ. Step, Reset and Observe never allocate.
/// </summary>
public sealed class AtariPreprocessing : IEnvironment, ISnapshotEnvironment, IGameEnvironment, IDisposable
{
    const string SnapshotMagic = "atari-preprocessing/1";
    const int ScreenSize = IAtariEmulator.GrayscaleSize;
    readonly IAtariEmulator _emulator;
    readonly int[] _actionSet;
    readonly AreaResize _resize;
    readonly Mt19937 _random;
    readonly byte[] _screens = new byte[2 * ScreenSize]; // the last two emulated frames (slot = frame index in the step mod 2)
    readonly byte[] _pooled = new byte[ScreenSize];
    readonly byte[] _observation;
    int _lastExecuted;
    bool _gameOver, _capReached, _lifeLossPending;
    StepResult _endResult;

    /// <summary>
    /// Loads <paramref name="romPath"/> into <paramref name="emulator"/> (seeded with
    /// <see cref="EmulatorSeed"/>, in the options' game mode and difficulty), and starts a game. The
    /// environment owns the emulator and disposes it.
    /// </summary>
    /// <param name="emulator">The backend (not yet loaded).</param>
    /// <param name="romPath">The ROM file given to
    /// <see cref="IAtariEmulator.LoadRom(string, int, int, int)"/>.</param>
    /// <param name="options">Preprocessing options (default: the paper's protocol, seed 0).</param>
    /// <param name="name">Environment name (default
    /// <c>atari:&lt;ROM file name without extension&gt;</c>).</param>
    /// <exception cref="ArgumentException">Invalid options, or
    /// the emulator reports an invalid action set.</exception>
    public AtariPreprocessing(IAtariEmulator emulator, string romPath, AtariOptions? options = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        ArgumentNullException.ThrowIfNull(romPath);
        Options = options ?? AtariOptions.Paper;
        Options.Validate();
        _emulator = emulator;
        Name = name ?? "atari:" + Path.GetFileNameWithoutExtension(romPath);
        _random = new Mt19937((uint)Options.Seed);
        _resize = new AreaResize(IAtariEmulator.ScreenHeight, IAtariEmulator.ScreenWidth, Options.ObservationHeight, Options.ObservationWidth);
        _observation = new byte[Options.ObservationHeight * Options.ObservationWidth];
        Observation = new ObservationSpec(1, Options.ObservationHeight, Options.ObservationWidth, ObservationKind.Pixels);
        _emulator.LoadRom(romPath, EmulatorSeed(Options.Seed), Options.Mode, Options.Difficulty);
        _actionSet = [.. Options.MinimalActions ? _emulator.MinimalActionSet : _emulator.LegalActionSet];
        AtariActions.ValidateSet(_actionSet, Options.MinimalActions ? "the emulator's minimal action set" : "the emulator's legal action set");
        NewGame();
    }

    /// <summary>The seed given to the emulator: MurmurHash3's 32-bit
    /// finaliser of <c>seed + 0x9E3779B9</c>, masked to 31 bits.</summary>
    public static int EmulatorSeed(int seed)
    {
        uint x = unchecked((uint)seed + 0x9E3779B9u);
        x ^= x >> 16; x = unchecked(x * 0x85EBCA6Bu);
        x ^= x >> 13; x = unchecked(x * 0xC2B2AE35u);
        x ^= x >> 16;
        return (int)(x & 0x7FFFFFFFu);
    }

    /// <summary>The learning reward of Dopamine's runner:
    /// <paramref name="reward"/> clipped to [-1, 1].</summary>
    public static float ClipReward(float reward) => Math.Clamp(reward, -1f, 1f);

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The options this environment was created with.</summary>
    public AtariOptions Options { get; }

    /// <summary>The backend.</summary>
    public IAtariEmulator Emulator => _emulator;

    /// <summary>ALE action id of each agent action (the minimal or the legal set).</summary>
    public IReadOnlyList<int> ActionSet => _actionSet;

    /// <inheritdoc />
    public ObservationSpec Observation { get; }

    /// <inheritdoc />
    public int ActionCount => _actionSet.Length;

    /// <summary>Raw reward of the last step (also <see cref="StepResult.Reward"/>).</summary>
    public float LastRawReward { get; private set; }

    /// <summary>The last step's reward clipped to [-1, 1] (the
    /// learning reward of the paper's protocol).</summary>
    public float LastClippedReward => ClipReward(LastRawReward);

    /// <summary>Whether the last step lost a life (whether or not life loss is terminal).</summary>
    public bool LastStepLostLife { get; private set; }

    /// <summary>Emulator frames the last step emulated (FrameSkip,
    /// fewer if it ended on a terminal frame).</summary>
    public int LastStepFrames { get; private set; }

    /// <summary>The last ALE action executed (after stickiness).</summary>
    public int LastExecutedAction => _lastExecuted;

    /// <inheritdoc />
    public bool GameEnded => _gameOver || _capReached;

    /// <inheritdoc />
    public double GameReturn { get; private set; }

    /// <inheritdoc />
    public int GameSteps { get; private set; }

    /// <inheritdoc />
    public int Lives { get; private set; }

    /// <summary>The 210 x 160 max-pooled screen behind the current observation.</summary>
    public ReadOnlySpan<byte> PooledScreen => _pooled;

    /// <summary>
    /// Right after a step that lost a life with <see cref="AtariOptions.TerminalOnLifeLoss"/> (and did not
    /// end the game): starts the next learning episode in the same game, observation unchanged. Otherwise
    /// starts a new game (<see cref="NewGame"/>).
    /// </summary>
    public void Reset()
    {
        if (_lifeLossPending)
        {
            _lifeLossPending = false;
            return;
        }
        NewGame();
    }

    /// <summary>Starts a new game: emulator reset, optional no-op
    /// starts, counters cleared, previous action NOOP.</summary>
    public void NewGame()
    {
        _emulator.ResetGame();
        if (Options.NoopMax > 0)
        {
            int noops = _random.RandInt(1, Options.NoopMax + 1);
            for (int i = 0; i < noops; i++)
            {
                _emulator.Act((int)AtariAction.Noop);
                if (_emulator.GameOver) _emulator.ResetGame();
            }
        }
        _lastExecuted = (int)AtariAction.Noop;
        _gameOver = _capReached = _lifeLossPending = false;
        Lives = _emulator.Lives;
        GameSteps = 0;
        GameReturn = 0;
        LastRawReward = 0;
        LastStepLostLife = false;
        LastStepFrames = 0;
        _emulator.GetScreenGrayscale(_pooled);
        _resize.Resize(_pooled, _observation);
    }

    /// <inheritdoc />
    /// <remarks>After the game ended (game over or cap) it emulates nothing and repeats the flags of the
    /// ending step with reward 0; call <see cref="Reset"/>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The action is outside 0..ActionCount-1.</exception>
    public StepResult Step(int action)
    {
        if ((uint)action >= (uint)_actionSet.Length)
            throw new ArgumentOutOfRangeException(nameof(action), action,
                $"{Name}: action must be in 0..{_actionSet.Length - 1} ({(Options.MinimalActions ? "minimal" : "legal")} action set).");
        if (GameEnded) return _endResult with { Reward = 0f };
        _lifeLossPending = false;

        int agentAction = _actionSet[action];
        double sticky = Options.StickyActionProbability;
        int reward = 0, frames = 0;
        bool lostLife = false;
        while (frames < Options.FrameSkip)
        {
            int executed = sticky > 0 && _random.NextDouble() < sticky ? _lastExecuted : agentAction;
            _lastExecuted = executed;
            reward += _emulator.Act(executed);
            _emulator.GetScreenGrayscale(_screens.AsSpan((frames & 1) * ScreenSize, ScreenSize));
            frames++;
            if (_emulator.GameOver) { _gameOver = true; break; }
            int lives = _emulator.Lives;
            if (lives < Lives) lostLife = true;
            Lives = lives;
            if (lostLife && Options.TerminalOnLifeLoss) break;
        }
        Pool(frames);
        _resize.Resize(_pooled, _observation);

        GameSteps++;
        GameReturn += reward;
        LastRawReward = reward;
        LastStepLostLife = lostLife;
        LastStepFrames = frames;
        bool terminated = _gameOver || (lostLife && Options.TerminalOnLifeLoss);
        _capReached = !_gameOver && Options.MaxEpisodeSteps > 0 && GameSteps >= Options.MaxEpisodeSteps;
        _lifeLossPending = terminated && !GameEnded;
        var result = new StepResult(reward, terminated, _capReached && !terminated);
        if (GameEnded) _endResult = result;
        return result;
    }

    // The max of the last two emulated frames (slots 0 and 1), or slot 0 alone after one frame.
    void Pool(int frames)
    {
        var first = _screens.AsSpan(0, ScreenSize);
        if (frames == 1) { first.CopyTo(_pooled); return; }
        var second = _screens.AsSpan(ScreenSize, ScreenSize);
        var pooled = _pooled.AsSpan();
        int i = 0;
        for (int width = System.Numerics.Vector<byte>.Count; i + width <= ScreenSize; i += width)
            System.Numerics.Vector.Max(new System.Numerics.Vector<byte>(first[i..]), new System.Numerics.Vector<byte>(second[i..])).CopyTo(pooled[i..]);
        for (; i < ScreenSize; i++) pooled[i] = Math.Max(first[i], second[i]);
    }

    /// <inheritdoc />
    public void Observe(Span<byte> destination)
    {
        CheckLength(destination.Length);
        _observation.CopyTo(destination);
    }

    /// <inheritdoc />
    public void Observe(Span<float> destination)
    {
        CheckLength(destination.Length);
        for (int i = 0; i < _observation.Length; i++) destination[i] = _observation[i];
    }

    void CheckLength(int length)
    {
        if (length < _observation.Length)
            throw new ArgumentException($"Observation buffer has {length} elements; {Name} needs {_observation.Length}.", "destination");
    }

    /// <inheritdoc />
    public byte[] SaveState()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(SnapshotMagic);
            w.Write(Name);
            w.Write(OptionsKey());
            _random.Write(w);
            w.Write(_lastExecuted);
            w.Write(_gameOver); w.Write(_capReached); w.Write(_lifeLossPending);
            w.Write(_endResult.Reward); w.Write(_endResult.Terminated); w.Write(_endResult.Truncated);
            w.Write(Lives); w.Write(GameSteps); w.Write(GameReturn);
            w.Write(LastRawReward); w.Write(LastStepLostLife); w.Write(LastStepFrames);
            w.Write(_pooled);
            w.Write(_observation);
            var emulator = _emulator.SaveState();
            w.Write(emulator.Length);
            w.Write(emulator);
        }
        return stream.ToArray();
    }

    /// <inheritdoc />
    public void RestoreState(ReadOnlySpan<byte> state)
    {
        using var r = new BinaryReader(new MemoryStream(state.ToArray()), Encoding.UTF8);
        try
        {
            string magic = r.ReadString();
            if (magic != SnapshotMagic) throw new InvalidDataException($"Not an Atari environment state (header '{magic}', expected '{SnapshotMagic}').");
            string name = r.ReadString();
            if (name != Name) throw new InvalidDataException($"State is for '{name}', this environment is '{Name}'.");
            string options = r.ReadString();
            if (options != OptionsKey())
                throw new InvalidDataException($"State was saved with options '{options}'; this environment has '{OptionsKey()}'.");
            _random.Read(r);
            _lastExecuted = r.ReadInt32();
            _gameOver = r.ReadBoolean(); _capReached = r.ReadBoolean(); _lifeLossPending = r.ReadBoolean();
            _endResult = new StepResult(r.ReadSingle(), r.ReadBoolean(), r.ReadBoolean());
            Lives = r.ReadInt32(); GameSteps = r.ReadInt32(); GameReturn = r.ReadDouble();
            LastRawReward = r.ReadSingle(); LastStepLostLife = r.ReadBoolean(); LastStepFrames = r.ReadInt32();
            ReadExactly(r, _pooled);
            ReadExactly(r, _observation);
            int length = r.ReadInt32();
            if (length < 0) throw new InvalidDataException($"Corrupt {Name} state: emulator state length {length}.");
            _emulator.RestoreState(r.ReadBytes(length));
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"Truncated {Name} state ({state.Length} bytes).", e);
        }
    }

    static void ReadExactly(BinaryReader r, byte[] destination)
    {
        if (r.Read(destination, 0, destination.Length) != destination.Length) throw new EndOfStreamException();
    }

    // The options that change the meaning of a state (not the ROM directory or library path).
    string OptionsKey() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"skip={Options.FrameSkip};lifeloss={Options.TerminalOnLifeLoss};cap={Options.MaxEpisodeSteps};sticky={Options.StickyActionProbability:R};" +
        $"noop={Options.NoopMax};minimal={Options.MinimalActions};size={Options.ObservationHeight}x{Options.ObservationWidth}");

    /// <summary>Disposes the emulator.</summary>
    public void Dispose() => _emulator.Dispose();
}
