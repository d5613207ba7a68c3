namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>
/// An ordered list of Seaquest entities (bullets, fish, subs, divers) in creation order, stored as
/// parallel arrays. Removal keeps the order (the spec iterates "newest first" = from the end).
/// Grows by doubling, so steady-state stepping never allocates.
/// </summary>
public sealed class SeaquestEntities
{
    int[] _x, _y, _moveTimer, _shotTimer;
    bool[] _right;

    internal SeaquestEntities(int capacity = 32)
    {
        _x = new int[capacity]; _y = new int[capacity]; _moveTimer = new int[capacity]; _shotTimer = new int[capacity];
        _right = new bool[capacity];
    }

    /// <summary>Number of entities.</summary>
    public int Count { get; private set; }
    /// <summary>Column of entity <paramref name="i"/> (0 = oldest).</summary>
    public int X(int i) => _x[i];
    /// <summary>Row of entity <paramref name="i"/>.</summary>
    public int Y(int i) => _y[i];
    /// <summary>Whether entity <paramref name="i"/> moves right.</summary>
    public bool MovesRight(int i) => _right[i];
    /// <summary>Style-B move timer of entity <paramref name="i"/> (unused for bullets).</summary>
    public int MoveTimer(int i) => _moveTimer[i];
    /// <summary>Style-B shot timer of entity <paramref name="i"/> (enemy subs only).</summary>
    public int ShotTimer(int i) => _shotTimer[i];

    internal ref int XRef(int i) => ref _x[i];
    internal ref int MoveTimerRef(int i) => ref _moveTimer[i];
    internal ref int ShotTimerRef(int i) => ref _shotTimer[i];

    /// <summary>Appends an entity (it becomes the newest).</summary>
    internal void Add(int x, int y, bool right, int moveTimer = 0, int shotTimer = 0)
    {
        if (Count == _x.Length) Grow();
        _x[Count] = x; _y[Count] = y; _right[Count] = right; _moveTimer[Count] = moveTimer; _shotTimer[Count] = shotTimer;
        Count++;
    }

    /// <summary>Removes entity <paramref name="i"/>, keeping the others in order.</summary>
    internal void RemoveAt(int i)
    {
        int tail = Count - i - 1;
        if (tail > 0)
        {
            Array.Copy(_x, i + 1, _x, i, tail); Array.Copy(_y, i + 1, _y, i, tail);
            Array.Copy(_right, i + 1, _right, i, tail);
            Array.Copy(_moveTimer, i + 1, _moveTimer, i, tail); Array.Copy(_shotTimer, i + 1, _shotTimer, i, tail);
        }
        Count--;
    }

    /// <summary>Index of the oldest entity at (x, y), or -1.</summary>
    internal int IndexAt(int x, int y)
    {
        for (int i = 0; i < Count; i++)
            if (_x[i] == x && _y[i] == y) return i;
        return -1;
    }

    internal void Clear() => Count = 0;

    void Grow()
    {
        int n = _x.Length * 2;
        Array.Resize(ref _x, n); Array.Resize(ref _y, n); Array.Resize(ref _right, n);
        Array.Resize(ref _moveTimer, n); Array.Resize(ref _shotTimer, n);
    }

    internal void Write(BinaryWriter w)
    {
        w.Write(Count);
        for (int i = 0; i < Count; i++) { w.Write(_x[i]); w.Write(_y[i]); w.Write(_right[i]); w.Write(_moveTimer[i]); w.Write(_shotTimer[i]); }
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
