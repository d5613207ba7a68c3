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
    /// <summary>Column; +1 moving right, -1 moving left; Style-B timers (docs/minatar.md, "Timers").</summary>
    public int X, Step, MoveTimer, ShotTimer;
    /// <summary>Row; 10*row; channel*100 + 10*row; trail column minus X.</summary>
    public int Y, Row, PlaneRow, Behind;

    /// <summary>
    /// An entity at column <paramref name="x"/>, row <paramref name="y"/> moving by <paramref name="step"/>, with its
    /// timers, on the channel starting at <paramref name="plane"/> (channel*100), leaving a trail or not.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SeaquestEntity Create(int x, int y, int step, int moveTimer, int shotTimer, int plane, bool trail) => new()
    {
        X = x, Step = step, MoveTimer = moveTimer, ShotTimer = shotTimer,
        Y = y, Row = y * MinAtarGame.Size, PlaneRow = plane + y * MinAtarGame.Size,
        Behind = trail ? -step : 2 * MinAtarGame.Size, // 2*Size: always off the grid, so not drawn (see Seaquest.Draw)
    };
}

/// <summary>
/// All of Seaquest's entities in one array, one segment per kind, each segment in creation order (the
/// rules iterate "newest first" = from the segment's end). One array lets <c>Observe</c> draw every
/// entity in a single loop. The segments are ordered so that creating or removing an entity (which
/// shifts the segments after its own) rarely moves anything: enemy subs, fish, divers (created every
/// 20-30 steps), friendly bullets, enemy bullets (the last segment, so the subs' shots are appended).
/// The five segment ends are 12-bit fields of one word, so creating an entity of kind k adds one
/// constant to it. Grows by doubling: steady-state stepping never allocates.
/// </summary>
/// <remarks>
/// The entities are read while the observation's clearing stores are still queued, so they must not
/// share their address modulo 4096 with the caller's buffer (4K aliasing, see <see cref="PlaneWriter"/>).
/// The array is pinned and has a page of spare slots in front: <see cref="PlaceApartFrom"/> moves the
/// entities (a few dozen bytes) to a page phase just past the buffer's when they would overlap it.
/// </remarks>
internal sealed class SeaquestEntityStore
{
    /// <summary>Segment (kind) indices, in storage order.</summary>
    public const int Subs = 0, Fish = 1, Divers = 2, FriendlyBullets = 3, EnemyBullets = 4, Kinds = 5;
    /// <summary>Most entities the 12-bit segment ends can count.</summary>
    public const int MaxEntities = 4095;
    const int EndBits = 12, EndMask = (1 << EndBits) - 1;
    const ulong Ones = 1UL | 1UL << 12 | 1UL << 24 | 1UL << 36 | 1UL << 48; // one per segment end
    const int EntityBytes = 32, AliasPeriod = 4096, Slack = AliasPeriod / EntityBytes, Margin = 64;

    SeaquestEntity[] _items = Allocate(32);
    int _first; // slot of entity 0: 0 .. Slack
    unsafe SeaquestEntity* _firstAddress; // &_items[_first]: the array is pinned, so the address is stable
    ulong _ends; // end of segment k (exclusive) in bits [12k, 12k + 12)

    /// <summary>An empty store.</summary>
    public SeaquestEntityStore() => SetFirst(0);

    // Entities that fit; _first + Total <= Slack + Capacity = the array's length.
    int Capacity => _items.Length - Slack;

    // Room for `capacity` entities starting at any of the Slack first slots; pinned, so its addresses are stable.
    static SeaquestEntity[] Allocate(int capacity) => GC.AllocateArray<SeaquestEntity>(capacity + Slack, pinned: true);

    /// <summary>Number of entities of all kinds.</summary>
    public int Total => End(EnemyBullets);

    /// <summary>The five segment ends (see <see cref="EndIn"/>); changed by every creation and removal.</summary>
    public ulong Ends => _ends;

    /// <summary>End (exclusive) of segment <paramref name="kind"/> in the segment ends <paramref name="ends"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int EndIn(ulong ends, int kind) => (int)(ends >> (EndBits * kind)) & EndMask;

    /// <summary>Start of segment <paramref name="kind"/> in <paramref name="ends"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int StartIn(ulong ends, int kind) => kind == 0 ? 0 : EndIn(ends, kind - 1);

    /// <summary>Number of entities of <paramref name="kind"/> in <paramref name="ends"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CountIn(ulong ends, int kind) => EndIn(ends, kind) - StartIn(ends, kind);

