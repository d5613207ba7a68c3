using System.Runtime.CompilerServices;
using System.Numerics;
using Research.Random;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>
/// Breakout (docs/minatar.md, "Breakout"): a paddle on row 9 bounces a diagonal ball into three rows
/// of bricks (+1 each). Channels: 0 paddle, 1 ball, 2 trail, 3 brick. The only random draw is the
/// ball's side at reset.
/// </summary>
public sealed class Breakout : MinAtarGame
{
    /// <summary>Id, channels and minimal actions [0,1,3].</summary>
    public static readonly MinAtarGameInfo GameInfo =
        new("breakout", ["paddle", "ball", "trail", "brick"], [0, 1, 3]);

    // Ball directions d: 0 up-left, 1 up-right, 2 down-right, 3 down-left; x step +1 for d = 1, 2 (bits
    // of 0b0110), y step +1 for d >= 2; a horizontal flip is d ^ 1 (0<->1, 2<->3), a vertical one d ^ 3
    // (0<->3, 1<->2). Arithmetic instead of tables: no loads (see PlaneWriter on 4K aliasing).
    static int StepX(int d) => ((0b0110 >> (d & 3)) & 1) * 2 - 1;
    static int StepY(int d) => ((d & 3) >> 1) * 2 - 1;
    static int FlipHorizontal(int d) => d ^ 1;
    static int FlipVertical(int d) => d ^ 3;
    const ulong RefilledRows = ((1UL << 3 * Size) - 1) << Size; // rows 1-3 = cells 10..39

    // Bricks as a 100-bit board, bit 10y + x = cell (y, x): cells 0-63 in _bricksLow, 64-99 in _bricksHigh.
    // (Only rows 1-3 hold bricks in play; the test hook may set any cell.)
    ulong _bricksLow, _bricksHigh;

    /// <summary>Creates the game; call <see cref="Reset"/> before acting.</summary>
    public Breakout(Mt19937 random, bool difficultyRamping) : base(random, difficultyRamping) { }

    /// <inheritdoc />
    public override MinAtarGameInfo Info => GameInfo;

    /// <summary>Paddle column on row 9.</summary>
    public int Paddle { get; internal set; }
    /// <summary>Ball column.</summary>
    public int BallX { get; internal set; }
    /// <summary>Ball row.</summary>
    public int BallY { get; internal set; }
    /// <summary>Ball direction: 0 up-left, 1 up-right, 2 down-right, 3 down-left.</summary>
    public int BallDirection { get; internal set; }
    /// <summary>Trail column (the ball's previous cell).</summary>
    public int LastX { get; internal set; }
    /// <summary>Trail row.</summary>
    public int LastY { get; internal set; }
    /// <summary>The ball struck a brick last step (it then passes through the next brick).</summary>
    public bool Strike { get; internal set; }

    /// <summary>Whether there is a brick at (row, column).</summary>
    public bool HasBrick(int y, int x) => OnGrid(x, y) && HasBrickAt(y * Size + x);

    // Cell c = 10y + x of the board (x64 shifts use the count mod 64, so one shift serves both words).
    bool HasBrickAt(int cell) => ((cell < 64 ? _bricksLow : _bricksHigh) >> cell & 1) != 0;

    /// <summary>Number of bricks left.</summary>
    public int BrickCount => BitOperations.PopCount(_bricksLow) + BitOperations.PopCount(_bricksHigh);

    /// <summary>Test hook: sets or removes a brick.</summary>
    internal void SetBrick(int y, int x, bool present)
    {
        if (!OnGrid(x, y)) throw new ArgumentOutOfRangeException(nameof(y), $"({y}, {x}) is off the grid.");
        int cell = y * Size + x;
        ulong bit = 1UL << cell;
        if (cell < 64) _bricksLow = present ? _bricksLow | bit : _bricksLow & ~bit;
        else _bricksHigh = present ? _bricksHigh | bit : _bricksHigh & ~bit;
    }

    /// <inheritdoc />
    public override void Reset()
    {
        BallY = 3;
        bool left = Random.RandInt(0, 2) == 0; // 0 -> (x=0, down-right), 1 -> (x=9, down-left)
        BallX = left ? 0 : Size - 1;
        BallDirection = left ? 2 : 3;
        Paddle = 4;
        RefillBricks();
        LastX = BallX; LastY = BallY;
        Strike = false;
        Terminal = false;
    }

