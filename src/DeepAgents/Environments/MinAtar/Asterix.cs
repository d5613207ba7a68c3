using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Research.DeepAgents.Random;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>
/// Asterix (docs/minatar.md, "Asterix"): the player collects gold (+1) and dies on touching an enemy.
/// Channels: 0 player, 1 enemy, 2 trail, 3 gold. 8 entity slots; slot i lives on row i+1.
/// </summary>
/// <remarks>
/// This file is the rules. The speed work lives beside it: the slots in AVX2 lanes (AsterixLanes.cs) and
/// the cached observation cells and drawing (AsterixDraw.cs).
/// </remarks>
public sealed partial class Asterix : MinAtarGame
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

    /// <summary>Eight columns stored inline (constant-length indexing, no array bounds to load).</summary>
    [InlineArray(Slots)]
    struct SlotColumns { int _first; }

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

    static bool Bit(int mask, int slot) =>
        (uint)slot < Slots ? (mask >> slot & 1) != 0 : throw new ArgumentOutOfRangeException(nameof(slot));

    static int With(int mask, int slot, bool value) => value ? mask | 1 << slot : mask & ~(1 << slot);

    /// <summary>Test hook: places an entity in a slot (row slot+1).</summary>
    internal void SetEntity(int slot, int x, bool movingRight, bool isGold)
    {
        SetColumn(slot, x);
        _alive = With(_alive, slot, true);
        _right = With(_right, slot, movingRight);
        _gold = With(_gold, slot, isGold);
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

    // The entity in the player's slot, if on the player's cell: gold is collected (+1), an enemy ends the
    // episode.
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

    /// <summary>The entity move, one slot at a time (what <see cref="MoveEntitiesVector"/> does).</summary>
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

    // Side draw, gold draw, then randint over the free slots in increasing order (both draws always made).
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

    internal override void WriteState(BinaryWriter w)
    {
        w.Write(PlayerX); w.Write(PlayerY); w.Write(SpawnSpeed); w.Write(MoveSpeed);
        w.Write(SpawnTimer); w.Write(MoveTimer); w.Write(RampTimer); w.Write(RampIndex); w.Write(Terminal);
        for (int i = 0; i < Slots; i++)
        {
            w.Write(IsOccupied(i)); w.Write(_x[i]); w.Write(EntityMovesRight(i)); w.Write(EntityIsGold(i));
        }
    }

    internal override void ReadState(BinaryReader r)
    {
        PlayerX = r.ReadInt32(); PlayerY = r.ReadInt32();
        SpawnSpeed = r.ReadInt32(); MoveSpeed = r.ReadInt32();
        SpawnTimer = r.ReadInt32(); MoveTimer = r.ReadInt32();
        RampTimer = r.ReadInt32(); RampIndex = r.ReadInt32();
        Terminal = r.ReadBoolean();
        for (int i = 0; i < Slots; i++)
        {
            _alive = With(_alive, i, r.ReadBoolean()); _x[i] = r.ReadInt32();
            _right = With(_right, i, r.ReadBoolean()); _gold = With(_gold, i, r.ReadBoolean());
        }
        UpdateCells();
    }
}