using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Research.Random;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>
/// Asterix (docs/minatar.md, "Asterix"): the player collects gold (+1) and dies on touching an enemy.
/// Channels: 0 player, 1 enemy, 2 trail, 3 gold. 8 entity slots; slot i lives on row i+1.
/// </summary>
public sealed class Asterix : MinAtarGame
{
    /// <summary>Id, channels and minimal actions [0,1,2,3,4].</summary>
    public static readonly MinAtarGameInfo GameInfo =
        new("asterix", ["player", "enemy", "trail", "gold"], [0, 1, 2, 3, 4]);

    const int Slots = 8, RampInterval = 100, InitialSpawnSpeed = 10, InitialMoveSpeed = 5;

    // rand() < 1/2 and rand() < 1/3 as integer tests on NextInt53 (Mt19937.Int53Threshold).
    static readonly ulong Half = Mt19937.Int53Threshold(0.5), Third = Mt19937.Int53Threshold(1.0 / 3.0);

    // Entity slots: column x; bit i of the masks: slot i (row i+1) is occupied, moves right, is gold.
    SlotColumns _x;
    int _alive, _right, _gold;

    // Observation cells, kept up to date whenever an entity changes: lanes 0-7 the entity cell of slot i
    // (enemy or gold channel), lanes 8-15 its trail; 0 for an empty slot or an off-grid trail. Cell 0
    // (channel 0, row 0) is never set in an observation (the player lives on rows 1-8), so Draw stores
    // 1 there for those and clears it at the end.
    SlotCells _cells;

    /// <summary>Eight columns stored inline (constant-length indexing, no array bounds to load).</summary>
    [InlineArray(Slots)]
    struct SlotColumns { int _first; }

    /// <summary>Sixteen observation cell indices stored inline.</summary>
    [InlineArray(2 * Slots)]
    struct SlotCells { ushort _first; }

    /// <summary>Creates the game; call <see cref="Reset"/> before acting.</summary>
    public Asterix(Mt19937 random, bool difficultyRamping) : base(random, difficultyRamping) { }

    /// <inheritdoc />
    public override MinAtarGameInfo Info => GameInfo;

    /// <summary>Player column, 0..9.</summary>
    public int PlayerX { get; internal set; }
    /// <summary>Player row, 1..8.</summary>
    public int PlayerY { get; internal set; }
    /// <summary>Steps between spawns (ramps down to 1).</summary>
    public int SpawnSpeed { get; internal set; }
    /// <summary>Steps between entity moves (ramps down to 1).</summary>
    public int MoveSpeed { get; internal set; }
    /// <summary>Style-A spawn timer.</summary>
    public int SpawnTimer { get; internal set; }
    /// <summary>Style-A move timer.</summary>
    public int MoveTimer { get; internal set; }
    /// <summary>Ramp countdown (starts at 100).</summary>
    public int RampTimer { get; internal set; }
    /// <summary>Number of ramps so far.</summary>
    public int RampIndex { get; internal set; }

    /// <summary>Whether slot <paramref name="slot"/> (row slot+1) holds an entity.</summary>
    public bool IsOccupied(int slot) => Bit(_alive, slot);
    /// <summary>Entity column in slot <paramref name="slot"/>.</summary>
    public int EntityX(int slot) => _x[slot];
    /// <summary>Whether the entity in slot <paramref name="slot"/> moves right.</summary>
    public bool EntityMovesRight(int slot) => Bit(_right, slot);
    /// <summary>Whether the entity in slot <paramref name="slot"/> is gold (else an enemy).</summary>
    public bool EntityIsGold(int slot) => Bit(_gold, slot);

    static bool Bit(int mask, int slot) => (uint)slot < Slots ? (mask >> slot & 1) != 0 : throw new ArgumentOutOfRangeException(nameof(slot));

    static int With(int mask, int slot, bool value) => value ? mask | 1 << slot : mask & ~(1 << slot);