    /// <summary>End (exclusive) of segment <paramref name="kind"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int End(int kind) => EndIn(_ends, kind);

    /// <summary>Start of segment <paramref name="kind"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Start(int kind) => StartIn(_ends, kind);

    /// <summary>Number of entities of <paramref name="kind"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Count(int kind) => CountIn(_ends, kind);

    /// <summary>The oldest entity of the first kind (there is always room for one), for unchecked walks below <see cref="Total"/>.</summary>
    public unsafe ref SeaquestEntity First => ref *_firstAddress;

    /// <summary>Entity <paramref name="i"/> (0 = oldest) of <paramref name="kind"/>, bounds-checked.</summary>
    public ref SeaquestEntity At(int kind, int i)
    {
        if ((uint)i >= (uint)Count(kind)) throw new ArgumentOutOfRangeException(nameof(i), i, $"entity index must be in 0..{Count(kind) - 1}.");
        return ref _items[_first + Start(kind) + i];
    }

    /// <summary>Makes room for <paramref name="more"/> entities, so that creating them moves nothing (refs stay valid).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Reserve(int more)
    {
        if (Total + more > Capacity) Grow(Total + more);
    }

    /// <summary>
    /// Creates the newest entity of <paramref name="kind"/> at column <paramref name="x"/>, row <paramref name="y"/>,
    /// moving right or left (<paramref name="right"/>), with its timers (<paramref name="moveTimer"/>,
    /// <paramref name="shotTimer"/>), the start of its channel in the observation (<paramref name="plane"/>
    /// = channel*100) and whether it leaves a trail (<paramref name="trail"/>: fish, subs, divers).
    /// </summary>
    public void Add(int kind, int x, int y, bool right, int moveTimer, int shotTimer, int plane, bool trail)
    {
        int total = Total;
        if (total == Capacity) Grow(total + 1);
        int at = _first + End(kind);
        var items = _items;
        for (int j = _first + total; j > at; j--) items[j] = items[j - 1]; // the later kinds move up one place
        items[at] = SeaquestEntity.Create(x, y, right ? 1 : -1, moveTimer, shotTimer, plane, trail);
        _ends += Ones << (EndBits * kind); // this segment's end and every later one + 1
    }

    /// <summary>
    /// Creates an enemy bullet (the newest; the last segment, so nothing moves) at column <paramref name="x"/>,
    /// row <paramref name="y"/>, column step <paramref name="step"/>. Needs room for one more (<see cref="Reserve"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddEnemyBullet(int x, int y, int step)
    {
        const int EnemyBulletPlane = 4 * MinAtarGame.Size * MinAtarGame.Size; // channel 4
        Unsafe.Add(ref First, Total) = SeaquestEntity.Create(x, y, step, 0, 0, EnemyBulletPlane, trail: false); // < capacity after Reserve
        _ends += 1UL << (EndBits * EnemyBullets);
    }

    /// <summary>Removes entity <paramref name="i"/> (0 = oldest) of <paramref name="kind"/>, keeping the order.</summary>
    public void RemoveAt(int kind, int i)
    {
        int at = _first + Start(kind) + i, last = _first + Total - 1;
        if ((uint)i >= (uint)Count(kind)) throw new ArgumentOutOfRangeException(nameof(i));
        var items = _items;
        for (int j = at; j < last; j++) items[j] = items[j + 1]; // a handful of entities: a loop beats a copy call
        _ends -= Ones << (EndBits * kind);
    }

    /// <summary>
    /// Index (0 = oldest) of the oldest entity of <paramref name="kind"/> on plane cell <paramref name="cell"/>
    /// (= 10y + x), or -1; <paramref name="first"/> is <see cref="First"/> and <paramref name="ends"/> the
    /// current <see cref="Ends"/> (callers in a loop keep both in registers).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int IndexOfCell(ref SeaquestEntity first, ulong ends, int kind, int cell)
    {
        int start = StartIn(ends, kind), count = EndIn(ends, kind) - start;
        ref SeaquestEntity e = ref Unsafe.Add(ref first, start);
        for (int i = 0; i < count; i++)
            if (Unsafe.Add(ref e, i).Row + Unsafe.Add(ref e, i).X == cell) return i; // i < Count
        return -1;
    }

    /// <summary>Removes every entity.</summary>
    public void Clear() => _ends = 0;

    /// <summary>Whether the entities are known to lie apart from <paramref name="buffer"/> (see <see cref="PlaceApartFrom"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe bool IsApartFrom(Span<byte> buffer) => // only the address's low bits matter
        (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(buffer)) == _apartFrom & Total <= _apartUpTo;

