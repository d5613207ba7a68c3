using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>
/// One Seaquest entity. Entities only move along their row, so everything that depends on the row is
/// computed once, when the entity is created: <see cref="Row"/> = 10*y (the cell of (x, y) within a
/// plane is Row + x), <see cref="PlaneRow"/> = its channel's plane start + Row, and
/// <see cref="Behind"/>, the column offset of its trail cell (a column off the grid for bullets, which
/// leave no trail). 32 bytes.
/// </summary>
internal struct SeaquestEntity
{
    /// <summary>Column; +1 moving right, -1 left; Style-B timers (docs/minatar.md, "Timers").</summary>
    public int X, Step, MoveTimer, ShotTimer;
    /// <summary>Row; 10*row; channel*100 + 10*row; trail column minus X.</summary>
    public int Y, Row, PlaneRow, Behind;

    /// <summary>
    /// An entity at column <paramref name="x"/>, row <paramref name="y"/> moving by
    /// <paramref name="step"/>, with its timers, on the channel starting at <paramref name="plane"/>
    /// (channel*100), leaving a trail or not.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SeaquestEntity Create(int x, int y, int step, int moveTimer, int shotTimer, int plane,
        bool trail) => new()
    {
        X = x, Step = step, MoveTimer = moveTimer, ShotTimer = shotTimer,
        Y = y, Row = y * MinAtarGame.Size, PlaneRow = plane + y * MinAtarGame.Size,
        Behind = trail ? -step : 2 * MinAtarGame.Size, // 2*Size: off the grid, not drawn (SeaquestDraw.cs)
    };
}

/// <summary>
/// Read access to one kind of Seaquest entity (friendly bullets, enemy bullets, fish, subs or divers) in
/// creation order, 0 = oldest; tests and tools also set up states with <see cref="Add"/>.
/// </summary>
public sealed class SeaquestEntities
{
    readonly SeaquestEntityStore _store;
    readonly int _kind, _plane;
    readonly bool _trail;

    internal SeaquestEntities(SeaquestEntityStore store, int kind, int channel, bool trail)
    {
        _store = store; _kind = kind; _plane = channel * MinAtarGame.Size * MinAtarGame.Size; _trail = trail;
    }

    /// <summary>Number of entities.</summary>
    public int Count => _store.Count(_kind);
    /// <summary>Column of entity <paramref name="i"/> (0 = oldest).</summary>
    public int X(int i) => _store.At(_kind, i).X;
    /// <summary>Row of entity <paramref name="i"/>.</summary>
    public int Y(int i) => _store.At(_kind, i).Y;
    /// <summary>Whether entity <paramref name="i"/> moves right.</summary>
    public bool MovesRight(int i) => _store.At(_kind, i).Step > 0;
    /// <summary>Style-B move timer of entity <paramref name="i"/> (unused for bullets).</summary>
    public int MoveTimer(int i) => _store.At(_kind, i).MoveTimer;
    /// <summary>Style-B shot timer of entity <paramref name="i"/> (enemy subs only).</summary>
    public int ShotTimer(int i) => _store.At(_kind, i).ShotTimer;

    /// <summary>
    /// Appends an entity (it becomes the newest). Between steps every entity lies on the grid (the game
    /// removes the ones that leave it in the same step), so the cell must be on the grid.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">x or y outside 0..9.</exception>
    internal void Add(int x, int y, bool right, int moveTimer = 0, int shotTimer = 0)
    {
        if ((uint)x >= MinAtarGame.Size)
            throw new ArgumentOutOfRangeException(nameof(x), x, "Seaquest entity column must be in 0..9.");
        if ((uint)y >= MinAtarGame.Size)
            throw new ArgumentOutOfRangeException(nameof(y), y, "Seaquest entity row must be in 0..9.");
        AddUnchecked(x, y, right, moveTimer, shotTimer);
    }

    /// <summary>Appends an entity without checking its cell (the game's own spawns and fire).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void AddUnchecked(int x, int y, bool right, int moveTimer = 0, int shotTimer = 0) =>
        _store.Add(_kind, x, y, right, moveTimer, shotTimer, _plane, _trail);

    internal void Write(BinaryWriter w)
    {
        w.Write(Count);
        for (int i = 0; i < Count; i++)
        {
            ref var e = ref _store.At(_kind, i);
            w.Write(e.X); w.Write(e.Y); w.Write(e.Step > 0); w.Write(e.MoveTimer); w.Write(e.ShotTimer);
        }
    }

    /// <summary>Appends the entities written by <see cref="Write"/> (call after clearing).</summary>
    internal void Read(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n < 0 || n > SeaquestEntityStore.MaxEntities)
            throw new InvalidDataException(
                $"Seaquest snapshot: entity count {n} outside 0..{SeaquestEntityStore.MaxEntities}.");
        for (int i = 0; i < n; i++)
        {
            int x = r.ReadInt32(), y = r.ReadInt32();
            bool right = r.ReadBoolean();
            int moveTimer = r.ReadInt32(), shotTimer = r.ReadInt32();
            if ((uint)x >= MinAtarGame.Size || (uint)y >= MinAtarGame.Size)
                throw new InvalidDataException(
                    $"Seaquest snapshot: entity at column {x}, row {y}; both must be in 0..9.");
            AddUnchecked(x, y, right, moveTimer, shotTimer);
        }
    }
}
