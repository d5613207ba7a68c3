using System.Runtime.InteropServices;
using Research.Random;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>Full action indices, the same in every MinAtar game (docs/environments.md, "MinAtar").</summary>
public static class MinAtarAction
{
    /// <summary>Do nothing.</summary>
    public const int Noop = 0;
    /// <summary>Move left.</summary>
    public const int Left = 1;
    /// <summary>Move up.</summary>
    public const int Up = 2;
    /// <summary>Move right.</summary>
    public const int Right = 3;
    /// <summary>Move down.</summary>
    public const int Down = 4;
    /// <summary>Fire.</summary>
    public const int Fire = 5;
    /// <summary>Size of the full action set.</summary>
    public const int Count = 6;
    /// <summary>Names of the full actions by index.</summary>
    public static readonly IReadOnlyList<string> Names = ["noop", "left", "up", "right", "down", "fire"];
}

/// <summary>Static description of a MinAtar game: its id, channel names and minimal action set.</summary>
/// <param name="Name">Game id as in the reference (<c>breakout</c>, <c>space_invaders</c>, ...).</param>
/// <param name="Channels">Channel names in channel order.</param>
/// <param name="MinimalActions">Full action index for each minimal action index.</param>
public sealed record MinAtarGameInfo(string Name, IReadOnlyList<string> Channels, IReadOnlyList<int> MinimalActions);

/// <summary>
/// One MinAtar game on the 10x10 grid (docs/minatar.md). The game owns its state as small arrays and
/// scalars; randomness comes from the environment's shared stream. Sticky actions, action mapping and
/// "acting after terminal" live in <see cref="MinAtarEnvironment"/>, not here.
/// </summary>
public abstract class MinAtarGame
{
    /// <summary>Grid side length.</summary>
    public const int Size = 10;

    /// <summary>Creates a game drawing from <paramref name="random"/>.
    /// Call <see cref="Reset"/> before acting.</summary>
    protected MinAtarGame(Mt19937 random, bool difficultyRamping)
    {
        Random = random ?? throw new ArgumentNullException(nameof(random));
        DifficultyRamping = difficultyRamping;
        Channels = Info.Channels.Count; // Info is each game's static description, safe to read here
        _observationSize = Channels * Size * Size;
    }

    readonly int _observationSize; // C*100

    /// <summary>The stream shared with the sticky-action draw.</summary>
    protected Mt19937 Random { get; }

    /// <summary>Whether difficulty ramping is on.</summary>
    public bool DifficultyRamping { get; }

    /// <summary>The episode has ended.</summary>
    public bool Terminal { get; protected set; }

    /// <summary>Id, channel names and minimal action set.</summary>
    public abstract MinAtarGameInfo Info { get; }

    /// <summary>Number of observation channels.</summary>
    public int Channels { get; }

    /// <summary>Starts a new episode (draws from the stream
    /// as docs/minatar.md says; does not reseed).</summary>
    public abstract void Reset();

    /// <summary>
    /// One step with full action <paramref name="action"/> (0..5), returning the integer reward and setting
    /// <see cref="Terminal"/>. Precondition: not terminal (the environment enforces it).
    /// </summary>
    public abstract int Act(int action);

    /// <summary>Writes the state as [C, 10, 10] channels-first 0/1 bytes (C*100 values).</summary>
    /// <exception cref="ArgumentException">The destination holds fewer than C*100 bytes.</exception>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Observe(Span<byte> destination)
    {
        int n = _observationSize;
        if (destination.Length < n) ThrowTooSmall(destination.Length, n);
        // n <= Length: checked above.
        Draw(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(destination), n));
    }

    // Out of line, so the hot path does not carry the message formatting.
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    void ThrowTooSmall(int length, int needed) =>
        throw new ArgumentException($"Observation buffer has {length} elements; {Info.Name} needs {needed} ([{Channels},10,10]).", "destination");

    /// <summary>
    /// Draws the current state into <paramref name="planes"/> (exactly C*100 bytes, any content): read the
    /// state into locals, then create a <see cref="PlaneWriter"/> (which clears) and set the cells.
    /// </summary>
    private protected abstract void Draw(Span<byte> planes);

    /// <summary>Writes the full game state (not the stream) for snapshots.</summary>
    internal abstract void WriteState(BinaryWriter writer);

    /// <summary>Reads a state written by <see cref="WriteState"/>.</summary>
    internal abstract void ReadState(BinaryReader reader);

    // Per full action (0 noop, 1 left, 2 up, 3 right, 4 down, 5 fire) the column and row step, read as
    // 2-bit fields (step + 1) of an immediate rather than from a lookup table: no load (see PlaneWriter
    // on 4K aliasing) and no branch on the random action. Actions outside 0..5 read field 6: no move.
    const uint StepsX = 0b01_01_01_10_01_00_01u, StepsY = 0b01_01_10_01_00_01_01u; // fields for actions 6..0

    /// <summary>Column step of <paramref name="action"/>: -1 left, +1 right, else 0.</summary>
    private protected static int ActionDx(int action) => (int)((StepsX >> (2 * (int)Math.Min((uint)action, 6u))) & 3) - 1;

    /// <summary>Row step of <paramref name="action"/>: -1 up, +1 down, else 0.</summary>
    private protected static int ActionDy(int action) => (int)((StepsY >> (2 * (int)Math.Min((uint)action, 6u))) & 3) - 1;

    /// <summary>Both steps of <paramref name="action"/> (<see cref="ActionDx"/>,
    /// <see cref="ActionDy"/>), its field located once.</summary>
    private protected static void ActionSteps(int action, out int dx, out int dy)
    {
        int shift = 2 * (int)Math.Min((uint)action, 6u);
        dx = (int)((StepsX >> shift) & 3) - 1;
        dy = (int)((StepsY >> shift) & 3) - 1;
    }

    /// <summary>
    /// min(max(v, low), high) with masks (the action is random, a branch would mispredict; the JIT turns
    /// Math.Min/Max into branches in methods with loops).
    /// </summary>
    private protected static int Clamp(int v, int low, int high)
    {
        v -= (v - low) & ((v - low) >> 31);             // v < low: v = low
        return v - ((v - high) & ~((v - high) >> 31));  // v > high: v = high
    }

    /// <summary>Whether (x, y) lies on the grid.</summary>
    protected static bool OnGrid(int x, int y) => (uint)x < Size && (uint)y < Size;
}
