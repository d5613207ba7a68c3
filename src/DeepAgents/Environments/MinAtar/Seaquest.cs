using System.Runtime.CompilerServices;
using Research.DeepAgents.Random;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>
/// Seaquest (spec/minatar.md, "Seaquest"): a submarine shoots fish and enemy subs (+1 each), rescues
/// divers and must surface before its oxygen runs out; surfacing with 6 divers pays oxygen*10//200.
/// Channels: 0 sub_front, 1 sub_back, 2 friendly_bullet, 3 trail, 4 enemy_bullet, 5 enemy_fish,
/// 6 enemy_sub, 7 oxygen_gauge, 8 diver_gauge, 9 diver.
/// </summary>
public sealed class Seaquest : MinAtarGame
{
    /// <summary>Id, channels and minimal actions [0..5].</summary>
    public static readonly MinAtarGameInfo GameInfo = new("seaquest",
        ["sub_front", "sub_back", "friendly_bullet", "trail", "enemy_bullet", "enemy_fish", "enemy_sub", "oxygen_gauge", "diver_gauge", "diver"],
        [0, 1, 2, 3, 4, 5]);

    // Constants of the spec.
    const int MaxOxygen = 200, InitialEnemySpawnSpeed = 20, DiverSpawnSpeed = 30, InitialMoveSpeed = 5,
        ShotCooldown = 5, EnemyShotInterval = 10, DiverMoveInterval = 5, MaxDivers = 6;

    /// <summary>Creates the game; call <see cref="Reset"/> before acting.</summary>
    public Seaquest(Mt19937 random, bool difficultyRamping) : base(random, difficultyRamping) { }

    /// <inheritdoc />
    public override MinAtarGameInfo Info => GameInfo;

    /// <summary>Sub column.</summary>
    public int SubX { get; internal set; }
    /// <summary>Sub row, 0 (surface) .. 8.</summary>
    public int SubY { get; internal set; }
    /// <summary>The sub faces right (else left).</summary>
    public bool SubFacesRight { get; internal set; }
    /// <summary>Oxygen, 200 when full; can go negative on the terminal step.</summary>
    public int Oxygen { get; internal set; }
    /// <summary>Divers held (a 6-diver surfacing leaves -1: the reference's quirk).</summary>
    public int DiverCount { get; internal set; }
    /// <summary>Player shot cooldown.</summary>
    public int ShotTimer { get; internal set; }
    /// <summary>Steps between enemy spawns (ramps down to 1).</summary>
    public int EnemySpawnSpeed { get; internal set; }
    /// <summary>Enemy spawn countdown.</summary>
    public int EnemySpawnTimer { get; internal set; }
    /// <summary>Diver spawn countdown.</summary>
    public int DiverSpawnTimer { get; internal set; }
    /// <summary>Enemy move period (Style-B timer value; ramps down to 2).</summary>
    public int MoveSpeed { get; internal set; }
    /// <summary>Number of ramps so far.</summary>
    public int RampIndex { get; internal set; }
    /// <summary>The sub is at the surface and has already surfaced.</summary>
    public bool Surface { get; internal set; }

    /// <summary>Friendly bullets in creation order.</summary>
    public SeaquestEntities FriendlyBullets { get; } = new();
    /// <summary>Enemy bullets in creation order.</summary>
    public SeaquestEntities EnemyBullets { get; } = new();
    /// <summary>Enemy fish in creation order (with move timers).</summary>
    public SeaquestEntities Fish { get; } = new();
    /// <summary>Enemy subs in creation order (with move and shot timers).</summary>
    public SeaquestEntities Subs { get; } = new();
    /// <summary>Divers in creation order (with move timers).</summary>
    public SeaquestEntities Divers { get; } = new();

    /// <inheritdoc />
    public override void Reset()
    {
        SubX = 5; SubY = 0; SubFacesRight = false;
        Oxygen = MaxOxygen; DiverCount = 0;
        FriendlyBullets.Clear(); EnemyBullets.Clear(); Fish.Clear(); Subs.Clear(); Divers.Clear();
        EnemySpawnSpeed = InitialEnemySpawnSpeed;
        EnemySpawnTimer = EnemySpawnSpeed;
        DiverSpawnTimer = DiverSpawnSpeed;
        MoveSpeed = InitialMoveSpeed;
        RampIndex = 0;
        ShotTimer = 0;
        Surface = true;
        Terminal = false;
    }

