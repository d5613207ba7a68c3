using Research.DeepAgents.Random;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>
/// Breakout (spec/minatar.md, "Breakout"): a paddle on row 9 bounces a diagonal ball into three rows
/// of bricks (+1 each). Channels: 0 paddle, 1 ball, 2 trail, 3 brick. The only random draw is the
/// ball's side at reset.
/// </summary>
public sealed class Breakout : MinAtarGame
{
    /// <summary>Id, channels and minimal actions [0,1,3].</summary>
    public static readonly MinAtarGameInfo GameInfo =
        new("breakout", ["paddle", "ball", "trail", "brick"], [0, 1, 3]);

    /// <summary>Ball directions: 0 up-left, 1 up-right, 2 down-right, 3 down-left.</summary>
    static ReadOnlySpan<int> Dx => [-1, 1, 1, -1];
    static ReadOnlySpan<int> Dy => [-1, -1, 1, 1];
    static ReadOnlySpan<int> FlipHorizontal => [1, 0, 3, 2];
    static ReadOnlySpan<int> FlipVertical => [3, 2, 1, 0];
    const ushort FullRow = (1 << Size) - 1;

    // Brick rows as bit masks (bit x = column x); only rows 1-3 ever hold bricks.
    readonly ushort[] _bricks = new ushort[Size];

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
    public bool HasBrick(int y, int x) => (_bricks[y] >> x & 1) != 0;

    /// <summary>Number of bricks left.</summary>
    public int BrickCount
    {
        get
        {
            int n = 0;
            foreach (var row in _bricks) n += System.Numerics.BitOperations.PopCount(row);
            return n;
        }
    }

    /// <summary>Test hook: sets or removes a brick.</summary>
    internal void SetBrick(int y, int x, bool present)
    {
        if (present) _bricks[y] |= (ushort)(1 << x);
        else _bricks[y] &= (ushort)~(1 << x);
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
        Array.Clear(_bricks);
        _bricks[1] = _bricks[2] = _bricks[3] = FullRow;
    }

    /// <inheritdoc />
    public override int Act(int action)
    {
        int reward = 0;
        // (1) paddle
        if (action == MinAtarAction.Left) Paddle = Math.Max(0, Paddle - 1);
        else if (action == MinAtarAction.Right) Paddle = Math.Min(Size - 1, Paddle + 1);
        // (2) remember the ball cell; tentative diagonal step
        LastX = BallX; LastY = BallY;
        int d = BallDirection;
        int newX = BallX + Dx[d], newY = BallY + Dy[d];
        // (3) side walls: clamp and flip horizontally
        if (newX < 0 || newX > Size - 1)
        {
            newX = Math.Clamp(newX, 0, Size - 1);
            d = FlipHorizontal[d];
        }
        // (4) exactly one of: ceiling, brick, bottom row
        bool strikeToggle = false;
        if (newY < 0)
        {
            newY = 0;
            d = FlipVertical[d];
        }
        else if (HasBrick(newY, newX))
        {
            strikeToggle = true;
            if (!Strike)
            {
                reward++;
                Strike = true;
                SetBrick(newY, newX, false);
                newY = LastY;
                d = FlipVertical[d];
            }
        }
        else if (newY == Size - 1)
        {
            if (BrickCount == 0) RefillBricks();
            if (BallX == Paddle)
            {
                d = FlipVertical[d];
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

    /// <summary>Paddle, ball, trail (the ball's previous cell) and the brick rows.</summary>
    private protected override void Draw(PlaneWriter p)
    {
        p.Set(0, Size - 1, Paddle);
        p.Set(1, BallY, BallX);
        p.Set(2, LastY, LastX);
        p.WriteRows(3, _bricks);
    }

    internal override void WriteState(BinaryWriter w)
    {
        w.Write(Paddle); w.Write(BallX); w.Write(BallY); w.Write(BallDirection);
        w.Write(LastX); w.Write(LastY); w.Write(Strike); w.Write(Terminal);
        foreach (var row in _bricks) w.Write(row);
    }

    internal override void ReadState(BinaryReader r)
    {
        Paddle = r.ReadInt32(); BallX = r.ReadInt32(); BallY = r.ReadInt32(); BallDirection = r.ReadInt32();
        LastX = r.ReadInt32(); LastY = r.ReadInt32(); Strike = r.ReadBoolean(); Terminal = r.ReadBoolean();
        for (int y = 0; y < Size; y++) _bricks[y] = r.ReadUInt16();
    }
}
