using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Research.DeepAgents.Environments.MinAtar;

/// <remarks>
/// Speed only (no rule depends on it). <c>Observe</c> reads the entities while the clear's stores are
/// still queued, so they must not share their address modulo 4096 with the caller's buffer (4K aliasing,
/// see <see cref="PlaneWriter"/>): a load whose address matches a queued store's low 12 bits waits for
/// it. The entities (a few dozen bytes) are moved within the array's spare front page to a page phase
/// just past the buffer's when they would overlap it.
/// </remarks>
internal sealed partial class SeaquestEntityStore
{
    const int AliasPeriod = 4096, Margin = 64;

    /// <summary>
    /// Whether the entities are known to lie apart from <paramref name="buffer"/>
    /// (<see cref="PlaceApartFrom"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe bool IsApartFrom(Span<byte> buffer) => // only the address's low bits matter
        (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(buffer)) == _apartFrom & Total <= _apartUpTo;

    nuint _apartFrom; // the last buffer the entities were found apart from (0: none yet)
    int _apartUpTo;   // how many entities stay apart from it where they are

    /// <summary>
    /// Moves the entities, if needed, so that they lie apart from <paramref name="buffer"/> modulo 4096, with
    /// a margin; call when <see cref="IsApartFrom"/> is false. Does nothing when they cannot fit beside it
    /// (then drawing is only slower). The entities keep their order; refs to them are invalidated. The buffer
    /// and how many entities stay apart from it are remembered, so the usual check (the same buffer every
    /// step) is one comparison.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public unsafe void PlaceApartFrom(Span<byte> buffer)
    {
        // only the address's low bits are used
        nuint start = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(buffer));
        int length = buffer.Length;
        _apartFrom = 0;
        int bytes = Total * EntityBytes;
        if (length + bytes + 2 * Margin + EntityBytes > AliasPeriod) return; // cannot fit beside it
        // where they begin in the buffer's page frame
        int phase = (int)(((nuint)Unsafe.AsPointer(ref First) - start) & (AliasPeriod - 1));
        if (phase < length + Margin || phase + bytes > AliasPeriod - Margin)
        {
            Relocate(start + (nuint)(length + Margin));
            phase = (int)(((nuint)Unsafe.AsPointer(ref First) - start) & (AliasPeriod - 1));
        }
        _apartFrom = start;
        _apartUpTo = Math.Min((AliasPeriod - Margin - phase) / EntityBytes, Capacity);
    }

    // Moves the entities to the first slot at or after `target` modulo 4096 (within the Slack front slots).
    [MethodImpl(MethodImplOptions.NoInlining)]
    unsafe void Relocate(nuint target)
    {
        ref SeaquestEntity slot0 = ref MemoryMarshal.GetArrayDataReference(_items);
        int offset = (int)((target - (nuint)Unsafe.AsPointer(ref slot0)) & (AliasPeriod - 1));
        int first = (offset + EntityBytes - 1) / EntityBytes; // <= Slack: first + Total <= Slack + Capacity
        var entities = _items.AsSpan(_first, Total);
        entities.CopyTo(_items.AsSpan(first, Total)); // overlapping ranges are copied correctly
        SetFirst(first);
    }
}
