using System.Runtime.Intrinsics;

namespace Research.DeepAgents.Environments.MinAtar;

// Speed: Freeway's eight cars in the lanes of one AVX2 vector. Each method has a scalar twin in Freeway.cs
// (MoveCarsScalar, DrawScalar), which the tests compare it with.
public sealed partial class Freeway
{
    // MoveCarsScalar with one car per lane.
    void MoveCarsVector()
    {
        var speed = Vector256.LoadUnsafe(ref _speed[0]);
        var timer = Vector256.LoadUnsafe(ref _timer[0]);
        var x = Vector256.LoadUnsafe(ref _x[0]);
        var due = Vector256.Equals(timer, Vector256<int>.Zero);
        Vector256.ConditionalSelect(due, Vector256.Abs(speed), timer - Vector256<int>.One)
            .StoreUnsafe(ref _timer[0]);
        (x + (WrapLanes(x + Sign(speed)) - x & due)).StoreUnsafe(ref _x[0]);
    }

    // sign(v) per lane: (v > 0) - (v < 0), the masks being -1 or 0.
    static Vector256<int> Sign(Vector256<int> v) =>
        Vector256.LessThan(v, Vector256<int>.Zero) - Vector256.GreaterThan(v, Vector256<int>.Zero);

    // -1 -> 9 and 10 -> 0 per lane (columns stay within -1..10).
    static Vector256<int> WrapLanes(Vector256<int> x) =>
        x + (Vector256.LessThan(x, Vector256<int>.Zero) & Vector256.Create(Size))
          - (Vector256.GreaterThan(x, Vector256.Create(Size - 1)) & Vector256.Create(Size));

    // DrawScalar with all 16 car and trail cells computed at once (one car per lane) before the clear, then
    // 16 unchecked stores.
    void DrawVector(Span<byte> planes)
    {
        const int Plane = Size * Size;
        int chicken = ChickenRow * Size + ChickenX;
        var speed = Vector256.LoadUnsafe(ref _speed[0]);
        var x = Vector256.LoadUnsafe(ref _x[0]);
        var row = Vector256.Create(1, 2, 3, 4, 5, 6, 7, 8) * Size;
        var car = Vector256.Create(Plane) + row + x;
        var trail = (Vector256<int>.One + Vector256.Abs(speed)) * Plane + row + WrapLanes(x - Sign(speed));
        // clamped, so a corrupt state (a restored snapshot) cannot point outside the observation
        var last = Vector256.Create((uint)(ChannelCount * Plane - 1));
        var cells = Vector256.Narrow(Vector256.Min(car.AsUInt32(), last),
            Vector256.Min(trail.AsUInt32(), last));
        var p = new PlaneWriter(planes);
        p.SetAt(chicken);
        p.SetAtClamped(cells);
    }
}