    nuint _apartFrom; // the last buffer the entities were found apart from (0: none yet)
    int _apartUpTo;   // how many entities stay apart from it where they are

    /// <summary>
    /// Moves the entities, if needed, so that they lie apart from <paramref name="buffer"/> modulo 4096, with
    /// a margin; call when <see cref="IsApartFrom"/> is false. Does nothing when they cannot fit beside it
    /// (then drawing is only slower). The entities keep their order; refs to them are invalidated. The buffer
    /// and how many entities stay apart from it are remembered, so the usual check (the same buffer every
    /// step) is one comparison.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public unsafe void PlaceApartFrom(Span<byte> buffer)
    {
        nuint start = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(buffer)); // only the address's low bits are used
        int length = buffer.Length;
        _apartFrom = 0;
        int bytes = Total * EntityBytes;
        if (length + bytes + 2 * Margin + EntityBytes > AliasPeriod) return; // cannot fit beside it: leave them
        int phase = (int)(((nuint)Unsafe.AsPointer(ref First) - start) & (AliasPeriod - 1)); // where they begin in the buffer's page frame
        if (phase < length + Margin || phase + bytes > AliasPeriod - Margin)
        {
            Relocate(start + (nuint)(length + Margin));
            phase = (int)(((nuint)Unsafe.AsPointer(ref First) - start) & (AliasPeriod - 1));
        }
        _apartFrom = start;
        _apartUpTo = Math.Min((AliasPeriod - Margin - phase) / EntityBytes, Capacity);
    }

    // Moves the entities to the first slot at or after `target` modulo 4096 (within the Slack front slots).
    [MethodImpl(MethodImplOptions.NoInlining)]
    unsafe void Relocate(nuint target)
    {
        ref SeaquestEntity slot0 = ref MemoryMarshal.GetArrayDataReference(_items);
        int offset = (int)((target - (nuint)Unsafe.AsPointer(ref slot0)) & (AliasPeriod - 1));
        int first = (offset + EntityBytes - 1) / EntityBytes; // <= Slack, so first + Total <= Slack + Capacity
        var entities = _items.AsSpan(_first, Total);
        entities.CopyTo(_items.AsSpan(first, Total)); // overlapping ranges are copied correctly
        SetFirst(first);
    }

    // Entity 0 at slot `first` of the (pinned) array.
    unsafe void SetFirst(int first)
    {
        _first = first;
        _firstAddress = (SeaquestEntity*)Unsafe.AsPointer(ref _items[first]);
    }

    void Grow(int needed)
    {
        if (needed > MaxEntities)
            throw new InvalidOperationException($"Seaquest holds at most {MaxEntities} entities; {needed} were needed.");
        int capacity = Math.Min(Math.Max(needed, 2 * Capacity), MaxEntities);
        var items = Allocate(capacity);
        _items.AsSpan(_first, Total).CopyTo(items);
        _items = items;
        SetFirst(0);
        _apartFrom = 0; // the entities moved
    }
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
        if ((uint)x >= MinAtarGame.Size) throw new ArgumentOutOfRangeException(nameof(x), x, "Seaquest entity column must be in 0..9.");
        if ((uint)y >= MinAtarGame.Size) throw new ArgumentOutOfRangeException(nameof(y), y, "Seaquest entity row must be in 0..9.");
        AddUnchecked(x, y, right, moveTimer, shotTimer);
    }

    /// <summary>Appends an entity without checking its cell (the game's own spawns, shots and fire).</summary>
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

    /// <summary>Appends the entities written by <see cref="Write"/> (call after clearing the store).</summary>
    internal void Read(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n < 0 || n > SeaquestEntityStore.MaxEntities) throw new InvalidDataException($"Seaquest snapshot: entity count {n} outside 0..{SeaquestEntityStore.MaxEntities}.");
        for (int i = 0; i < n; i++)
        {
            int x = r.ReadInt32(), y = r.ReadInt32();
            bool right = r.ReadBoolean();
            int moveTimer = r.ReadInt32(), shotTimer = r.ReadInt32();
            if ((uint)x >= MinAtarGame.Size || (uint)y >= MinAtarGame.Size)
                throw new InvalidDataException($"Seaquest snapshot: entity at column {x}, row {y}; both must be in 0..9.");
            AddUnchecked(x, y, right, moveTimer, shotTimer);
        }
    }
}
