using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Research.DeepAgents.Environments.MinAtar;

// Drawing Seaquest's observation (docs/minatar.md, "Seaquest", Observation). Speed: everything it reads
// either is read before the clear or lies apart from the buffer modulo 4096 (SeaquestPlacement.cs).
public sealed partial class Seaquest
{
    /// <summary>
    /// Sub front and back, gauges on row 9, bullets, fish, subs, divers and their shared trail.
    /// </summary>
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
    // Compiled on its own, so the caller's inlining budget cannot leave the writer's helpers as calls.
    [MethodImpl(MethodImplOptions.NoInlining)]
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
        // = max(0, oxygen) * 10 // 200
        int oxygenCells = Math.Min(Math.Max(0, Oxygen) / (MaxOxygen / 10), Size);
        int divers = Math.Min(Math.Max(0, DiverCount), Size - 1);
        ref byte rows = ref MemoryMarshal.GetReference(GaugeRows);
        oxygenRow = Vector128.LoadUnsafe(ref rows, (nuint)(16 * oxygenCells)); // 0 <= oxygenCells <= 10
        diverRow = Vector128.LoadUnsafe(ref rows, (nuint)(16 * (DiverRows + divers))); // 0 <= divers <= 9
    }

    // Row 9 of channel 7 (oxygen) and of channel 8 (divers).
    const int OxygenGaugeCell = 7 * Size * Size + (Size - 1) * Size,
        DiverGaugeCell = 8 * Size * Size + (Size - 1) * Size;
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
}
