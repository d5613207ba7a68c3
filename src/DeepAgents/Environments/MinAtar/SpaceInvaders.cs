using System.Runtime.CompilerServices;
using System.Numerics;
using Research.Random;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>
/// Space Invaders (docs/minatar.md, "Space Invaders"): a cannon on row 9 shoots a 4x6 block of aliens
/// (+1 each) that marches sideways and down and shoots back. Channels: 0 cannon, 1 alien, 2 alien_left,
/// 3 alien_right, 4 friendly_bullet, 5 enemy_bullet. No randomness besides sticky actions.
/// The three maps are kept as one 10-bit mask per row (bit x = column x).
/// </summary>
public sealed class SpaceInvaders : MinAtarGame
{
    /// <summary>Id, channels and minimal actions [0,1,3,5].</summary>
    public static readonly MinAtarGameInfo GameInfo = new("space_invaders",
        ["cannon", "alien", "alien_left", "alien_right", "friendly_bullet", "enemy_bullet"], [0, 1, 3, 5]);

    const int ShotCooldown = 5, EnemyShotInterval = 10, InitialMoveInterval = 12, MinMoveInterval = 6;
    const ushort FullRow = (1 << Size) - 1;
    const ushort BlockRow = 0b0011111100; // columns 2-7

    readonly ushort[] _aliens = new ushort[Size], _friendly = new ushort[Size], _enemy = new ushort[Size];

    /// <summary>Creates the game; call <see cref="Reset"/> before acting.</summary>
    public SpaceInvaders(Mt19937 random, bool difficultyRamping) : base(random, difficultyRamping) { }

    /// <inheritdoc />
    public override MinAtarGameInfo Info => GameInfo;

    /// <summary>Cannon column on row 9.</summary>
    public int Position { get; internal set; }
    /// <summary>Alien direction: -1 left, +1 right.</summary>
    public int AlienDirection { get; internal set; }
    /// <summary>Alien move interval (ramps from 12 down to 6).</summary>
    public int EnemyMoveInterval { get; internal set; }
    /// <summary>Style-A alien move timer.</summary>
    public int AlienMoveTimer { get; internal set; }
    /// <summary>Style-A alien shot timer.</summary>
    public int AlienShotTimer { get; internal set; }
    /// <summary>Cannon cooldown.</summary>
    public int ShotTimer { get; internal set; }
    /// <summary>Number of ramps so far.</summary>
    public int RampIndex { get; internal set; }

    /// <summary>Whether an alien is at (row, column).</summary>
    public bool HasAlien(int y, int x) => (_aliens[y] >> x & 1) != 0;
    /// <summary>Whether a friendly bullet is at (row, column).</summary>
    public bool HasFriendlyBullet(int y, int x) => (_friendly[y] >> x & 1) != 0;
    /// <summary>Whether an enemy bullet is at (row, column).</summary>
    public bool HasEnemyBullet(int y, int x) => (_enemy[y] >> x & 1) != 0;

    /// <summary>Number of aliens alive.</summary>
    public int AlienCount
    {
        get
        {
            int n = 0;
            foreach (var row in _aliens) n += BitOperations.PopCount(row);
            return n;
        }
    }

    /// <summary>Test hook: sets or clears an alien.</summary>
    internal void SetAlien(int y, int x, bool present) => SetBit(_aliens, y, x, present);
    /// <summary>Test hook: sets or clears an enemy bullet.</summary>
    internal void SetEnemyBullet(int y, int x, bool present) => SetBit(_enemy, y, x, present);

    static void SetBit(ushort[] map, int y, int x, bool present)
    {
        if (present) map[y] |= (ushort)(1 << x);
        else map[y] &= (ushort)~(1 << x);
    }

    /// <inheritdoc />
    public override void Reset()
    {
        Position = 5;
        Array.Clear(_aliens); Array.Clear(_friendly); Array.Clear(_enemy);
        SpawnAliens();
        AlienDirection = -1;
        EnemyMoveInterval = InitialMoveInterval;
        AlienMoveTimer = EnemyMoveInterval;
        AlienShotTimer = EnemyShotInterval;
        ShotTimer = 0;
        RampIndex = 0;
        Terminal = false;
    }

    void SpawnAliens()
    {
        for (int y = 0; y < 4; y++) _aliens[y] = BlockRow;
    }

    bool CannonHit(ushort[] map) => (map[Size - 1] >> Position & 1) != 0;