    bool OnSub(int x, int y) => x == SubX && y == SubY;

    // Per full action (noop, left, up, right, down, fire): the sub's move, its new facing (-1 = unchanged,
    // 0 = left, 1 = right) and whether it fires.
    static ReadOnlySpan<sbyte> MoveX => [0, -1, 0, 1, 0, 0];
    static ReadOnlySpan<sbyte> MoveY => [0, 0, -1, 0, 1, 0];
    static ReadOnlySpan<sbyte> Facing => [-1, 0, -1, 1, -1, -1];
    static ReadOnlySpan<sbyte> Fires => [0, 0, 0, 0, 0, 1];

    // Branch-free min(max(v, low), high).
    static int Clamp(int v, int low, int high)
    {
        v -= (v - low) & ((v - low) >> 31);
        return v - ((v - high) & ~((v - high) >> 31));
    }


    /// <inheritdoc />
    public override int Act(int action)
    {
        int reward = 0;
        // (1) enemy spawn, (2) diver spawn
        if (EnemySpawnTimer == 0) { SpawnEnemy(); EnemySpawnTimer = EnemySpawnSpeed; }
        if (DiverSpawnTimer == 0) { SpawnDiver(); DiverSpawnTimer = DiverSpawnSpeed; }

        // (3) player: fire wins when the cooldown is over; fire during cooldown does nothing. Table
        // lookups and masks instead of a branch per action (the action is random and would mispredict).
        if ((Fires[action] & -((ShotTimer - 1) >>> 31)) != 0) // fire and ShotTimer == 0 (it is >= 0)
        {
            FriendlyBullets.Add(SubX, SubY, SubFacesRight);
            ShotTimer = ShotCooldown;
        }
        SubX = Clamp(SubX + MoveX[action], 0, Size - 1);
        SubY = Clamp(SubY + MoveY[action], 0, Size - 2);
        int face = Facing[action]; // -1 keeps the facing, 0 left, 1 right
        SubFacesRight = ((face >> 31 & (SubFacesRight ? 1 : 0)) | (face & ~(face >> 31))) != 0;

        // (4) friendly bullets, newest first: move; off-grid removed; hit a fish (first) or else a sub
        var bullets = FriendlyBullets;
        for (int i = bullets.Count - 1; i >= 0; i--)
        {
            ref var b = ref bullets.At(i);
            int x = b.X += b.Step, y = b.Y;
            if ((uint)x >= Size) { bullets.RemoveAt(i); continue; }
            int hit = Fish.IndexAt(x, y);
            if (hit >= 0) { Fish.RemoveAt(hit); bullets.RemoveAt(i); reward++; continue; }
            hit = Subs.IndexAt(x, y);
            if (hit >= 0) { Subs.RemoveAt(hit); bullets.RemoveAt(i); reward++; }
        }

        // (5) divers, newest first: picked up on the sub (fewer than 6 held), else Style-B move
        var divers = Divers;
        for (int i = divers.Count - 1; i >= 0; i--)
        {
            ref var d = ref divers.At(i);
            if (OnSub(d.X, d.Y) && DiverCount < MaxDivers)
            {
                divers.RemoveAt(i); DiverCount++;
                continue;
            }
            if (d.MoveTimer == 0)
            {
                d.MoveTimer = DiverMoveInterval;
                int x = d.X += d.Step;
                if ((uint)x >= Size) divers.RemoveAt(i);
                else if (OnSub(x, d.Y) && DiverCount < MaxDivers) { divers.RemoveAt(i); DiverCount++; }
            }
            else d.MoveTimer--;
        }

        // (6) enemy subs, newest first: collide, Style-B move, then (independently) Style-B shooting
        var subs = Subs;
        for (int i = subs.Count - 1; i >= 0; i--)
        {
            ref var e = ref subs.At(i);
            int x = e.X, y = e.Y;
            if (OnSub(x, y)) Terminal = true;
            bool removed = false;
            if (e.MoveTimer == 0)
            {
                e.MoveTimer = MoveSpeed;
                x = e.X += e.Step;
                if ((uint)x >= Size) removed = true;
                else if (OnSub(x, y)) Terminal = true;
                else
                {
                    int bullet = bullets.IndexAt(x, y);
                    if (bullet >= 0) { bullets.RemoveAt(bullet); removed = true; reward++; }
                }
            }
            else e.MoveTimer--;
            if (e.ShotTimer == 0)
            {
                e.ShotTimer = EnemyShotInterval;
                EnemyBullets.Add(x, y, e.Right != 0); // also fired by a sub removed this step
            }
            else e.ShotTimer--;
            if (removed) subs.RemoveAt(i);
        }

        // (7) enemy bullets, newest first: collide, move every step, off-grid removed, collide
        var enemyBullets = EnemyBullets;
        for (int i = enemyBullets.Count - 1; i >= 0; i--)
        {
            ref var b = ref enemyBullets.At(i);
            int y = b.Y;
            if (OnSub(b.X, y)) Terminal = true;
            int x = b.X += b.Step;
            if ((uint)x >= Size) enemyBullets.RemoveAt(i);
            else if (OnSub(x, y)) Terminal = true;
        }

        // (8) fish: as subs, without shooting
        var fish = Fish;
        for (int i = fish.Count - 1; i >= 0; i--)
        {
            ref var f = ref fish.At(i);
            int y = f.Y;
            if (OnSub(f.X, y)) Terminal = true;
            if (f.MoveTimer == 0)
            {
                f.MoveTimer = MoveSpeed;
                int x = f.X += f.Step;
                if ((uint)x >= Size) fish.RemoveAt(i);
                else if (OnSub(x, y)) Terminal = true;
                else
                {
                    int bullet = bullets.IndexAt(x, y);
                    if (bullet >= 0) { bullets.RemoveAt(bullet); fish.RemoveAt(i); reward++; }
                }
            }
            else f.MoveTimer--;
        }

        // (9) global timers decrement while above 0
        if (EnemySpawnTimer > 0) EnemySpawnTimer--;
        if (DiverSpawnTimer > 0) DiverSpawnTimer--;
        if (ShotTimer > 0) ShotTimer--;

        // (10) oxygen and surfacing
        if (Oxygen <= 0) Terminal = true;
        if (SubY > 0)
        {
            Oxygen--;
            Surface = false;
        }
        else if (!Surface)
        {
            if (DiverCount == 0) Terminal = true;
            else reward += SurfaceSub();
        }
        return reward;
    }

