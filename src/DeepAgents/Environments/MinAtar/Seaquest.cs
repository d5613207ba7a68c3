using System.Runtime.CompilerServices;
using Research.DeepAgents.Random;
using static Research.DeepAgents.Environments.MinAtar.SeaquestEntityStore;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>
/// Seaquest (docs/minatar.md, "Seaquest"): a submarine shoots fish and enemy subs (+1 each), rescues
/// divers and must surface before its oxygen runs out; surfacing with 6 divers pays oxygen*10//200.
/// Channels: 0 sub_front, 1 sub_back, 2 friendly_bullet, 3 trail, 4 enemy_bullet, 5 enemy_fish,
/// 6 enemy_sub, 7 oxygen_gauge, 8 diver_gauge, 9 diver.
/// </summary>
/// <remarks>
/// This file is the rules, in the doc's order. The speed work lives beside it: the entity storage
/// (SeaquestEntityStore.cs, SeaquestEntities.cs), the global timers as deadlines on a step clock
/// (SeaquestClock.cs), branch-free forms of the small decisions (SeaquestBranchFree.cs), drawing
/// (SeaquestDraw.cs, SeaquestPlacement.cs) and snapshots (SeaquestSnapshot.cs).
/// </remarks>
public sealed partial class Seaquest : MinAtarGame
{
    /// <summary>Id, channels and minimal actions [0..5].</summary>
    public static readonly MinAtarGameInfo GameInfo = new("seaquest",
        ["sub_front", "sub_back", "friendly_bullet", "trail", "enemy_bullet", "enemy_fish", "enemy_sub",
         "oxygen_gauge", "diver_gauge", "diver"],
        [0, 1, 2, 3, 4, 5]);

    // Constants of docs/minatar.md, "Seaquest".
    const int MaxOxygen = 200, InitialEnemySpawnSpeed = 20, DiverSpawnSpeed = 30, InitialMoveSpeed = 5,
        ShotCooldown = 5, EnemyShotInterval = 10, DiverMoveInterval = 5, MaxDivers = 6;

    /// <summary>Creates the game; call <see cref="Reset"/> before acting.</summary>
    public Seaquest(Mt19937 random, bool difficultyRamping) : base(random, difficultyRamping)
    {
        FriendlyBullets = new(_entities, BulletsKind, BulletChannel, trail: false);
        EnemyBullets = new(_entities, EnemyBulletsKind, EnemyBulletChannel, trail: false);
        Fish = new(_entities, FishKind, FishChannel, trail: true);
        Subs = new(_entities, SubsKind, SubChannel, trail: true);
        Divers = new(_entities, DiversKind, DiverChannel, trail: true);
    }

    /// <inheritdoc />
    public override MinAtarGameInfo Info => GameInfo;

    /// <summary>Sub column.</summary>
    public int SubX { get; internal set; }
    /// <summary>Sub row, 0 (surface) .. 8.</summary>
    public int SubY { get; internal set; }
    /// <summary>The sub faces right (else left).</summary>
    public bool SubFacesRight { get => _facing > 0; internal set => _facing = value ? 1 : -1; }
    int _facing = -1; // +1 facing right, -1 left: the column step of the last horizontal move
    /// <summary>Oxygen, 200 when full; can go negative on the terminal step.</summary>
    public int Oxygen { get; internal set; }
    /// <summary>Divers held (a 6-diver surfacing leaves -1: the reference's quirk).</summary>
    public int DiverCount { get; internal set; }
    /// <summary>Steps between enemy spawns (ramps down to 1).</summary>
    public int EnemySpawnSpeed { get; internal set; }
    /// <summary>Enemy move period (Style-B timer value; ramps down to 2).</summary>
    public int MoveSpeed { get; internal set; }
    /// <summary>Number of ramps so far.</summary>
    public int RampIndex { get; internal set; }
    /// <summary>The sub is at the surface and has already surfaced.</summary>
    public bool Surface { get => _surface != 0; internal set => _surface = value ? 1 : 0; }
    int _surface; // 1 at the surface, else 0 (arithmetic in step 10, not bool logic)
    // ShotTimer, EnemySpawnTimer and DiverSpawnTimer: SeaquestClock.cs.

    // Every entity, one segment per kind (SeaquestEntityStore.cs); the kind constants below index it.
    readonly SeaquestEntityStore _entities = new();
    const int SubsKind = SeaquestEntityStore.Subs, FishKind = SeaquestEntityStore.Fish,
        DiversKind = SeaquestEntityStore.Divers, EnemyBulletsKind = SeaquestEntityStore.EnemyBullets,
        BulletsKind = SeaquestEntityStore.FriendlyBullets;
    // Channels of the kinds (see GameInfo); the trail is channel 3.
    const int BulletChannel = 2, EnemyBulletChannel = 4, FishChannel = 5, SubChannel = 6, DiverChannel = 9;

