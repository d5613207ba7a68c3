using System.Runtime.CompilerServices;

namespace Research.DeepAgents.Environments.MinAtar;

// Speed: branch-free forms of Seaquest's small decisions. The action is random from step to step and a
// Style-B timer is due every few steps, so a branch on either mispredicts often; masks do not.
public sealed partial class Seaquest
{
    // min(max(v, 0), high): a mask for the low side, a conditional move for the high one (the JIT makes a
    // branch of a lower bound it derives from an add's sign flag).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int ClampToZeroAnd(int v, int high) => Math.Min(v & ~(v >> 31), high);

    // The facing after a column step dx: left (-1) faces left, right (+1) faces right, 0 keeps `facing`.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int TurnTowards(int dx, int facing) => dx | (facing & ~-(dx & 1));

    // 1 when v > 0, else 0 (for v >= 0).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int IsPositive(int v) => (int)((uint)-v >> 31);

    // A Style-B move (docs/minatar.md, "Timers"): at 0 the timer restarts at `interval` and the entity moves
    // one column its way, otherwise the timer goes down by 1. Returns the new column.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int MoveStyleB(ref SeaquestEntity e, int interval)
    {
        int due = -(e.MoveTimer == 0 ? 1 : 0); // all ones when due
        e.MoveTimer = (interval & due) | ((e.MoveTimer - 1) & ~due);
        return e.X += e.Step & due;
    }
}