    // Surfacing: bonus with 6 divers, refill oxygen, divers-1 unconditionally (the quirk), ramp.
    int SurfaceSub()
    {
        Surface = true;
        int reward = 0;
        if (DiverCount == MaxDivers)
        {
            DiverCount = 0;
            reward = Oxygen * 10 / MaxOxygen; // oxygen > 0 here, so C# division equals Python's //
        }
        Oxygen = MaxOxygen;
        DiverCount--;
        if (DifficultyRamping && (EnemySpawnSpeed > 1 || MoveSpeed > 2))
        {
            if (MoveSpeed > 2 && RampIndex % 2 == 1) MoveSpeed--;
            if (EnemySpawnSpeed > 1) EnemySpawnSpeed--;
            RampIndex++;
        }
        return reward;
    }

    // Side, kind and row draws; rejected (draws consumed) if a fish or sub on that row moves the other way.
    void SpawnEnemy()
    {
        bool right = Random.NextDouble() < 0.5;
        bool isSub = Random.NextDouble() < 1.0 / 3.0;
        int y = Random.RandInt(1, 9);
        if (MovesOpposite(Fish, y, right) || MovesOpposite(Subs, y, right)) return;
        int x = right ? 0 : Size - 1;
        if (isSub) Subs.Add(x, y, right, MoveSpeed, EnemyShotInterval);
        else Fish.Add(x, y, right, MoveSpeed);
    }

    static bool MovesOpposite(SeaquestEntities list, int y, bool right)
    {
        int r = right ? 1 : 0;
        foreach (ref readonly var e in list.Items)
            if (e.Y == y && e.Right != r) return true;
        return false;
    }