    /// <summary>Friendly bullets in creation order.</summary>
    public SeaquestEntities FriendlyBullets { get; }
    /// <summary>Enemy bullets in creation order.</summary>
    public SeaquestEntities EnemyBullets { get; }
    /// <summary>Enemy fish in creation order (with move timers).</summary>
    public SeaquestEntities Fish { get; }
    /// <summary>Enemy subs in creation order (with move and shot timers).</summary>
    public SeaquestEntities Subs { get; }
    /// <summary>Divers in creation order (with move timers).</summary>
    public SeaquestEntities Divers { get; }

    /// <inheritdoc />
    public override void Reset()
    {
        SubX = 5; SubY = 0; SubFacesRight = false;
        Oxygen = MaxOxygen; DiverCount = 0;
        _entities.Clear();
        ResetClock();
        EnemySpawnSpeed = InitialEnemySpawnSpeed;
        EnemySpawnTimer = EnemySpawnSpeed;
        DiverSpawnTimer = DiverSpawnSpeed;
        MoveSpeed = InitialMoveSpeed;
        RampIndex = 0;
        ShotTimer = 0;
        Surface = true;
        Terminal = false;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.NoInlining)] // compiled on its own: inlined into a caller's loop it spills
    public override int Act(int action)
    {
        // 1. Enemy spawn, 2. diver spawn, each when its timer is 0.
        if (EnemySpawnDue) { SpawnEnemy(); RestartEnemySpawnTimer(); }
        if (DiverSpawnDue) { SpawnDiver(); RestartDiverSpawnTimer(); }

        // 3. The player: fire when the cooldown is over (fire during it does nothing), else move, clamped
        // to x 0..9, y 0..8; left and right turn the sub. Fire has no move.
        if (action == MinAtarAction.Fire & ShotReady)
        {
            FriendlyBullets.AddUnchecked(SubX, SubY, _facing > 0);
            RestartShotTimer(ShotCooldown);
        }
        ActionSteps(action, out int dx, out int dy);
        SubX = ClampToZeroAnd(SubX + dx, Size - 1);
        SubY = ClampToZeroAnd(SubY + dy, Size - 2);
        _facing = TurnTowards(dx, _facing);

        // 4.-8. The entities (none on a third of random-play steps).
        int reward = _entities.Total != 0 ? StepEntities() : 0;

        // 9. The global timers go down by 1 while above 0.
        TickGlobalTimers();

        // 10. Oxygen: at 0 or below the episode ends. Below the surface: oxygen - 1, surface = false.
        // Arriving at the surface (row 0, surface false) ends the episode without divers, else surfaces.
        if (Oxygen <= 0) Terminal = true;
        int below = IsPositive(SubY), surface = _surface;
        Oxygen -= below;
        _surface = surface & (below ^ 1);
        if ((below | surface) == 0) // arriving
        {
            if (DiverCount == 0) Terminal = true;
            else reward += SurfaceSub();
        }
        return reward;
    }

    // Steps 4-8, each kind newest first. Collisions compare plane cells (Row + X = 10y + x): between steps
    // every entity lies on the grid, and each comparison is made with a column known to be on it.
    // Entity refs into the store are re-derived after removals (they shift later segments; the store's
    // segment ends, `ends`, are re-read where they may have changed). A collision with the player sets
    // Terminal directly and the loop goes on, as in the reference.
    int StepEntities()
    {
        int subCell = SubY * Size + SubX, reward = 0;
        var store = _entities;
        store.Reserve(store.Count(SubsKind)); // room for every sub's shot: adding them moves nothing
        ref var first = ref store.First; // the storage stays put until StepEntities returns
        ulong ends = store.Ends;

        // 4. Friendly bullets: move one cell; off the grid they vanish; on the new cell a fish (looked for
        // first) or else a sub is destroyed together with the bullet, +1.
        for (int i = CountIn(ends, BulletsKind) - 1; i >= 0; i--)
        {
            ref var b = ref Unsafe.Add(ref first, StartIn(ends, BulletsKind) + i); // i < Count
            int x = b.X += b.Step;
            if ((uint)x >= Size) { store.RemoveAt(BulletsKind, i); ends = store.Ends; continue; }
            int cell = b.Row + x;
            int hit = IndexOfCell(ref first, ends, FishKind, cell);
            if (hit >= 0)
            {
                store.RemoveAt(FishKind, hit); store.RemoveAt(BulletsKind, i); ends = store.Ends; reward++;
                continue;
            }
            hit = IndexOfCell(ref first, ends, SubsKind, cell);
            if (hit >= 0)
            {
                store.RemoveAt(SubsKind, hit); store.RemoveAt(BulletsKind, i); ends = store.Ends; reward++;
            }
        }

        // 5. Divers: one on the sub is picked up when fewer than 6 are held; otherwise its Style-B timer
        // moves it when due, off the grid it vanishes, and landing on the sub it is picked up (< 6 held).
        ends = store.Ends;
        int diverCount = DiverCount;
        ref var divers = ref Unsafe.Add(ref first, StartIn(ends, DiversKind));
        for (int i = CountIn(ends, DiversKind) - 1; i >= 0; i--)
        {
            ref var d = ref Unsafe.Add(ref divers, i);
            if ((d.Row + d.X == subCell) & diverCount < MaxDivers)
            {
                store.RemoveAt(DiversKind, i); diverCount++;
                continue;
            }
            int x = MoveStyleB(ref d, DiverMoveInterval); // unmoved, the checks below fail as the one above
            if ((uint)x >= Size) store.RemoveAt(DiversKind, i);
            else if ((d.Row + x == subCell) & diverCount < MaxDivers)
            {
                store.RemoveAt(DiversKind, i); diverCount++;
            }
        }
        DiverCount = diverCount;

        // 6. Enemy subs: one on the sub ends the episode. Its Style-B move timer moves it when due: off the
        // grid it vanishes, onto the player it ends the episode, onto a friendly bullet both vanish, +1.
        // Separately its Style-B shot timer, when due, adds an enemy bullet on its cell heading its way,
        // even for a sub removed above. A sub that did not move meets no bullet: step 4 removed every
        // bullet on a sub's or a fish's cell. Subs are the first segment: bullets' changes leave them.
        ref var subs = ref first;
        int moveSpeed = MoveSpeed;
        int bulletCount = CountIn(ends, BulletsKind); // removing divers changed no count but theirs
        for (int i = CountIn(ends, SubsKind) - 1; i >= 0; i--)
        {
            ref var e = ref Unsafe.Add(ref subs, i);
            int row = e.Row;
            if (row + e.X == subCell) Terminal = true;
            int x = MoveStyleB(ref e, moveSpeed);
            bool removed = false;
            if ((uint)x >= Size) removed = true;
            else if (row + x == subCell) Terminal = true;
            else if (bulletCount != 0)
            {
                int bullet = IndexOfCell(ref first, store.Ends, BulletsKind, row + x);
                if (bullet >= 0)
                {
                    store.RemoveAt(BulletsKind, bullet); bulletCount--; removed = true; reward++;
                }
            }
            if (e.ShotTimer == 0) // a branch: due on every 11th step of a sub
            {
                e.ShotTimer = EnemyShotInterval;
                store.AddEnemyBullet(x, e.Y, e.Step); // x may be off the grid (a sub removed this step)
            }
            else e.ShotTimer--;
            if (removed) store.RemoveAt(SubsKind, i);
        }

        // 7. Enemy bullets: one on the player ends the episode; each moves one cell every step, vanishes
        // off the grid, and ends the episode if it lands on the player. Only here can a stored column be
        // off the grid (a shot fired this step by a sub that left it).
        ends = store.Ends;
        ref var enemyBullets = ref Unsafe.Add(ref first, StartIn(ends, EnemyBulletsKind));
        for (int i = CountIn(ends, EnemyBulletsKind) - 1; i >= 0; i--)
        {
            ref var b = ref Unsafe.Add(ref enemyBullets, i);
            int row = b.Row, x = b.X;
            if (((uint)x < Size) & (row + x == subCell)) Terminal = true;
            x = b.X += b.Step;
            if ((uint)x >= Size) store.RemoveAt(EnemyBulletsKind, i);
            else if (row + x == subCell) Terminal = true;
        }

        // 8. Fish: as enemy subs in step 6, without shots.
        ref var fish = ref Unsafe.Add(ref first, StartIn(ends, FishKind)); // step 7 moved no fish
        moveSpeed = MoveSpeed; // re-read rather than kept through step 7 (one register fewer)
        for (int i = CountIn(ends, FishKind) - 1; i >= 0; i--)
        {
            ref var f = ref Unsafe.Add(ref fish, i);
            int row = f.Row;
            if (row + f.X == subCell) Terminal = true;
            int x = MoveStyleB(ref f, moveSpeed);
            if ((uint)x >= Size) store.RemoveAt(FishKind, i);
            else if (row + x == subCell) Terminal = true;
            else if (bulletCount != 0)
            {
                int bullet = IndexOfCell(ref first, store.Ends, BulletsKind, row + x);
                if (bullet >= 0)
                {
                    store.RemoveAt(BulletsKind, bullet); bulletCount--; store.RemoveAt(FishKind, i); reward++;
                }
            }
        }

        return reward;
    }

    // Surfacing: bonus with 6 divers, refill oxygen, divers - 1 unconditionally (the quirk), ramp.
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
        if (EnemyMovesOpposite(y, right)) return;
        int x = right ? 0 : Size - 1;
        if (isSub) Subs.AddUnchecked(x, y, right, MoveSpeed, EnemyShotInterval);
        else Fish.AddUnchecked(x, y, right, MoveSpeed);
    }

    // Whether a sub or fish on row y moves against `right` (subs and fish are the first two segments).
    bool EnemyMovesOpposite(int y, bool right)
    {
        int row = y * Size, step = right ? 1 : -1, n = _entities.End(FishKind);
        ref var e = ref _entities.First;
        for (int i = 0; i < n; i++) // i < Total
            if (Unsafe.Add(ref e, i).Row == row && Unsafe.Add(ref e, i).Step != step) return true;
        return false;
    }

    // Side and row draws.
    void SpawnDiver()
    {
        bool right = Random.NextDouble() < 0.5;
        int y = Random.RandInt(1, 9);
        Divers.AddUnchecked(right ? 0 : Size - 1, y, right, DiverMoveInterval);
    }
}