    /// <inheritdoc />
    public override int Act(int action)
    {
        int reward = 0;
        // (1) fire when the cooldown is over; else left/right
        if (action == MinAtarAction.Fire)
        {
            if (ShotTimer == 0)
            {
                _friendly[Size - 1] |= (ushort)(1 << Position);
                ShotTimer = ShotCooldown;
            }
        }
        else if (action == MinAtarAction.Left) Position = Math.Max(0, Position - 1);
        else if (action == MinAtarAction.Right) Position = Math.Min(Size - 1, Position + 1);

        // (2) friendly bullets shift up; what wraps into row 9 is cleared
        for (int y = 0; y < Size - 1; y++) _friendly[y] = _friendly[y + 1];
        _friendly[Size - 1] = 0;
        // (3) enemy bullets shift down; row 0 is cleared
        for (int y = Size - 1; y > 0; y--) _enemy[y] = _enemy[y - 1];
        _enemy[0] = 0;
        if (CannonHit(_enemy)) Terminal = true;

        // (4) aliens
        if (CannonHit(_aliens)) Terminal = true;
        if (AlienMoveTimer == 0)
        {
            AlienMoveTimer = Math.Min(AlienCount, EnemyMoveInterval);
            ushort columns = 0;
            foreach (var row in _aliens) columns |= row;
            bool atLeftEdge = (columns & 1) != 0, atRightEdge = (columns >> (Size - 1) & 1) != 0;
            if ((atLeftEdge && AlienDirection < 0) || (atRightEdge && AlienDirection > 0))
            {
                AlienDirection = -AlienDirection;
                if (_aliens[Size - 1] != 0) Terminal = true;
                // shift down a row (a roll: row 9 would wrap to row 0)
                ushort bottom = _aliens[Size - 1];
                for (int y = Size - 1; y > 0; y--) _aliens[y] = _aliens[y - 1];
                _aliens[0] = bottom;
            }
            else
            {
                for (int y = 0; y < Size; y++) _aliens[y] = RollColumns(_aliens[y], AlienDirection);
            }
            if (CannonHit(_aliens)) Terminal = true;
        }

        // (5) alien shot from the lowest alien of the column nearest the cannon (ties: lower column)
        if (AlienShotTimer == 0)
        {
            AlienShotTimer = EnemyShotInterval;
            ushort columns = 0;
            foreach (var row in _aliens) columns |= row;
            int best = -1;
            for (int x = 0; x < Size; x++)
                if ((columns >> x & 1) != 0 && (best < 0 || Math.Abs(x - Position) < Math.Abs(best - Position)))
                    best = x;
            if (best >= 0)
            {
                int lowest = Size - 1;
                while ((_aliens[lowest] >> best & 1) == 0) lowest--;
                _enemy[lowest] |= (ushort)(1 << best);
            }
        }

        // (6) bullets that share a cell with an alien destroy it
        for (int y = 0; y < Size; y++)
        {
            ushort kill = (ushort)(_aliens[y] & _friendly[y]);
            if (kill == 0) continue;
            reward += BitOperations.PopCount(kill);
            _aliens[y] &= (ushort)~kill;
            _friendly[y] &= (ushort)~kill;
        }

        // (7) timers
        if (ShotTimer > 0) ShotTimer--;
        AlienMoveTimer--;
        AlienShotTimer--;

        // (8) a cleared wave ramps (interval > 6) and respawns; direction and timers are kept
        if (AlienCount == 0)
        {
            if (DifficultyRamping && EnemyMoveInterval > MinMoveInterval)
            {
                EnemyMoveInterval--;
                RampIndex++;
            }
            SpawnAliens();
        }
        return reward;
    }

    // np.roll along columns by dir (+1 right, -1 left) within 10 bits.
    static ushort RollColumns(ushort row, int dir) => dir > 0
        ? (ushort)(((row << 1) | (row >> (Size - 1))) & FullRow)
        : (ushort)(((row >> 1) | ((row & 1) << (Size - 1))) & FullRow);

    /// <summary>Cannon; aliens (also in alien_left or alien_right
    /// by direction); both kinds of bullets.</summary>
    // Compiled on its own, so the caller's inlining budget cannot leave the writer's helpers as calls.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private protected override void Draw(Span<byte> planes)
    {
        // the state is read (packed into boards) before the clear (PlaneWriter)
        int cannon = (Size - 1) * Size + Position, direction = AlienDirection < 0 ? 2 : 3;
        PlaneWriter.PackRows(_aliens, out ulong aliensLow, out ulong aliensHigh);
        PlaneWriter.PackRows(_friendly, out ulong friendlyLow, out ulong friendlyHigh);
        PlaneWriter.PackRows(_enemy, out ulong enemyLow, out ulong enemyHigh);
        var p = new PlaneWriter(planes);
        p.SetAt(cannon);
        p.WriteBits(1, aliensLow, aliensHigh);
        p.WriteBits(direction, aliensLow, aliensHigh);
        p.WriteBits(4, friendlyLow, friendlyHigh);
        p.WriteBits(5, enemyLow, enemyHigh);
    }

    internal override void WriteState(BinaryWriter w)
    {
        w.Write(Position); w.Write(AlienDirection); w.Write(EnemyMoveInterval); w.Write(AlienMoveTimer);
        w.Write(AlienShotTimer); w.Write(ShotTimer); w.Write(RampIndex); w.Write(Terminal);
        for (int y = 0; y < Size; y++) { w.Write(_aliens[y]); w.Write(_friendly[y]); w.Write(_enemy[y]); }
    }

    internal override void ReadState(BinaryReader r)
    {
        Position = r.ReadInt32(); AlienDirection = r.ReadInt32(); EnemyMoveInterval = r.ReadInt32();
        AlienMoveTimer = r.ReadInt32(); AlienShotTimer = r.ReadInt32(); ShotTimer = r.ReadInt32();
        RampIndex = r.ReadInt32(); Terminal = r.ReadBoolean();
        for (int y = 0; y < Size; y++) { _aliens[y] = r.ReadUInt16(); _friendly[y] = r.ReadUInt16(); _enemy[y] = r.ReadUInt16(); }
    }
}
