using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Research.DeepAgents.Random;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>
/// Freeway (docs/minatar.md, "Freeway"): a chicken in column 4 crosses eight lanes of cars (+1 per
/// crossing); a hit only sends it back to row 9. Channels: 0 chicken, 1 car, 2..6 trails of cars with
/// speed 1..5. Exactly 2501 <c>act</c> calls per episode.
/// </summary>
/// <remarks>This file is the rules; the cars in AVX2 lanes (the move and drawing) are in FreewayLanes.cs.
/// </remarks>
public sealed partial class Freeway : MinAtarGame
{
    /// <summary>Id, channels and minimal actions [0,2,4].</summary>
    public static readonly MinAtarGameInfo GameInfo =
        new("freeway", ["chicken", "car", "speed1", "speed2", "speed3", "speed4", "speed5"], [0, 2, 4]);

    const int Cars = 8, ChickenX = 4, PlayerSpeed = 3, TimeLimit = 2500, ChannelCount = 7;

    // Car i drives on row i+1: column, Style-B timer and signed speed (|speed| in 1..5; 0 only when
    // rand() - 0.5 is exactly 0). Stored inline, eight ints each: one AVX2 vector per field.
    CarLanes _x, _timer, _speed;

    /// <summary>Eight ints stored inline (one per car).</summary>
    [InlineArray(Cars)]
    struct CarLanes { int _first; }

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
    /// <summary>Signed speed of car <paramref name="i"/>: the sign is the direction, |speed| the period.
    /// </summary>
    public int CarSpeed(int i) => _speed[i];
    /// <summary>Move timer of car <paramref name="i"/>.</summary>
    public int CarTimer(int i) => _timer[i];

    /// <summary>Test hook: sets one car.</summary>
    internal void SetCar(int i, int x, int timer, int speed)
    {
        _x[i] = x; _timer[i] = timer; _speed[i] = speed;
    }

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
        // (1) the chicken moves only when its timer is 0 (masks, no branch on the random action)
        int dy = ActionDy(action);
        int move = ((MoveTimer - 1) >> 31) & -(dy & 1); // all ones when MoveTimer == 0 (>= 0) and dy != 0
        ChickenRow = Clamp(ChickenRow + (dy & move), 0, Size - 1);
        MoveTimer += (PlayerSpeed - MoveTimer) & move;
        // (2) crossing
        if (ChickenRow == 0)
        {
            reward++;
            RandomiseCars(initialise: false);
            ChickenRow = Size - 1;
        }
        // (3) cars in order: hit check, then the Style-B move with wrap-around and a second hit check.
        // Only the car on the chicken's row can hit it (a hit sends it to row 9, where no car drives),
        // so all cars move first and that one car is checked before and after its move.
        int c = ChickenRow - 1, before = c < Cars && c >= 0 ? _x[c] : -1;
        if (Vector256.IsHardwareAccelerated) MoveCarsVector();
        else MoveCarsScalar();
        if (before == ChickenX || (c < Cars && c >= 0 && _x[c] == ChickenX)) ChickenRow = Size - 1;
        // (4) timers; terminal once the limit goes below 0
        MoveTimer -= (-MoveTimer) >>> 31; // while above 0
        TerminateTimer--;
        if (TerminateTimer < 0) Terminal = true;
        return reward;
    }

    /// <summary>Test hook: one Style-B move of all cars, scalar or vectorised (both must agree).</summary>
    internal void MoveCarsWith(bool vector)
    {
        if (vector) MoveCarsVector();
        else MoveCarsScalar();
    }

    // Timer 0: timer = |speed| and x moves by sign(speed) with wrap-around; else timer - 1.
    void MoveCarsScalar()
    {
        for (int i = 0; i < Cars; i++)
        {
            if (_timer[i] == 0)
            {
                _timer[i] = Math.Abs(_speed[i]);
                _x[i] = Wrap(_x[i] + Math.Sign(_speed[i]));
            }
            else _timer[i]--;
        }
    }

    static int Wrap(int x) => x < 0 ? Size - 1 : x > Size - 1 ? 0 : x;

    /// <summary>Chicken, cars, and a trail behind each car (wrapping) in channel speed{|speed|}.</summary>
    // Compiled on its own, so the caller's inlining budget cannot leave the writer's helpers as calls.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private protected override void Draw(Span<byte> planes)
    {
        if (Vector256.IsHardwareAccelerated) DrawVector(planes);
        else DrawScalar(planes);
    }

    /// <summary>Test hook: the observation drawn by the scalar or the vector path (they agree).</summary>
    internal void ObserveWith(Span<byte> destination, bool vector)
    {
        if (vector) DrawVector(destination[..(Channels * Size * Size)]);
        else DrawScalar(destination[..(Channels * Size * Size)]);
    }

    void DrawScalar(Span<byte> planes)
    {
        var p = new PlaneWriter(planes);
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
        ChickenRow = r.ReadInt32(); MoveTimer = r.ReadInt32(); TerminateTimer = r.ReadInt32();
        Terminal = r.ReadBoolean();
        for (int i = 0; i < Cars; i++)
        {
            _x[i] = r.ReadInt32(); _timer[i] = r.ReadInt32(); _speed[i] = r.ReadInt32();
        }
    }
}