    /// <summary>Test hook: places an entity in a slot (row slot+1).</summary>
    internal void SetEntity(int slot, int x, bool movingRight, bool isGold)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            // a lane blend, not a 4-byte store: UpdateCells reloads all eight columns as one vector, and a
            // wide load right after a narrow store to the same bytes cannot be forwarded (it stalls)
            ref int columns = ref _x[0];
            var lane = Vector256.Equals(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(slot));
            Vector256.ConditionalSelect(lane, Vector256.Create(x), Vector256.LoadUnsafe(ref columns)).StoreUnsafe(ref columns);
        }
        else _x[slot] = x;
        _alive = With(_alive, slot, true); _right = With(_right, slot, movingRight); _gold = With(_gold, slot, isGold);
        UpdateCells();
    }

    /// <summary>Test hook: empties a slot.</summary>
    internal void ClearEntity(int slot)
    {
        _alive = With(_alive, slot, false);
        UpdateCells();
    }

    /// <inheritdoc />
    public override void Reset()
    {
        PlayerX = 5; PlayerY = 5;
        _alive = 0;
        UpdateCells();
        SpawnSpeed = InitialSpawnSpeed; MoveSpeed = InitialMoveSpeed;
        SpawnTimer = SpawnSpeed; MoveTimer = MoveSpeed;
        RampTimer = RampInterval; RampIndex = 0;
        Terminal = false;
    }

    /// <inheritdoc />
    public override int Act(int action)
    {
        // (1) spawn (Style A)
        if (SpawnTimer == 0)
        {
            Spawn();
            SpawnTimer = SpawnSpeed;
        }
        // (2) move the player, clamped to x in [0,9], y in [1,8] (no branch on the action)
        PlayerX = Clamp(PlayerX + ActionDx(action), 0, Size - 1);
        PlayerY = Clamp(PlayerY + ActionDy(action), 1, Slots);
        // (3) collisions after the player's move (only the slot on the player's row can touch it)
        int reward = CollideOnPlayerRow();
        // (4) entities move (Style A), leave the grid, collide; again only the player's row can collide,
        // and each entity's collision touches only itself, so moving all first changes nothing.
        if (MoveTimer == 0)
        {
            MoveTimer = MoveSpeed;
            MoveEntities();
            reward += CollideOnPlayerRow();
        }
        // (5) both timers decrement unconditionally
        SpawnTimer--; MoveTimer--;
        // (6) difficulty ramping
        if (DifficultyRamping && (SpawnSpeed > 1 || MoveSpeed > 1))
        {
            if (RampTimer >= 0) RampTimer--;
            else
            {
                if (MoveSpeed > 1 && RampIndex % 2 == 1) MoveSpeed--;
                if (SpawnSpeed > 1) SpawnSpeed--;
                RampIndex++;
                RampTimer = RampInterval;
            }
        }
        return reward;
    }

    // The entity in the player's slot, if on the player's cell: gold is collected (+1), an enemy ends the episode.
    int CollideOnPlayerRow()
    {
        int s = PlayerY - 1;
        if (((_alive >> s) & 1) == 0 | _x[s] != PlayerX) return 0; // '|': one rarely-taken branch
        if (((_gold >> s) & 1) != 0)
        {
            _alive &= ~(1 << s);
            UpdateCells();
            return 1;
        }
        Terminal = true;
        return 0;
    }

    // Every occupied slot moves one column its way; those leaving [0,9] are removed. Branch-free.
    void MoveEntities()
    {
        if (Vector256.IsHardwareAccelerated) MoveEntitiesVector();
        else MoveEntitiesScalar();
        UpdateCells();
    }

    /// <summary>The entity move, one slot at a time (reference for <see cref="MoveEntitiesVector"/>).</summary>
    internal void MoveEntitiesScalar()
    {
        int alive = _alive, right = _right;
        for (int i = 0; i < Slots; i++)
        {
            int present = -((alive >> i) & 1);       // all ones for an occupied slot
            int step = 2 * ((right >> i) & 1) - 1;   // +1 right, -1 left
            int x = _x[i] + (step & present);
            _x[i] = x;
            int offGrid = ((x | (Size - 1 - x)) >> 31) & 1; // x < 0 or x > 9
            alive &= ~(offGrid << i);
        }
        _alive = alive;
    }

    /// <summary>The entity move with the eight slots in the lanes of one vector.</summary>
    internal void MoveEntitiesVector()
    {
        ref int columns = ref _x[0];
        var present = Lanes(_alive);
        var step = (Lanes(_right) & Vector256.Create(2)) - Vector256<int>.One; // +1 right, -1 left
        var x = Vector256.LoadUnsafe(ref columns) + (step & present);
        x.StoreUnsafe(ref columns);
        // sign bit of x | (9 - x) set exactly when x < 0 or x > 9
        uint offGrid = (x | (Vector256.Create(Size - 1) - x)).ExtractMostSignificantBits();
        _alive &= ~(int)offGrid;
    }

    // Bit i of mask -> lane i all ones (else zero).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<int> Lanes(int mask)
    {
        var bits = Vector256.Create(1, 2, 4, 8, 16, 32, 64, 128);
        return Vector256.Equals(Vector256.Create(mask) & bits, bits);
    }

    // Side draw, gold draw, then randint over the free slots in increasing order (both draws always consumed).
    void Spawn()
    {
        bool right = Random.NextInt53() < Half;
        bool gold = Random.NextInt53() < Third;
        uint free = ~(uint)_alive & (1u << Slots) - 1;
        if (free == 0) return;
        int k = Random.RandInt(0, BitOperations.PopCount(free));
        SetEntity(NthSetBit(free, k), right ? 0 : Size - 1, right, gold);
    }

    // Index of the k-th (0-based, from bit 0 up) set bit of mask.
    static int NthSetBit(uint mask, int k)
    {
        if (Bmi2.IsSupported) return BitOperations.TrailingZeroCount(Bmi2.ParallelBitDeposit(1u << k, mask));
        for (; k > 0; k--) mask &= mask - 1;
        return BitOperations.TrailingZeroCount(mask);
    }

    /// <summary>Player cell; enemy or gold cell; trail one cell behind each entity when on the grid.</summary>
    /// <remarks>
    /// The sixteen entity and trail cells are kept in <c>_cells</c> (recomputed only when an entity
    /// changes), so drawing is sixteen unconditional stores: empty slots and off-grid trails store into
    /// cell 0, which is cleared again at the end.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining)] // compiled on its own, so the caller's inlining budget cannot leave the writer's helpers as calls
    private protected override void Draw(Span<byte> planes)
    {
        int player = PlayerY * Size + PlayerX; // channel 0
        if (Vector256.IsHardwareAccelerated)
        {
            var cells = Vector256.LoadUnsafe(ref _cells[0]); // the state is read before the clear (PlaneWriter)
            var p = new PlaneWriter(planes);
            p.SetAtClamped(cells);
            p.StoreAt(0, 0);
            p.SetAt(player); // last, so even a hook-made player on cell 0 is drawn
        }
        else
        {
            var p = new PlaneWriter(planes);
            p.SetAtClamped(ref _cells[0], 2 * Slots);
            p.StoreAt(0, 0);
            p.SetAt(player);
        }
    }

    const int Plane = Size * Size, EnemyPlane = 1 * Plane, TrailPlane = 2 * Plane, GoldMinusEnemy = 2 * Plane, LastCell = 4 * Plane - 1;

    void UpdateCells()
    {
        if (Vector256.IsHardwareAccelerated) UpdateCellsVector();
        else UpdateCellsScalar();
    }

    /// <summary>Test hook: recomputes the cached cells with the scalar or the vector code (both must agree).</summary>
    internal void UpdateCellsWith(bool vector)
    {
        if (vector) UpdateCellsVector();
        else UpdateCellsScalar();
    }

    /// <summary>The cell indices, one slot at a time (reference for <see cref="UpdateCellsVector"/>).</summary>
    void UpdateCellsScalar()
    {
        int alive = _alive, right = _right, gold = _gold;
        for (int i = 0; i < Slots; i++)
        {
            int x = _x[i], row = (i + 1) * Size;
            int present = -((alive >> i) & 1);
            int entity = EnemyPlane + GoldMinusEnemy * ((gold >> i) & 1) + row + x;
            int back = x + 1 - 2 * ((right >> i) & 1);              // x-1 moving right, x+1 moving left
            int onGrid = ~((back | (Size - 1 - back)) >> 31);        // all ones when 0 <= back <= 9
            _cells[i] = (ushort)Math.Min((uint)(entity & present), LastCell);
            _cells[Slots + i] = (ushort)Math.Min((uint)((TrailPlane + row + back) & present & onGrid), LastCell);
        }
    }

    /// <summary>The cell indices with the eight slots in the lanes of one vector.</summary>
    void UpdateCellsVector()
    {
        var present = Lanes(_alive);
        var x = Vector256.LoadUnsafe(ref _x[0]);
        var row = Vector256.Create(1, 2, 3, 4, 5, 6, 7, 8) * Size;
        var entity = Vector256.Create(EnemyPlane) + (Lanes(_gold) & Vector256.Create(GoldMinusEnemy)) + row + x;
        var back = x + Vector256<int>.One + (Lanes(_right) & Vector256.Create(-2)); // x-1 moving right, x+1 moving left
        var offGrid = Vector256.ShiftRightArithmetic(back | (Vector256.Create(Size - 1) - back), 31); // all ones when off
        var trail = Vector256.Create(TrailPlane) + row + back;
        // clamped, so a corrupt state (a restored snapshot) cannot point outside the observation
        var last = Vector256.Create((uint)LastCell);
        var entityCells = Vector256.Min((entity & present).AsUInt32(), last);
        var trailCells = Vector256.Min(Vector256.AndNot(trail & present, offGrid).AsUInt32(), last);
        Vector256.Narrow(entityCells, trailCells).StoreUnsafe(ref _cells[0]); // lanes 0-7 entities, 8-15 trails
    }

    internal override void WriteState(BinaryWriter w)
    {
        w.Write(PlayerX); w.Write(PlayerY); w.Write(SpawnSpeed); w.Write(MoveSpeed);
        w.Write(SpawnTimer); w.Write(MoveTimer); w.Write(RampTimer); w.Write(RampIndex); w.Write(Terminal);
        for (int i = 0; i < Slots; i++) { w.Write(IsOccupied(i)); w.Write(_x[i]); w.Write(EntityMovesRight(i)); w.Write(EntityIsGold(i)); }
    }

    internal override void ReadState(BinaryReader r)
    {
        PlayerX = r.ReadInt32(); PlayerY = r.ReadInt32(); SpawnSpeed = r.ReadInt32(); MoveSpeed = r.ReadInt32();
        SpawnTimer = r.ReadInt32(); MoveTimer = r.ReadInt32(); RampTimer = r.ReadInt32(); RampIndex = r.ReadInt32();
        Terminal = r.ReadBoolean();
        for (int i = 0; i < Slots; i++)
        {
            _alive = With(_alive, i, r.ReadBoolean()); _x[i] = r.ReadInt32();
            _right = With(_right, i, r.ReadBoolean()); _gold = With(_gold, i, r.ReadBoolean());
        }
        UpdateCells();
    }
}
