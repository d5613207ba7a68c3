using Research.DeepAgents.Random;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>
/// Asterix (spec/minatar.md, "Asterix"): the player collects gold (+1) and dies on touching an enemy.
/// Channels: 0 player, 1 enemy, 2 trail, 3 gold. 8 entity slots; slot i lives on row i+1.
/// </summary>
public sealed class Asterix : MinAtarGame
{
    /// <summary>Id, channels and minimal actions [0,1,2,3,4].</summary>
    public static readonly MinAtarGameInfo GameInfo =
        new("asterix", ["player", "enemy", "trail", "gold"], [0, 1, 2, 3, 4]);

    const int Slots = 8, RampInterval = 100, InitialSpawnSpeed = 10, InitialMoveSpeed = 5;

    // Entity slots: (x, y = slot+1, movingRight, isGold), present when Alive.
    readonly int[] _x = new int[Slots];
    readonly bool[] _alive = new bool[Slots], _right = new bool[Slots], _gold = new bool[Slots];
    readonly int[] _free = new int[Slots];

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
    public bool IsOccupied(int slot) => _alive[slot];
    /// <summary>Entity column in slot <paramref name="slot"/>.</summary>
    public int EntityX(int slot) => _x[slot];
    /// <summary>Whether the entity in slot <paramref name="slot"/> moves right.</summary>
    public bool EntityMovesRight(int slot) => _right[slot];
    /// <summary>Whether the entity in slot <paramref name="slot"/> is gold (else an enemy).</summary>
    public bool EntityIsGold(int slot) => _gold[slot];

    /// <summary>Test hook: places an entity in a slot (row slot+1).</summary>
    internal void SetEntity(int slot, int x, bool movingRight, bool isGold)
    {
        _alive[slot] = true; _x[slot] = x; _right[slot] = movingRight; _gold[slot] = isGold;
    }

    /// <summary>Test hook: empties a slot.</summary>
    internal void ClearEntity(int slot) => _alive[slot] = false;

    /// <inheritdoc />
    public override void Reset()
    {
        PlayerX = 5; PlayerY = 5;
        Array.Clear(_alive);
        SpawnSpeed = InitialSpawnSpeed; MoveSpeed = InitialMoveSpeed;
        SpawnTimer = SpawnSpeed; MoveTimer = MoveSpeed;
        RampTimer = RampInterval; RampIndex = 0;
        Terminal = false;
    }

    /// <inheritdoc />
    public override int Act(int action)
    {
        int reward = 0;
        // (1) spawn (Style A)
        if (SpawnTimer == 0)
        {
            Spawn();
            SpawnTimer = SpawnSpeed;
        }
        // (2) move the player, clamped to x in [0,9], y in [1,8]
        switch (action)
        {
            case MinAtarAction.Left: PlayerX = Math.Max(0, PlayerX - 1); break;
            case MinAtarAction.Right: PlayerX = Math.Min(Size - 1, PlayerX + 1); break;
            case MinAtarAction.Up: PlayerY = Math.Max(1, PlayerY - 1); break;
            case MinAtarAction.Down: PlayerY = Math.Min(Slots, PlayerY + 1); break;
        }
        // (3) collisions after the player's move (only the slot on the player's row, PlayerY-1, can touch it)
        if (_alive[PlayerY - 1]) reward += Collide(PlayerY - 1);
        // (4) entities move (Style A), leave the grid, collide
        if (MoveTimer == 0)
        {
            MoveTimer = MoveSpeed;
            for (int i = 0; i < Slots; i++)
            {
                if (!_alive[i]) continue;
                _x[i] += _right[i] ? 1 : -1;
                if ((uint)_x[i] >= Size) _alive[i] = false;
                else reward += Collide(i);
            }
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

    // Entity in slot i on the player's cell: gold is collected (+1), an enemy ends the episode.
    int Collide(int i)
    {
        if (_x[i] != PlayerX || i + 1 != PlayerY) return 0;
        if (_gold[i]) { _alive[i] = false; return 1; }
        Terminal = true;
        return 0;
    }

    // Side draw, gold draw, then randint over the free slots in increasing order (both draws always consumed).
    void Spawn()
    {
        bool right = Random.NextDouble() < 0.5;
        bool gold = Random.NextDouble() < 1.0 / 3.0;
        int free = 0;
        for (int i = 0; i < Slots; i++)
            if (!_alive[i]) _free[free++] = i;
        if (free == 0) return;
        int slot = _free[Random.RandInt(0, free)];
        SetEntity(slot, right ? 0 : Size - 1, right, gold);
    }

    /// <summary>Player cell; enemy or gold cell; trail one cell behind each entity when on the grid.</summary>
    private protected override void Draw(PlaneWriter p)
    {
        p.Set(0, PlayerY, PlayerX);
        for (int i = 0; i < Slots; i++)
        {
            if (!_alive[i]) continue;
            int y = i + 1;
            p.Set(_gold[i] ? 3 : 1, y, _x[i]);
            int back = _right[i] ? _x[i] - 1 : _x[i] + 1;
            if ((uint)back < Size) p.Set(2, y, back);
        }
    }

    internal override void WriteState(BinaryWriter w)
    {
        w.Write(PlayerX); w.Write(PlayerY); w.Write(SpawnSpeed); w.Write(MoveSpeed);
        w.Write(SpawnTimer); w.Write(MoveTimer); w.Write(RampTimer); w.Write(RampIndex); w.Write(Terminal);
        for (int i = 0; i < Slots; i++) { w.Write(_alive[i]); w.Write(_x[i]); w.Write(_right[i]); w.Write(_gold[i]); }
    }

    internal override void ReadState(BinaryReader r)
    {
        PlayerX = r.ReadInt32(); PlayerY = r.ReadInt32(); SpawnSpeed = r.ReadInt32(); MoveSpeed = r.ReadInt32();
        SpawnTimer = r.ReadInt32(); MoveTimer = r.ReadInt32(); RampTimer = r.ReadInt32(); RampIndex = r.ReadInt32();
        Terminal = r.ReadBoolean();
        for (int i = 0; i < Slots; i++) { _alive[i] = r.ReadBoolean(); _x[i] = r.ReadInt32(); _right[i] = r.ReadBoolean(); _gold[i] = r.ReadBoolean(); }
    }
}
