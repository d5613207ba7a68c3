using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Research.DeepAgents.Environments.MinAtar;

// Speed: Asterix's eight slots in the lanes of one AVX2 vector. Each method has a scalar twin in Asterix.cs
// or AsterixDraw.cs, which the tests compare it with.
public sealed partial class Asterix
{
    // Slot `slot`'s column = x.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void SetColumn(int slot, int x)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            // a lane blend, not a 4-byte store: UpdateCells reloads all eight columns as one vector, and a
            // wide load right after a narrow store to the same bytes cannot be forwarded (it stalls)
            ref int columns = ref _x[0];
            var lane = Vector256.Equals(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(slot));
            Vector256.ConditionalSelect(lane, Vector256.Create(x), Vector256.LoadUnsafe(ref columns))
                .StoreUnsafe(ref columns);
        }
        else _x[slot] = x;
    }

    /// <summary>The entity move with the eight slots in the lanes of one vector.</summary>
    internal void MoveEntitiesVector()
    {
        ref int columns = ref _x[0];
        var present = Lanes(_alive);
        var step = (Lanes(_right) & Vector256.Create(2)) - Vector256<int>.One; // +1 right, -1 left
        var x = Vector256.LoadUnsafe(ref columns) + (step & present);
        x.StoreUnsafe(ref columns);
        // sign bit of x | (9 - x) set exactly when x < 0 or x > 9
        uint offGrid = (x | (Vector256.Create(Size - 1) - x)).ExtractMostSignificantBits();
        _alive &= ~(int)offGrid;
    }

    // Bit i of mask -> lane i all ones (else zero).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<int> Lanes(int mask)
    {
        var bits = Vector256.Create(1, 2, 4, 8, 16, 32, 64, 128);
        return Vector256.Equals(Vector256.Create(mask) & bits, bits);
    }
}
