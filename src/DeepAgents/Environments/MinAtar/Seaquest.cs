using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Research.Random;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>
/// Seaquest (docs/minatar.md, "Seaquest"): a submarine shoots fish and enemy subs (+1 each), rescues
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
    /// <summary>Player shot cooldown (0: may fire).</summary>
    public int ShotTimer { get => Remaining(_shotAt); internal set => _shotAt = Deadline(value, nameof(ShotTimer)); }
    /// <summary>Steps between enemy spawns (ramps down to 1).</summary>
    public int EnemySpawnSpeed { get; internal set; }
    /// <summary>Enemy spawn countdown (0: spawns this step).</summary>
    public int EnemySpawnTimer { get => Remaining(_enemySpawnAt); internal set => _enemySpawnAt = Deadline(value, nameof(EnemySpawnTimer)); }
    /// <summary>Diver spawn countdown (0: spawns this step).</summary>
    public int DiverSpawnTimer { get => Remaining(_diverSpawnAt); internal set => _diverSpawnAt = Deadline(value, nameof(DiverSpawnTimer)); }

    // The three global countdowns (style G of docs/minatar.md, "Timers": "decrement while above 0", act when 0) kept as deadlines on a
    // step clock: a timer that reads t at the start of step n is stored as n + t, and reads max(0, deadline
    // - n). A step then advances one clock instead of three timers; restarting a timer at v on step n
    // (it reads v - 1 on step n + 1) stores n + v.
    long _clock, _shotAt, _enemySpawnAt, _diverSpawnAt;
    int Remaining(long deadline) => (int)Math.Max(deadline - _clock, 0);
    long Deadline(int timer, string name) => timer >= 0 ? _clock + timer
        : throw new ArgumentOutOfRangeException(name, timer, $"Seaquest.{name} must be >= 0.");
    /// <summary>Enemy move period (Style-B timer value; ramps down to 2).</summary>
    public int MoveSpeed { get; internal set; }
    /// <summary>Number of ramps so far.</summary>
    public int RampIndex { get; internal set; }
    /// <summary>The sub is at the surface and has already surfaced.</summary>
    public bool Surface { get => _surface != 0; internal set => _surface = value ? 1 : 0; }
    int _surface; // 1 at the surface, else 0 (arithmetic below, not bool logic)

    // Every entity, one segment per kind (SeaquestEntities.cs); the kind constants below index it.
    readonly SeaquestEntityStore _entities = new();
    const int SubsKind = SeaquestEntityStore.Subs, FishKind = SeaquestEntityStore.Fish, DiversKind = SeaquestEntityStore.Divers,
        EnemyBulletsKind = SeaquestEntityStore.EnemyBullets, BulletsKind = SeaquestEntityStore.FriendlyBullets;
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
        _clock = 0;
        EnemySpawnSpeed = InitialEnemySpawnSpeed;
        EnemySpawnTimer = EnemySpawnSpeed;
        DiverSpawnTimer = DiverSpawnSpeed;
        MoveSpeed = InitialMoveSpeed;
        RampIndex = 0;
        ShotTimer = 0;
        Surface = true;
        Terminal = false;
    }

    // min(max(v, 0), high): a mask for the low side, a conditional move for the high one (no branch on the
    // random action; the JIT makes a branch of a lower bound it derives from an add's sign flag).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int ClampToZeroAnd(int v, int high) => Math.Min(v & ~(v >> 31), high);

    // -1 (all ones) when the condition holds, else 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int AllOnesIf(bool condition) => -(condition ? 1 : 0);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.NoInlining)] // compiled on its own, as Draw: inlined into a caller's large loop it competes for registers
    public override int Act(int action)
    {
        // (1) enemy spawn, (2) diver spawn (timers at 0: deadline reached). The clock is re-read after each
        // (rare) call instead of kept in a register, so few values live across calls (fewer saved registers).
        if (_clock >= _enemySpawnAt) { SpawnEnemy(); _enemySpawnAt = _clock + EnemySpawnSpeed; }
        if (_clock >= _diverSpawnAt) { SpawnDiver(); _diverSpawnAt = _clock + DiverSpawnSpeed; }

        // (3) player: fire wins when the cooldown is over; fire during cooldown does nothing. The move is
        // branch-free (the action is random and a branch per action would mispredict); firing, which
        // also needs the cooldown to be over, is a branch taken on few steps.
        if (action == MinAtarAction.Fire & _clock >= _shotAt)
        {
            FriendlyBullets.AddUnchecked(SubX, SubY, _facing > 0);
            _shotAt = _clock + ShotCooldown;
        }
        // (9) global timers decrement while above 0: the clock advances (here already: the entity steps
        // do not read it)
        _clock++;
        ActionSteps(action, out int dx, out int dy); // fire has no move
        SubX = ClampToZeroAnd(SubX + dx, Size - 1);
        SubY = ClampToZeroAnd(SubY + dy, Size - 2);
        _facing = dx | (_facing & ~-(dx & 1)); // left faces left (-1), right right (+1), else kept

        // (4)-(8) the entities; skipped when there are none (a third of random-play steps)
        int reward = _entities.Total != 0 ? StepEntities() : 0;

        // (10) oxygen and surfacing: below the surface oxygen-1 and surface = false; arriving at the
        // surface (row 0, surface not yet set) ends the episode without divers, else surfaces. The
        // common case is straight-line code; arriving is a rarely taken branch.
        if (Oxygen <= 0) Terminal = true;
        int below = (int)((uint)-SubY >> 31), surface = _surface; // below: 1 when row > 0 (rows are >= 0)
        Oxygen -= below;
        _surface = surface & (below ^ 1);
        if ((below | surface) == 0) // arriving
        {
            if (DiverCount == 0) Terminal = true;
            else reward += SurfaceSub();
        }
        return reward;
    }

    // Steps (4)-(8) of docs/minatar.md, "Seaquest": friendly bullets, divers, enemy subs, enemy bullets, fish, each newest first.
    // Collisions compare plane cells (10y + x): between steps every entity lies on the grid, and each
    // comparison below is made with a column already known to be on it (see the enemy bullets).
    int StepEntities()
    {
        // Few values live through all five loops (subCell, reward, the store): the others are read where
        // they are used, and a collision sets Terminal directly (rare), so the loops keep theirs in registers.
        int subCell = SubY * Size + SubX, reward = 0;
        var store = _entities;
        store.Reserve(store.Count(SubsKind)); // room for every sub's shot: adding them moves no entity refs
        ref var first = ref store.First; // the storage stays put until StepEntities returns
        // Segment bounds come from a local copy of the store's segment ends, re-read only after the loops
        // that create or remove entities of earlier segments (the field is reloaded after every store).
        ulong ends = store.Ends;

        // (4) friendly bullets, newest first: move; off-grid removed; hit a fish (first) or else a sub.
        // Removing a fish or sub moves the bullets' segment down, hence the relative index and re-fetch.
        for (int i = SeaquestEntityStore.CountIn(ends, BulletsKind) - 1; i >= 0; i--)
        {
            ref var b = ref Unsafe.Add(ref first, SeaquestEntityStore.StartIn(ends, BulletsKind) + i); // i < Count
            int x = b.X += b.Step;
            if ((uint)x >= Size) { store.RemoveAt(BulletsKind, i); ends = store.Ends; continue; }
            int cell = b.Row + x;
            int hit = SeaquestEntityStore.IndexOfCell(ref first, ends, FishKind, cell);
            if (hit >= 0) { store.RemoveAt(FishKind, hit); store.RemoveAt(BulletsKind, i); ends = store.Ends; reward++; continue; }
            hit = SeaquestEntityStore.IndexOfCell(ref first, ends, SubsKind, cell);
            if (hit >= 0) { store.RemoveAt(SubsKind, hit); store.RemoveAt(BulletsKind, i); ends = store.Ends; reward++; }
        }

        // (5) divers, newest first: picked up on the sub (fewer than 6 held), else Style-B move.
        // The timer and the move are masks, not a branch (each diver is due every 6th step). When the
        // diver did not move, the checks after the move repeat the ones before it, which failed.
        ends = store.Ends;
        int diverCount = DiverCount;
        ref var divers = ref Unsafe.Add(ref first, SeaquestEntityStore.StartIn(ends, DiversKind));
        for (int i = SeaquestEntityStore.CountIn(ends, DiversKind) - 1; i >= 0; i--)
        {
            ref var d = ref Unsafe.Add(ref divers, i);
            if ((d.Row + d.X == subCell) & diverCount < MaxDivers)
            {
                store.RemoveAt(DiversKind, i); diverCount++;
                continue;
            }
            int due = AllOnesIf(d.MoveTimer == 0);
            d.MoveTimer = (DiverMoveInterval & due) | ((d.MoveTimer - 1) & ~due);
            int x = d.X += d.Step & due;
            if ((uint)x >= Size) store.RemoveAt(DiversKind, i);
            else if ((d.Row + x == subCell) & diverCount < MaxDivers) { store.RemoveAt(DiversKind, i); diverCount++; }
        }
        DiverCount = diverCount;

        // (6) enemy subs, newest first: collide, Style-B move, then (independently) Style-B shooting.
        // The move timer and the move are masks; the shot is a branch. For a sub that did not move the checks after the move are the
        // ones before it again: its cell is unchanged, and no friendly bullet can be on it (step 4 removed
        // every bullet that shared a cell with a sub or a fish, and nothing has moved onto them since).
        // Subs are the first segment: removing bullets or adding enemy bullets does not move them.
        ref var subs = ref first; // Start(SubsKind) == 0
        int moveSpeed = MoveSpeed;
        int bulletCount = SeaquestEntityStore.CountIn(ends, BulletsKind); // removing divers changed no count but theirs
        for (int i = SeaquestEntityStore.CountIn(ends, SubsKind) - 1; i >= 0; i--)
        {
            ref var e = ref Unsafe.Add(ref subs, i);
            int row = e.Row;
            if (row + e.X == subCell) Terminal = true;
            int due = AllOnesIf(e.MoveTimer == 0);
            e.MoveTimer = (moveSpeed & due) | ((e.MoveTimer - 1) & ~due);
            int x = e.X += e.Step & due;
            bool removed = false;
            if ((uint)x >= Size) removed = true;
            else if (row + x == subCell) Terminal = true;
            else if (bulletCount != 0)
            {
                int bullet = SeaquestEntityStore.IndexOfCell(ref first, store.Ends, BulletsKind, row + x);
                if (bullet >= 0) { store.RemoveAt(BulletsKind, bullet); bulletCount--; removed = true; reward++; }
            }
            if (e.ShotTimer == 0) // every 11th step of a sub: a branch is cheaper than writing the bullet every step
            {
                e.ShotTimer = EnemyShotInterval;
                store.AddEnemyBullet(x, e.Y, e.Step); // also fired by a sub removed this step (x may be off the grid)
            }
            else e.ShotTimer--;
            if (removed) store.RemoveAt(SubsKind, i);
        }

        // (7) enemy bullets, newest first: collide, move every step, off-grid removed, collide. Only here
        // can a stored column be off the grid (a shot fired this step by a sub that left it).
        ends = store.Ends; // after the subs' removals and shots
        ref var enemyBullets = ref Unsafe.Add(ref first, SeaquestEntityStore.StartIn(ends, EnemyBulletsKind));
        for (int i = SeaquestEntityStore.CountIn(ends, EnemyBulletsKind) - 1; i >= 0; i--)
        {
            ref var b = ref Unsafe.Add(ref enemyBullets, i);
            int row = b.Row, x = b.X;
            if (((uint)x < Size) & (row + x == subCell)) Terminal = true;
            x = b.X += b.Step;
            if ((uint)x >= Size) store.RemoveAt(EnemyBulletsKind, i);
            else if (row + x == subCell) Terminal = true;
        }

        // (8) fish: as subs, without shooting
        ref var fish = ref Unsafe.Add(ref first, SeaquestEntityStore.StartIn(ends, FishKind)); // enemy bullets come after the fish
        moveSpeed = MoveSpeed; // re-read rather than kept through the enemy bullets' loop
        for (int i = SeaquestEntityStore.CountIn(ends, FishKind) - 1; i >= 0; i--)
        {
            ref var f = ref Unsafe.Add(ref fish, i);
            int row = f.Row;
            if (row + f.X == subCell) Terminal = true;
            int due = AllOnesIf(f.MoveTimer == 0);
            f.MoveTimer = (moveSpeed & due) | ((f.MoveTimer - 1) & ~due);
            int x = f.X += f.Step & due;
            if ((uint)x >= Size) store.RemoveAt(FishKind, i);
            else if (row + x == subCell) Terminal = true;
            else if (bulletCount != 0)
            {
                int bullet = SeaquestEntityStore.IndexOfCell(ref first, store.Ends, BulletsKind, row + x);
                if (bullet >= 0) { store.RemoveAt(BulletsKind, bullet); bulletCount--; store.RemoveAt(FishKind, i); reward++; }
            }
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
        for (int i = 0; i < n; i++)
            if (Unsafe.Add(ref e, i).Row == row && Unsafe.Add(ref e, i).Step != step) return true; // i < Total
        return false;
    }

    void SpawnDiver()
    {
        bool right = Random.NextDouble() < 0.5;
        int y = Random.RandInt(1, 9);
        Divers.AddUnchecked(right ? 0 : Size - 1, y, right, DiverMoveInterval);
    }

    /// <summary>Sub front and back, gauges on row 9, bullets, fish, subs, divers and their shared trail.</summary>
    /// <remarks>
    /// The sub's cells and the gauge rows are read into locals before the clear, and the entities lie
    /// apart from the buffer modulo 4096 (<see cref="SeaquestEntityStore.PlaceApartFrom"/>), so no load
    /// after the clear waits behind its stores (4K aliasing, see <see cref="PlaneWriter"/>). Branch-free
    /// where the outcome varies: a sub back, trail or bullet "trail" off the grid is drawn onto the sub's
    /// front (a cell that is set anyway); each gauge is one row from a constant table. Entity cells are
    /// clamped to the observation, so the unchecked stores stay inside it whatever the state.
    /// </remarks>
    private protected override void Draw(Span<byte> planes)
    {
        if (_entities.Total != 0 && !_entities.IsApartFrom(planes)) PlaceApartAndDraw(planes); // rarely
        else DrawState(planes); // both calls are tail calls: this method needs no frame
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    void PlaceApartAndDraw(Span<byte> planes)
    {
        _entities.PlaceApartFrom(planes);
        DrawState(planes);
    }

    // Draw after the placement: no calls, so its values stay in registers that need not be saved.
    [MethodImpl(MethodImplOptions.NoInlining)] // compiled on its own, so the caller's inlining budget cannot leave the writer's helpers as calls
    void DrawState(Span<byte> planes)
    {
        const int Trail = 3 * Size * Size, Last = 10 * Size * Size - 1;
        int total = _entities.Total;
        ref SeaquestEntity e = ref _entities.First;
        ref SeaquestEntity end = ref Unsafe.Add(ref e, total); // Total <= capacity
        SubCells(out int front, out int back, out var oxygenRow, out var diverRow);
        var p = new PlaneWriter(planes);
        p.SetAt(front);
        p.SetAt(back);
        ref byte o = ref MemoryMarshal.GetReference(planes); // planes.Length == 1000 > Last
        // Each gauge row with the 6 cells after it, which only entities drawn below can set (channel 8 row 0
        // holds nothing; divers, channel 9, are drawn after): one 16-byte store each.
        oxygenRow.StoreUnsafe(ref o, OxygenGaugeCell);
        diverRow.StoreUnsafe(ref o, DiverGaugeCell);
        for (; Unsafe.IsAddressLessThan(ref e, ref end); e = ref Unsafe.Add(ref e, 1))
        {
            int x = e.X;
            Unsafe.Add(ref o, Math.Min((uint)(e.PlaneRow + x), Last)) = 1;
            Unsafe.Add(ref o, Math.Min((uint)OnRowOr(Trail + e.Row, x + e.Behind, front), Last)) = 1;
        }
    }

    // The sub's front and back cells (the back on channel 1, or the front again when it is off the grid)
    // and the oxygen and diver gauge rows.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void SubCells(out int front, out int back, out Vector128<byte> oxygenRow, out Vector128<byte> diverRow)
    {
        int subRow = SubY * Size;
        front = subRow + SubX;
        back = OnRowOr(Size * Size + subRow, SubX - _facing, front); // x-1 facing right, x+1 facing left
        int oxygenCells = Math.Min(Math.Max(0, Oxygen) / (MaxOxygen / 10), Size); // = oxygen*10//200 for oxygen >= 0
        int divers = Math.Min(Math.Max(0, DiverCount), Size - 1);
        ref byte rows = ref MemoryMarshal.GetReference(GaugeRows);
        oxygenRow = Vector128.LoadUnsafe(ref rows, (nuint)(16 * oxygenCells)); // 0 <= oxygenCells <= 10
        diverRow = Vector128.LoadUnsafe(ref rows, (nuint)(16 * (DiverRows + divers))); // 0 <= divers <= 9
    }

    // Row 9 of channel 7 (oxygen) and of channel 8 (divers).
    const int OxygenGaugeCell = 7 * Size * Size + (Size - 1) * Size, DiverGaugeCell = 8 * Size * Size + (Size - 1) * Size;
    const int DiverRows = 11;

    // 16-byte gauge rows: for n = 0..10 oxygen cells, n ones from column 0; then for d = 0..9 divers,
    // ones in columns [9-d, 9). Bytes 10-15 of each row are 0. (Constant data: no allocation.)
    static ReadOnlySpan<byte> GaugeRows =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0,
        0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0,
    ];

    // rowStart + x when 0 <= x <= 9, else `other`.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int OnRowOr(int rowStart, int x, int other)
    {
        int off = (x | (Size - 1 - x)) >> 31; // all ones when x < 0 or x > 9
        return ((rowStart + x) & ~off) | (other & off);
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
        DiverCount = r.ReadInt32(); int shotTimer = r.ReadInt32();
        EnemySpawnSpeed = r.ReadInt32(); int enemySpawnTimer = r.ReadInt32(), diverSpawnTimer = r.ReadInt32();
        if ((shotTimer | enemySpawnTimer | diverSpawnTimer) < 0)
            throw new InvalidDataException($"Seaquest snapshot: negative timer (shot {shotTimer}, enemy spawn {enemySpawnTimer}, diver spawn {diverSpawnTimer}).");
        ShotTimer = shotTimer; EnemySpawnTimer = enemySpawnTimer; DiverSpawnTimer = diverSpawnTimer;
        MoveSpeed = r.ReadInt32(); RampIndex = r.ReadInt32(); Surface = r.ReadBoolean(); Terminal = r.ReadBoolean();
        _entities.Clear();
        FriendlyBullets.Read(r); EnemyBullets.Read(r); Fish.Read(r); Subs.Read(r); Divers.Read(r);
    }
}
