using Research.Random;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>
/// A MinAtar game behind the <see cref="IEnvironment"/> contract, bit-exact with reference 1.0.15
/// (docs/minatar.md). It owns the one random stream shared by the sticky-action draw and the game,
/// seeded at construction and then reset (the reference's order of creation).
/// <para>Sticky actions ("API contract"): every <see cref="Step"/> first draws one uniform double; below
/// the sticky probability the previous executed action replaces the chosen one. The previous action
/// starts at 0 (noop) at construction and is not cleared by <see cref="Reset"/>.</para>
/// <para>After a terminal step, <see cref="Step"/> still makes the sticky draw and records the executed
/// action (docs/environments.md, "Sticky actions and acting after terminal"), then returns reward 0,
/// terminated, and leaves the game unchanged.</para>
/// </summary>
public sealed class MinAtarEnvironment : IEnvironment, ISnapshotEnvironment
{
    const string SnapshotMagic = "minatar-env/1";
    readonly int[] _actionMap;
    readonly byte[] _planes; // scratch for the float observation
    readonly ulong _stickyThreshold; // NextInt53() < this  <=>  NextDouble() < sticky probability

    /// <summary>Creates game <paramref name="game"/> (e.g.
    /// <c>breakout</c>), seeds the stream and resets.</summary>
    /// <exception cref="ArgumentException">Unknown game or invalid options.</exception>
    public MinAtarEnvironment(string game, EnvironmentOptions? options = null)
    {
        Options = options ?? EnvironmentOptions.Default;
        Options.Validate();
        _stickyThreshold = Mt19937.Int53Threshold(Options.StickyActionProbability);
        Random = new Mt19937((uint)Options.Seed);
        Game = MinAtarGames.Create(game, Random, Options.DifficultyRamping);
        _actionMap = Options.MinimalActions
            ? Game.Info.MinimalActions.ToArray()
            : [0, 1, 2, 3, 4, 5];
        Observation = new ObservationSpec(Game.Channels, MinAtarGame.Size, MinAtarGame.Size, ObservationKind.Binary);
        Name = "minatar:" + Game.Info.Name;
        _planes = new byte[Observation.Size];
        Game.Reset();
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The options this environment was created with.</summary>
    public EnvironmentOptions Options { get; }

    /// <summary>The game (read access to its state for tests and renderers).</summary>
    public MinAtarGame Game { get; }

    /// <summary>The random stream (sticky draws and the game's draws).</summary>
    public Mt19937 Random { get; }

    /// <summary>The previous executed full action (0 at construction; survives resets).</summary>
    public int LastAction { get; private set; }

    /// <summary>Full action index for each agent action index (identity for the full set).</summary>
    public IReadOnlyList<int> ActionMap => _actionMap;

    /// <inheritdoc />
    public ObservationSpec Observation { get; }

    /// <inheritdoc />
    public int ActionCount => _actionMap.Length;

    /// <summary>Whether the current episode has ended.</summary>
    public bool Terminal => Game.Terminal;

    /// <inheritdoc />
    public void Reset() => Game.Reset();

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">The action is outside 0..ActionCount-1.</exception>
    public StepResult Step(int action)
    {
        var map = _actionMap;
        if ((uint)action >= (uint)map.Length) ThrowBadAction(action);
        // sticky = NextInt53() < threshold (both below 2^54, so the difference's sign bit is the comparison);
        // selected by masks, not a branch: it is taken at random (10% by default) and would mispredict.
        int sticky = (int)((long)(Random.NextInt53() - _stickyThreshold) >> 63);
        int chosen = map[action];
        int executed = chosen ^ ((chosen ^ LastAction) & sticky);
        LastAction = executed;
        var game = Game;
        if (game.Terminal) return new StepResult(0f, true, false);
        int reward = game.Act(executed);
        return new StepResult(reward, game.Terminal, false);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    void ThrowBadAction(int action) =>
        throw new ArgumentOutOfRangeException(nameof(action), action,
            $"{Name}: action must be in 0..{_actionMap.Length - 1} ({(Options.MinimalActions ? "minimal" : "full")} action set).");

    /// <inheritdoc />
    public void Observe(Span<byte> destination) => Game.Observe(destination);

    /// <inheritdoc />
    public void Observe(Span<float> destination)
    {
        int n = Observation.Size;
        if (destination.Length < n)
            throw new ArgumentException($"Observation buffer has {destination.Length} elements; {Name} needs {n}.", nameof(destination));
        Game.Observe(_planes);
        ByteObservation.Widen(_planes, destination[..n]);
    }

    /// <inheritdoc />
    public byte[] SaveState() => Snapshot.Save(SnapshotMagic, w =>
    {
        w.Write(Name);
        w.Write(Options.StickyActionProbability);
        w.Write(Options.DifficultyRamping);
        w.Write(Options.MinimalActions);
        Random.Write(w);
        w.Write(LastAction);
        Game.WriteState(w);
    });

    /// <inheritdoc />
    public void RestoreState(ReadOnlySpan<byte> state) =>
        Snapshot.Restore(state, SnapshotMagic, "MinAtar environment", r =>
        {
            Snapshot.ReadName(r, Name);
            double sticky = r.ReadDouble();
            bool ramping = r.ReadBoolean(), minimal = r.ReadBoolean();
            if (sticky != Options.StickyActionProbability || ramping != Options.DifficultyRamping || minimal != Options.MinimalActions)
                throw new InvalidDataException(
                    $"State was saved with sticky={sticky}, ramping={ramping}, minimal={minimal}; this environment has " +
                    $"sticky={Options.StickyActionProbability}, ramping={Options.DifficultyRamping}, minimal={Options.MinimalActions}.");
            Random.Read(r);
            LastAction = r.ReadInt32();
            Game.ReadState(r);
        });
}
