using Research.DeepAgents.Random;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>
/// Freeway (spec/minatar.md, "Freeway"): a chicken in column 4 crosses eight lanes of cars (+1 per
/// crossing); a hit only sends it back to row 9. Channels: 0 chicken, 1 car, 2..6 trails of cars with
/// speed 1..5. Exactly 2501 <c>act</c> calls per episode.
/// </summary>
public sealed class Freeway : MinAtarGame
{
    /// <summary>Id, channels and minimal actions [0,2,4].</summary>
    public static readonly MinAtarGameInfo GameInfo =
        new("freeway", ["chicken", "car", "speed1", "speed2", "speed3", "speed4", "speed5"], [0, 2, 4]);

    const int Cars = 8, ChickenX = 4, PlayerSpeed = 3, TimeLimit = 2500;

    // Car i drives on row i+1: column, Style-B timer and signed speed (|speed| in 1..5).
    readonly int[] _x = new int[Cars], _timer = new int[Cars], _speed = new int[Cars];

    /// <summary>Creates the game; call <see cref="Reset"/> before acting.</summary>
    public Freeway(Mt19937 random, bool difficultyRamping) : base(random, difficultyRamping) { }

    /// <inheritdoc />
    public override MinAtarGameInfo Info => GameInfo;

    /// <summary>Chicken row (9 = start, 0 = crossed).</summary>
    public int ChickenRow { get; internal set; }
    /// <summary>Steps until the chicken may move again.</summary>
    public int MoveTimer { get; internal set; }
    /// <summary>Time-limit countdown (starts 2500; terminal when it goes below 0).</summary>
    public int TerminateTimer { get; internal set; }

    /// <summary>Column of car <paramref name="i"/> (row i+1).</summary>
    public int CarX(int i) => _x[i];
    /// <summary>Signed speed of car <paramref name="i"/>: the sign is the direction, |speed| the period.</summary>
    public int CarSpeed(int i) => _speed[i];
    /// <summary>Move timer of car <paramref name="i"/>.</summary>
    public int CarTimer(int i) => _timer[i];

    /// <summary>Test hook: sets one car.</summary>
    internal void SetCar(int i, int x, int timer, int speed) { _x[i] = x; _timer[i] = timer; _speed[i] = speed; }

    /// <inheritdoc />
    public override void Reset()
    {
        RandomiseCars(initialise: true);
        ChickenRow = Size - 1;
        MoveTimer = PlayerSpeed;
        TerminateTimer = TimeLimit;
        Terminal = false;
    }

    // speeds = randint(1,6,size=8), then dirs = sign(rand(8) - 0.5); speed *= dir.
    // At reset cars start at x=0; later calls keep positions and only renew timers and speeds.
    void RandomiseCars(bool initialise)
    {
        Span<int> speeds = stackalloc int[Cars];
        for (int i = 0; i < Cars; i++) speeds[i] = Random.RandInt(1, 6);
        for (int i = 0; i < Cars; i++)
        {
            double u = Random.NextDouble() - 0.5;
            int speed = speeds[i] * Math.Sign(u);
            if (initialise) _x[i] = 0;
            _timer[i] = Math.Abs(speed);
            _speed[i] = speed;
        }
    }

    /// <inheritdoc />
    public override int Act(int action)
    {
        int reward = 0;
        // (1) the chicken moves only when its timer is 0
        if (MoveTimer == 0 && action == MinAtarAction.Up) { ChickenRow = Math.Max(0, ChickenRow - 1); MoveTimer = PlayerSpeed; }
        else if (MoveTimer == 0 && action == MinAtarAction.Down) { ChickenRow = Math.Min(Size - 1, ChickenRow + 1); MoveTimer = PlayerSpeed; }
        // (2) crossing
        if (ChickenRow == 0)
        {
            reward++;
            RandomiseCars(initialise: false);
            ChickenRow = Size - 1;
        }
        // (3) cars in order: hit check, then the Style-B move with wrap-around and a second hit check
        for (int i = 0; i < Cars; i++)
        {
            int row = i + 1;
            if (_x[i] == ChickenX && row == ChickenRow) ChickenRow = Size - 1;
            if (_timer[i] == 0)
            {
                _timer[i] = Math.Abs(_speed[i]);
                _x[i] = Wrap(_x[i] + Math.Sign(_speed[i]));
                if (_x[i] == ChickenX && row == ChickenRow) ChickenRow = Size - 1;
            }
            else _timer[i]--;
        }
        // (4) timers; terminal once the limit goes below 0
        if (MoveTimer > 0) MoveTimer--;
        TerminateTimer--;
        if (TerminateTimer < 0) Terminal = true;
        return reward;
    }

    static int Wrap(int x) => x < 0 ? Size - 1 : x > Size - 1 ? 0 : x;

    /// <summary>Chicken, cars, and a trail behind each car (wrapping) in channel speed{|speed|}.</summary>
    private protected override void Draw(PlaneWriter p)
    {
        p.Set(0, ChickenRow, ChickenX);
        for (int i = 0; i < Cars; i++)
        {
            int row = i + 1;
            p.Set(1, row, _x[i]);
            int back = Wrap(_x[i] - Math.Sign(_speed[i]));
            p.Set(1 + Math.Abs(_speed[i]), row, back);
        }
    }

    internal override void WriteState(BinaryWriter w)
    {
        w.Write(ChickenRow); w.Write(MoveTimer); w.Write(TerminateTimer); w.Write(Terminal);
        for (int i = 0; i < Cars; i++) { w.Write(_x[i]); w.Write(_timer[i]); w.Write(_speed[i]); }
    }

    internal override void ReadState(BinaryReader r)
    {
        ChickenRow = r.ReadInt32(); MoveTimer = r.ReadInt32(); TerminateTimer = r.ReadInt32(); Terminal = r.ReadBoolean();
        for (int i = 0; i < Cars; i++) { _x[i] = r.ReadInt32(); _timer[i] = r.ReadInt32(); _speed[i] = r.ReadInt32(); }
    }
}
