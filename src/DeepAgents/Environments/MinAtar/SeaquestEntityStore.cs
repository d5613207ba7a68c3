using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>
/// All of Seaquest's entities in one array, one segment per kind, each segment in creation order (the
/// rules iterate "newest first" = from the segment's end). One array lets <c>Observe</c> draw every
/// entity in a single loop. The segments are ordered so that creating or removing an entity (which
/// shifts the segments after its own) rarely moves anything: enemy subs, fish, divers (created every
/// 20-30 steps), friendly bullets, enemy bullets (the last segment, so the subs' shots are appended).
/// The five segment ends are 12-bit fields of one word, so creating an entity of kind k adds one
/// constant to it. Grows by doubling: steady-state stepping never allocates. The array is pinned and
/// has a page of spare slots in front, where <see cref="PlaceApartFrom"/> (SeaquestPlacement.cs) may move
/// the entities; the store keeps its first entity's address.
/// </summary>
internal sealed partial class SeaquestEntityStore
{
    /// <summary>Segment (kind) indices, in storage order.</summary>
    public const int Subs = 0, Fish = 1, Divers = 2, FriendlyBullets = 3, EnemyBullets = 4, Kinds = 5;
    /// <summary>Most entities the 12-bit segment ends can count.</summary>
    public const int MaxEntities = 4095;
    const int EndBits = 12, EndMask = (1 << EndBits) - 1;
    const ulong Ones = 1UL | 1UL << 12 | 1UL << 24 | 1UL << 36 | 1UL << 48; // one per segment end
    const int EntityBytes = 32, Slack = AliasPeriod / EntityBytes; // Slack: the spare slots in front

    SeaquestEntity[] _items = Allocate(32);
    int _first; // slot of entity 0: 0 .. Slack
    unsafe SeaquestEntity* _firstAddress; // &_items[_first]: the array is pinned, so the address is stable
    ulong _ends; // end of segment k (exclusive) in bits [12k, 12k + 12)

    /// <summary>An empty store.</summary>
    public SeaquestEntityStore() => SetFirst(0);

    // Entities that fit; _first + Total <= Slack + Capacity = the array's length.
    int Capacity => _items.Length - Slack;

    // Room for `capacity` entities starting at any of the Slack first slots; pinned: stable addresses.
    static SeaquestEntity[] Allocate(int capacity) =>
        GC.AllocateArray<SeaquestEntity>(capacity + Slack, pinned: true);

    /// <summary>Number of entities of all kinds.</summary>
    public int Total => End(EnemyBullets);

    /// <summary>The five segment ends (see <see cref="EndIn"/>); changed by each change.</summary>
    public ulong Ends => _ends;

    /// <summary>End (exclusive) of segment <paramref name="kind"/> in <paramref name="ends"/>.</summary>
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

    /// <summary>
    /// The oldest entity of the first kind (there is always room for one), for unchecked walks below
    /// <see cref="Total"/>.
    /// </summary>
    public unsafe ref SeaquestEntity First => ref *_firstAddress;

    /// <summary>Entity <paramref name="i"/> (0 = oldest) of <paramref name="kind"/>, checked.</summary>
    public ref SeaquestEntity At(int kind, int i)
    {
        if ((uint)i >= (uint)Count(kind))
            throw new ArgumentOutOfRangeException(nameof(i), i,
                $"entity index must be in 0..{Count(kind) - 1}.");
        return ref _items[_first + Start(kind) + i];
    }

    /// <summary>
    /// Makes room for <paramref name="more"/> entities, so that creating them moves nothing (refs stay
    /// valid).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Reserve(int more)
    {
        if (Total + more > Capacity) Grow(Total + more);
    }

    /// <summary>
    /// Creates the newest entity of <paramref name="kind"/> at column <paramref name="x"/>,
    /// row <paramref name="y"/>, moving right or left (<paramref name="right"/>), with its timers
    /// (<paramref name="moveTimer"/>, <paramref name="shotTimer"/>), the start of its channel in the
    /// observation (<paramref name="plane"/> = channel*100) and whether it leaves a trail
    /// (<paramref name="trail"/>: fish, subs, divers).
    /// </summary>
    public void Add(int kind, int x, int y, bool right, int moveTimer, int shotTimer, int plane, bool trail)
    {
        int total = Total;
        if (total == Capacity) Grow(total + 1);
        int at = _first + End(kind);
        var items = _items;
        for (int j = _first + total; j > at; j--) items[j] = items[j - 1]; // later kinds move up one place
        items[at] = SeaquestEntity.Create(x, y, right ? 1 : -1, moveTimer, shotTimer, plane, trail);
        _ends += Ones << (EndBits * kind); // this segment's end and every later one + 1
    }

    /// <summary>
    /// Creates an enemy bullet (the newest; the last segment, so nothing moves) at column
    /// <paramref name="x"/>, row <paramref name="y"/>, column step <paramref name="step"/>. Needs room for
    /// one more (<see cref="Reserve"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddEnemyBullet(int x, int y, int step)
    {
        const int EnemyBulletPlane = 4 * MinAtarGame.Size * MinAtarGame.Size; // channel 4
        // Total < capacity after Reserve
        Unsafe.Add(ref First, Total) =
            SeaquestEntity.Create(x, y, step, 0, 0, EnemyBulletPlane, trail: false);
        _ends += 1UL << (EndBits * EnemyBullets);
    }

    /// <summary>
    /// Removes entity <paramref name="i"/> (0 = oldest) of <paramref name="kind"/>, keeping the order.
    /// </summary>
    public void RemoveAt(int kind, int i)
    {
        int at = _first + Start(kind) + i, last = _first + Total - 1;
        if ((uint)i >= (uint)Count(kind)) throw new ArgumentOutOfRangeException(nameof(i));
        var items = _items;
        for (int j = at; j < last; j++) items[j] = items[j + 1]; // a handful: a loop beats a copy call
        _ends -= Ones << (EndBits * kind);
    }

    /// <summary>
    /// Index (0 = oldest) of the oldest entity of <paramref name="kind"/> on plane cell
    /// <paramref name="cell"/> (= 10y + x), or -1; <paramref name="first"/> is <see cref="First"/> and
    /// <paramref name="ends"/> the current <see cref="Ends"/> (callers in a loop keep both in registers).
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


    // Entity 0 at slot `first` of the (pinned) array.
    unsafe void SetFirst(int first)
    {
        _first = first;
        _firstAddress = (SeaquestEntity*)Unsafe.AsPointer(ref _items[first]);
    }

    void Grow(int needed)
    {
        if (needed > MaxEntities)
            throw new InvalidOperationException(
                $"Seaquest holds at most {MaxEntities} entities; {needed} were needed.");
        int capacity = Math.Min(Math.Max(needed, 2 * Capacity), MaxEntities);
        var items = Allocate(capacity);
        _items.AsSpan(_first, Total).CopyTo(items);
        _items = items;
        SetFirst(0);
        _apartFrom = 0; // the entities moved
    }
}
