using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>One Seaquest entity: column, row, direction (1 right, 0 left) and its Style-B timers.</summary>
internal struct SeaquestEntity
{
    public int X, Y, Right, MoveTimer, ShotTimer;

    /// <summary>+1 moving right, -1 moving left.</summary>
    public readonly int Step => 2 * Right - 1;
}

/// <summary>
/// An ordered list of Seaquest entities (bullets, fish, subs, divers) in creation order, stored as one
/// array of small structs (an entity's fields share a cache line; removal shifts one array). Removal
/// keeps the order (the spec iterates "newest first" = from the end). Grows by doubling, so
/// steady-state stepping never allocates.
/// </summary>
public sealed class SeaquestEntities
{
    SeaquestEntity[] _items;

    internal SeaquestEntities(int capacity = 32) => _items = new SeaquestEntity[Math.Max(capacity, 1)];

    /// <summary>Number of entities.</summary>
    public int Count { get; private set; }
    /// <summary>Column of entity <paramref name="i"/> (0 = oldest).</summary>
    public int X(int i) => _items[i].X;
    /// <summary>Row of entity <paramref name="i"/>.</summary>
    public int Y(int i) => _items[i].Y;
    /// <summary>Whether entity <paramref name="i"/> moves right.</summary>
    public bool MovesRight(int i) => _items[i].Right != 0;
    /// <summary>Style-B move timer of entity <paramref name="i"/> (unused for bullets).</summary>
    public int MoveTimer(int i) => _items[i].MoveTimer;
    /// <summary>Style-B shot timer of entity <paramref name="i"/> (enemy subs only).</summary>
    public int ShotTimer(int i) => _items[i].ShotTimer;

    /// <summary>
    /// Entity <paramref name="i"/> in place without a bounds check: the caller guarantees 0 &lt;= i &lt; Count
    /// (Count never exceeds the storage), as the game's newest-first loops do.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref SeaquestEntity Unchecked(int i) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_items), i);

    /// <summary>Entity 0 of the storage (which always has room for one), for unchecked walks up to Count.</summary>
    internal ref SeaquestEntity First => ref MemoryMarshal.GetArrayDataReference(_items);

    /// <summary>The entities, oldest first (invalidated by <see cref="Add"/> and <see cref="RemoveAt"/>).</summary>
    internal ReadOnlySpan<SeaquestEntity> Items => new(_items, 0, Count);

    /// <summary>Appends an entity (it becomes the newest).</summary>
    internal void Add(int x, int y, bool right, int moveTimer = 0, int shotTimer = 0)
    {
        if (Count == _items.Length) Grow();
        _items[Count] = new SeaquestEntity { X = x, Y = y, Right = right ? 1 : 0, MoveTimer = moveTimer, ShotTimer = shotTimer };
        Count++;
    }

    /// <summary>
    /// Appends an entity when <paramref name="condition"/> holds, without a branch on it: the slot past
    /// the end is written either way and the count grows by 0 or 1.
    /// </summary>
    internal void AddIf(bool condition, int x, int y, bool right)
    {
        if (Count == _items.Length) Grow();
        _items[Count] = new SeaquestEntity { X = x, Y = y, Right = right ? 1 : 0 };
        Count += condition ? 1 : 0;
    }

    /// <summary>Removes entity <paramref name="i"/>, keeping the others in order.</summary>
    internal void RemoveAt(int i)
    {
        int last = Count - 1;
        if ((uint)i > (uint)last) throw new ArgumentOutOfRangeException(nameof(i));
        var items = _items;
        for (int k = i; k < last; k++) items[k] = items[k + 1]; // a handful of entities: a loop beats a copy call
        Count = last;
    }

    /// <summary>Index of the oldest entity at (x, y), or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int IndexAt(int x, int y)
    {
        int count = Count;
        ref SeaquestEntity first = ref MemoryMarshal.GetArrayDataReference(_items);
        for (int i = 0; i < count; i++)
        {
            ref SeaquestEntity e = ref Unsafe.Add(ref first, i); // i < Count <= capacity
            if ((e.X == x) & (e.Y == y)) return i;
        }
        return -1;
    }

    internal void Clear() => Count = 0;

    void Grow() => Array.Resize(ref _items, _items.Length * 2);

    internal void Write(BinaryWriter w)
    {
        w.Write(Count);
        foreach (var e in Items) { w.Write(e.X); w.Write(e.Y); w.Write(e.Right != 0); w.Write(e.MoveTimer); w.Write(e.ShotTimer); }
    }

    internal void Read(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n < 0) throw new InvalidDataException($"Seaquest snapshot: negative entity count {n}.");
        Count = 0;
        for (int i = 0; i < n; i++)
            Add(r.ReadInt32(), r.ReadInt32(), r.ReadBoolean(), r.ReadInt32(), r.ReadInt32());
    }
}