    void SpawnDiver()
    {
        bool right = Random.NextDouble() < 0.5;
        int y = Random.RandInt(1, 9);
        Divers.Add(right ? 0 : Size - 1, y, right, DiverMoveInterval);
    }

    /// <summary>Sub front and back, gauges on row 9, bullets, fish, subs, divers and their shared trail.</summary>
    /// <remarks>
    /// Branch-free where the outcome varies: a sub back or trail off the grid is stored into cell 90
    /// (channel 0, row 9: never set, row 9 only holds the gauges), which is cleared at the end; each gauge
    /// is one 10-cell row written from a bit mask.
    /// </remarks>
    private protected override void Draw(PlaneWriter p)
    {
        const int Plane = Size * Size, Spare = Size * (Size - 1);
        int subRow = SubY * Size;
        p.SetAt(subRow + SubX);
        int backX = SubFacesRight ? SubX - 1 : SubX + 1;
        p.SetAt(OnRowOrSpare(Plane + subRow, backX));
        int oxygenCells = Math.Min(Math.Max(0, Oxygen) * 10 / MaxOxygen, Size);
        p.WriteRowBits(7, Size - 1, (1 << oxygenCells) - 1);
        int divers = Math.Min(Math.Max(0, DiverCount), Size - 1);
        p.WriteRowBits(8, Size - 1, ((1 << divers) - 1) << (Size - 1 - divers)); // columns [9-divers, 9)
        DrawAll(p, FriendlyBullets, 2 * Plane, trail: false);
        DrawAll(p, EnemyBullets, 4 * Plane, trail: false);
        DrawAll(p, Fish, 5 * Plane, trail: true);
        DrawAll(p, Subs, 6 * Plane, trail: true);
        DrawAll(p, Divers, 9 * Plane, trail: true);
        p.StoreAt(Spare, 0);
    }

    // One entity cell per entity; with trail, the cell behind it too (off the grid: the spare cell).
    static void DrawAll(PlaneWriter p, SeaquestEntities list, int plane, bool trail)
    {
        const int Trail = 3 * Size * Size;
        foreach (ref readonly var e in list.Items)
        {
            int row = e.Y * Size;
            p.SetAt(plane + row + e.X);
            if (trail) p.SetAt(OnRowOrSpare(Trail + row, e.X - e.Step));
        }
    }

    // rowStart + x when 0 <= x <= 9, else the spare cell 90.
    static int OnRowOrSpare(int rowStart, int x)
    {
        const int Spare = Size * (Size - 1);
        int off = (x | (Size - 1 - x)) >> 31; // all ones when x < 0 or x > 9
        return ((rowStart + x) & ~off) | (Spare & off);
    }

    internal override void WriteState(BinaryWriter w)
    {
        w.Write(SubX); w.Write(SubY); w.Write(SubFacesRight); w.Write(Oxygen); w.Write(DiverCount); w.Write(ShotTimer);
        w.Write(EnemySpawnSpeed); w.Write(EnemySpawnTimer); w.Write(DiverSpawnTimer); w.Write(MoveSpeed);
        w.Write(RampIndex); w.Write(Surface); w.Write(Terminal);
        FriendlyBullets.Write(w); EnemyBullets.Write(w); Fish.Write(w); Subs.Write(w); Divers.Write(w);
    }

    internal override void ReadState(BinaryReader r)
    {
        SubX = r.ReadInt32(); SubY = r.ReadInt32(); SubFacesRight = r.ReadBoolean(); Oxygen = r.ReadInt32();
        DiverCount = r.ReadInt32(); ShotTimer = r.ReadInt32();
        EnemySpawnSpeed = r.ReadInt32(); EnemySpawnTimer = r.ReadInt32(); DiverSpawnTimer = r.ReadInt32();
        MoveSpeed = r.ReadInt32(); RampIndex = r.ReadInt32(); Surface = r.ReadBoolean(); Terminal = r.ReadBoolean();
        FriendlyBullets.Read(r); EnemyBullets.Read(r); Fish.Read(r); Subs.Read(r); Divers.Read(r);
    }
}
