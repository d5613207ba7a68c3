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

    static int Step(bool right) => right ? 1 : -1;

    /// <inheritdoc />
    public override int Act(int action)
    {
        int reward = 0;
        // (1) enemy spawn, (2) diver spawn
        if (EnemySpawnTimer == 0) { SpawnEnemy(); EnemySpawnTimer = EnemySpawnSpeed; }
        if (DiverSpawnTimer == 0) { SpawnDiver(); DiverSpawnTimer = DiverSpawnSpeed; }

        // (3) player: fire wins when the cooldown is over; fire during cooldown does nothing
        if (action == MinAtarAction.Fire)
        {
            if (ShotTimer == 0)
            {
                FriendlyBullets.Add(SubX, SubY, SubFacesRight);
                ShotTimer = ShotCooldown;
            }
        }
        else if (action == MinAtarAction.Left) { SubX = Math.Max(0, SubX - 1); SubFacesRight = false; }
        else if (action == MinAtarAction.Right) { SubX = Math.Min(Size - 1, SubX + 1); SubFacesRight = true; }
        else if (action == MinAtarAction.Up) SubY = Math.Max(0, SubY - 1);
        else if (action == MinAtarAction.Down) SubY = Math.Min(Size - 2, SubY + 1);

        // (4) friendly bullets, newest first: move; off-grid removed; hit a fish (first) or else a sub
        for (int i = FriendlyBullets.Count - 1; i >= 0; i--)
        {
            ref int x = ref FriendlyBullets.XRef(i);
            x += Step(FriendlyBullets.MovesRight(i));
            int y = FriendlyBullets.Y(i);
            if ((uint)x >= Size) { FriendlyBullets.RemoveAt(i); continue; }
            int hit = Fish.IndexAt(x, y);
            if (hit >= 0) { Fish.RemoveAt(hit); FriendlyBullets.RemoveAt(i); reward++; continue; }
            hit = Subs.IndexAt(x, y);
            if (hit >= 0) { Subs.RemoveAt(hit); FriendlyBullets.RemoveAt(i); reward++; }
        }

        // (5) divers, newest first: picked up on the sub (fewer than 6 held), else Style-B move
        for (int i = Divers.Count - 1; i >= 0; i--)
        {
            if (OnSub(Divers.X(i), Divers.Y(i)) && DiverCount < MaxDivers)
            {
                Divers.RemoveAt(i); DiverCount++;
                continue;
            }
            ref int timer = ref Divers.MoveTimerRef(i);
            if (timer == 0)
            {
                timer = DiverMoveInterval;
                ref int x = ref Divers.XRef(i);
                x += Step(Divers.MovesRight(i));
                if ((uint)x >= Size) Divers.RemoveAt(i);
                else if (OnSub(x, Divers.Y(i)) && DiverCount < MaxDivers) { Divers.RemoveAt(i); DiverCount++; }
            }
            else timer--;
        }

        // (6) enemy subs, newest first: collide, Style-B move, then (independently) Style-B shooting
        for (int i = Subs.Count - 1; i >= 0; i--)
        {
            int x = Subs.X(i), y = Subs.Y(i);
            bool right = Subs.MovesRight(i);
            if (OnSub(x, y)) Terminal = true;
            bool removed = false;
            ref int moveTimer = ref Subs.MoveTimerRef(i);
            if (moveTimer == 0)
            {
                moveTimer = MoveSpeed;
                x += Step(right);
                Subs.XRef(i) = x;
                if ((uint)x >= Size) removed = true;
                else if (OnSub(x, y)) Terminal = true;
                else
                {
                    int bullet = FriendlyBullets.IndexAt(x, y);
                    if (bullet >= 0) { FriendlyBullets.RemoveAt(bullet); removed = true; reward++; }
                }
            }
            else moveTimer--;
            ref int shotTimer = ref Subs.ShotTimerRef(i);
            if (shotTimer == 0)
            {
                shotTimer = EnemyShotInterval;
                EnemyBullets.Add(x, y, right); // also fired by a sub removed this step
            }
            else shotTimer--;
            if (removed) Subs.RemoveAt(i);
        }

        // (7) enemy bullets, newest first: collide, move every step, off-grid removed, collide
        for (int i = EnemyBullets.Count - 1; i >= 0; i--)
        {
            ref int x = ref EnemyBullets.XRef(i);
            int y = EnemyBullets.Y(i);
            if (OnSub(x, y)) Terminal = true;
            x += Step(EnemyBullets.MovesRight(i));
            if ((uint)x >= Size) EnemyBullets.RemoveAt(i);
            else if (OnSub(x, y)) Terminal = true;
        }

        // (8) fish: as subs, without shooting
        for (int i = Fish.Count - 1; i >= 0; i--)
        {
            int y = Fish.Y(i);
            if (OnSub(Fish.X(i), y)) Terminal = true;
            ref int moveTimer = ref Fish.MoveTimerRef(i);
            if (moveTimer == 0)
            {
                moveTimer = MoveSpeed;
                ref int x = ref Fish.XRef(i);
                x += Step(Fish.MovesRight(i));
                if ((uint)x >= Size) Fish.RemoveAt(i);
                else if (OnSub(x, y)) Terminal = true;
                else
                {
                    int bullet = FriendlyBullets.IndexAt(x, y);
                    if (bullet >= 0) { FriendlyBullets.RemoveAt(bullet); Fish.RemoveAt(i); reward++; }
                }
            }
            else moveTimer--;
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
        for (int i = 0; i < list.Count; i++)
            if (list.Y(i) == y && list.MovesRight(i) != right) return true;
        return false;
    }

    void SpawnDiver()
    {
        bool right = Random.NextDouble() < 0.5;
        int y = Random.RandInt(1, 9);
        Divers.Add(right ? 0 : Size - 1, y, right, DiverMoveInterval);
    }

    /// <summary>Sub front and back, gauges on row 9, bullets, fish, subs, divers and their shared trail.</summary>
    private protected override void Draw(PlaneWriter p)
    {
        p.Set(0, SubY, SubX);
        int backX = SubFacesRight ? SubX - 1 : SubX + 1;
        if ((uint)backX < Size) p.Set(1, SubY, backX);
        int oxygenCells = Math.Max(0, Oxygen) * 10 / MaxOxygen;
        for (int x = 0; x < oxygenCells && x < Size; x++) p.Set(7, Size - 1, x);
        for (int x = Math.Max(0, Size - 1 - DiverCount); x < Size - 1; x++) p.Set(8, Size - 1, x);
        DrawAll(p, FriendlyBullets, 2, trail: false);
        DrawAll(p, EnemyBullets, 4, trail: false);
        DrawAll(p, Fish, 5, trail: true);
        DrawAll(p, Subs, 6, trail: true);
        DrawAll(p, Divers, 9, trail: true);
    }

    static void DrawAll(PlaneWriter p, SeaquestEntities list, int channel, bool trail)
    {
        for (int i = 0; i < list.Count; i++)
        {
            int x = list.X(i), y = list.Y(i);
            p.Set(channel, y, x);
            if (!trail) continue;
            int back = list.MovesRight(i) ? x - 1 : x + 1;
            if ((uint)back < Size) p.Set(3, y, back);
        }
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