    void RefillBricks()
    {
        _bricksLow = RefilledRows;
        _bricksHigh = 0;
    }

    /// <inheritdoc />
    public override int Act(int action)
    {
        int reward = 0;
        // (1) paddle: no branch on the (random) action
        Paddle = Clamp(Paddle + ActionDx(action), 0, Size - 1);
        // (2) remember the ball cell; tentative diagonal step
        LastX = BallX; LastY = BallY;
        int d = BallDirection;
        int newX = BallX + StepX(d), newY = BallY + StepY(d);
        // (3) side walls: clamp and flip horizontally
        if (newX < 0 || newX > Size - 1)
        {
            newX = Math.Clamp(newX, 0, Size - 1);
            d = FlipHorizontal(d);
        }
        // (4) exactly one of: ceiling, brick, bottom row
        bool strikeToggle = false;
        if (newY < 0)
        {
            newY = 0;
            d = FlipVertical(d);
        }
        else if (HasBrickAt(newY * Size + newX))
        {
            strikeToggle = true;
            if (!Strike)
            {
                reward++;
                Strike = true;
                RemoveBrick(newY * Size + newX);
                newY = LastY;
                d = FlipVertical(d);
            }
        }
        else if (newY == Size - 1)
        {
            if (BrickCount == 0) RefillBricks();
            if (BallX == Paddle)
            {
                d = FlipVertical(d);
                newY = LastY;
            }
            else if (newX == Paddle)
            {
                d = d == 2 ? 0 : d == 3 ? 1 : d; // reverse: down-right -> up-left, down-left -> up-right
                newY = LastY;
            }
            else Terminal = true;
        }
        // (5) the strike flag only survives consecutive brick contacts
        if (!strikeToggle) Strike = false;
        // (6) commit
        BallX = newX; BallY = newY; BallDirection = d;
        return reward;
    }

    void RemoveBrick(int cell)
    {
        ulong bit = 1UL << cell; // the count is taken mod 64
        if (cell < 64) _bricksLow &= ~bit;
        else _bricksHigh &= ~bit;
    }

    /// <summary>Paddle, ball, trail (the ball's previous cell) and the brick board.</summary>
    // Compiled on its own, so the caller's inlining budget cannot leave the writer's helpers as calls.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private protected override void Draw(Span<byte> planes)
    {
        const int Plane = Size * Size;
        int paddle = (Size - 1) * Size + Paddle, ball = Plane + BallY * Size + BallX, trail = 2 * Plane + LastY * Size + LastX;
        ulong low = _bricksLow, high = _bricksHigh; // the state is read before the clear (PlaneWriter)
        var p = new PlaneWriter(planes);
        p.SetAt(paddle);
        p.SetAt(ball);
        p.SetAt(trail);
        p.WriteBits(3, low, high);
    }

    // Row y of the board as a 10-bit mask (bit x = column x): the snapshot format.
    ushort BrickRow(int y)
    {
        ushort row = 0;
        for (int x = 0; x < Size; x++) if (HasBrickAt(y * Size + x)) row |= (ushort)(1 << x);
        return row;
    }

    internal override void WriteState(BinaryWriter w)
    {
        w.Write(Paddle); w.Write(BallX); w.Write(BallY); w.Write(BallDirection);
        w.Write(LastX); w.Write(LastY); w.Write(Strike); w.Write(Terminal);
        for (int y = 0; y < Size; y++) w.Write(BrickRow(y));
    }

    internal override void ReadState(BinaryReader r)
    {
        Paddle = r.ReadInt32(); BallX = r.ReadInt32(); BallY = r.ReadInt32(); BallDirection = r.ReadInt32();
        LastX = r.ReadInt32(); LastY = r.ReadInt32(); Strike = r.ReadBoolean(); Terminal = r.ReadBoolean();
        _bricksLow = _bricksHigh = 0;
        for (int y = 0; y < Size; y++)
        {
            ushort row = r.ReadUInt16();
            for (int x = 0; x < Size; x++) if ((row >> x & 1) != 0) SetBrick(y, x, true);
        }
    }
}
