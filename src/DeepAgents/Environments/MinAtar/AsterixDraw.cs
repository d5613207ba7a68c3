using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Research.DeepAgents.Environments.MinAtar;

// Drawing Asterix's observation (docs/minatar.md, "Asterix", Observation). Speed: the sixteen entity and
// trail cells are cached whenever an entity changes, so drawing is sixteen unconditional stores.
public sealed partial class Asterix
{
    // Observation cells, kept up to date whenever an entity changes: lanes 0-7 the entity cell of slot i
    // (enemy or gold channel), lanes 8-15 its trail; 0 for an empty slot or an off-grid trail. Cell 0
    // (channel 0, row 0) is never set in an observation (the player lives on rows 1-8), so Draw stores
    // 1 there for those and clears it at the end.
    SlotCells _cells;

    /// <summary>Sixteen observation cell indices stored inline.</summary>
    [InlineArray(2 * Slots)]
    struct SlotCells { ushort _first; }

    /// <summary>Player cell; enemy or gold cell; trail one cell behind each entity when on the grid.
    /// </summary>
    /// <remarks>
    /// The sixteen entity and trail cells are kept in <c>_cells</c> (recomputed only when an entity
    /// changes), so drawing is sixteen unconditional stores: empty slots and off-grid trails store into
    /// cell 0, which is cleared again at the end.
    /// </remarks>
    // Compiled on its own, so the caller's inlining budget cannot leave the writer's helpers as calls.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private protected override void Draw(Span<byte> planes)
    {
        int player = PlayerY * Size + PlayerX; // channel 0
        if (Vector256.IsHardwareAccelerated)
        {
            var cells = Vector256.LoadUnsafe(ref _cells[0]); // read before the clear (PlaneWriter)
            var p = new PlaneWriter(planes);
            p.SetAtClamped(cells);
            p.StoreAt(0, 0);
            p.SetAt(player); // last, so even a hook-made player on cell 0 is drawn
        }
        else
        {
            var p = new PlaneWriter(planes);
            p.SetAtClamped(ref _cells[0], 2 * Slots);
            p.StoreAt(0, 0);
            p.SetAt(player);
        }
    }

    const int Plane = Size * Size, EnemyPlane = 1 * Plane, TrailPlane = 2 * Plane, GoldMinusEnemy = 2 * Plane,
        LastCell = 4 * Plane - 1;

    void UpdateCells()
    {
        if (Vector256.IsHardwareAccelerated) UpdateCellsVector();
        else UpdateCellsScalar();
    }

    /// <summary>Test hook: recomputes the cached cells with the scalar or the vector code.</summary>
    internal void UpdateCellsWith(bool vector)
    {
        if (vector) UpdateCellsVector();
        else UpdateCellsScalar();
    }

    /// <summary>The cell indices, one slot at a time (what <see cref="UpdateCellsVector"/> does).</summary>
    void UpdateCellsScalar()
    {
        int alive = _alive, right = _right, gold = _gold;
        for (int i = 0; i < Slots; i++)
        {
            int x = _x[i], row = (i + 1) * Size;
            int present = -((alive >> i) & 1);
            int entity = EnemyPlane + GoldMinusEnemy * ((gold >> i) & 1) + row + x;
            int back = x + 1 - 2 * ((right >> i) & 1);              // x-1 moving right, x+1 moving left
            int onGrid = ~((back | (Size - 1 - back)) >> 31);        // all ones when 0 <= back <= 9
            _cells[i] = (ushort)Math.Min((uint)(entity & present), LastCell);
            int trail = (TrailPlane + row + back) & present & onGrid;
            _cells[Slots + i] = (ushort)Math.Min((uint)trail, LastCell);
        }
    }

    /// <summary>The cell indices with the eight slots in the lanes of one vector.</summary>
    void UpdateCellsVector()
    {
        var present = Lanes(_alive);
        var x = Vector256.LoadUnsafe(ref _x[0]);
        var row = Vector256.Create(1, 2, 3, 4, 5, 6, 7, 8) * Size;
        var entity = Vector256.Create(EnemyPlane) + (Lanes(_gold) & Vector256.Create(GoldMinusEnemy)) + row
            + x;
        // x-1 moving right, x+1 moving left; offGrid all ones when off the grid
        var back = x + Vector256<int>.One + (Lanes(_right) & Vector256.Create(-2));
        var offGrid = Vector256.ShiftRightArithmetic(back | (Vector256.Create(Size - 1) - back), 31);
        var trail = Vector256.Create(TrailPlane) + row + back;
        // clamped, so a corrupt state (a restored snapshot) cannot point outside the observation
        var last = Vector256.Create((uint)LastCell);
        var entityCells = Vector256.Min((entity & present).AsUInt32(), last);
        var trailCells = Vector256.Min(Vector256.AndNot(trail & present, offGrid).AsUInt32(), last);
        // lanes 0-7 entities, 8-15 trails
        Vector256.Narrow(entityCells, trailCells).StoreUnsafe(ref _cells[0]);
    }
}
