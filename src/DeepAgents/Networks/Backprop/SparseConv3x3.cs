using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Research.DeepAgents.Networks.Backprop;

/// <summary>
/// Forward pass and weight gradient of a <see cref="ConvStage"/> (3x3, stride 1) computed from the nonzero
/// input cells only. MinAtar observations are 0/1 planes with a few dozen set cells out of 400-1000, so
/// scattering each set cell's 3x3 x O weights into the output touches ~5% of what a dense convolution does
/// (any input values are correct; dense inputs are merely slower). Accumulation runs over all O filters of
/// a position at once (position-major, [P, O]); results are transposed to the network's NCHW layout [O, P].
/// </summary>
internal static class SparseConv3x3
{
    /// <summary>Scratch floats <see cref="Forward"/> and
    /// <see cref="WeightGradient"/> need: two [P, O] plus [C 9, O].</summary>
    public static int ScratchSize(ConvStage s) => 2 * s.Positions * s.Filters + s.Channels * 9 * s.Filters;

    /// <summary>
    /// <c>output[b] = relu(conv(input[b]))</c> in NCHW flatten order, for <paramref name="batch"/>
    /// observations [B, C, H, W] (spec: <see cref="ConvStage"/>).
    /// <paramref name="weight"/> is [O, C, 3, 3], <paramref name="bias"/> [O].
    /// </summary>
    public static void Forward(ConvStage s, int batch, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        Span<float> output, Span<float> scratch)
    {
        CheckSizes(s, batch, input, weight.Length, bias.Length, output.Length, scratch.Length);
        int o = s.Filters, p = s.Positions;
        var accumulator = scratch[..(p * o)];
        var weightByTap = scratch.Slice(p * o, s.Channels * 9 * o);
        VectorOps.Transpose(weight, weightByTap, o, s.Channels * 9);  // [O, C 9] -> [C 9, O]
        ReverseKernelRows(weightByTap, o);
        var biasRows = scratch.Slice(p * o + s.Channels * 9 * o, p * o);  // the bias tiled over the positions
        for (int q = 0; q < p; q++) bias.CopyTo(biasRows.Slice(q * o, o));
        for (int b = 0; b < batch; b++)
        {
            biasRows.CopyTo(accumulator);
            Accumulate<IntoPositions>(s, input.Slice(b * s.InputSize, s.InputSize), weightByTap, accumulator);
            // [P, O] -> [O, P]
            VectorOps.Transpose(accumulator, output.Slice(b * s.Features, s.Features), p, o, relu: true);
        }
    }

    /// <summary>
    /// dW [O, C, 3, 3] and db [O] of the loss, given <paramref name="outputGradient"/> = dL/dz [B, O P]
    /// (already masked by the ReLU):
    /// <c>dW[o, c, ky, kx] = sum_{b, i, j} dz[b, o, i, j] x[b, c, i + ky - pad, j + kx - pad]</c>,
    /// <c>db[o] = sum_{b, i, j} dz[b, o, i, j]</c>. Overwrites both.
    /// </summary>
    public static void WeightGradient(ConvStage s, int batch, ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient,
        Span<float> weightGradient, Span<float> biasGradient, Span<float> scratch)
    {
        CheckSizes(s, batch, input, weightGradient.Length, biasGradient.Length, outputGradient.Length, scratch.Length);
        int o = s.Filters, p = s.Positions, taps = s.Channels * 9;
        var gradientByPosition = scratch[..(p * o)];
        var gradientByTap = scratch.Slice(p * o, taps * o);
        gradientByTap.Clear();
        biasGradient.Clear();
        for (int b = 0; b < batch; b++)
        {
            var dz = outputGradient.Slice(b * s.Features, s.Features);
            VectorOps.Transpose(dz, gradientByPosition, o, p);  // [O, P] -> [P, O]
            for (int f = 0; f < o; f++) biasGradient[f] += VectorOps.Sum(dz.Slice(f * p, p));
            Accumulate<IntoTaps>(s, input.Slice(b * s.InputSize, s.InputSize), gradientByTap, gradientByPosition);
        }
        ReverseKernelRows(gradientByTap, o);
        VectorOps.Transpose(gradientByTap, weightGradient, taps, o);  // [C 9, O] -> [O, C 9]
    }

    /// <summary>
    /// For every nonzero input cell x[c, y, x] and every tap (ky, kx)
    /// that lands on an output position q = (y - ky + pad, x - kx + pad):
    /// <c>byPosition[q, :] += x * byTap[c, ky, kx, :]</c> (<see cref="IntoPositions"/>, the forward pass) or
    /// <c>byTap[c, ky, kx, :] += x * byPosition[q, :]</c> (<see cref="IntoTaps"/>, the weight gradient).
    /// byTap holds each kernel row reversed (kx = 2, 1, 0): then the up-to-3 taps of one (cell, ky) meet
    /// up-to-3 neighbouring positions in the same order, and
    /// the whole row is one contiguous add of up to 3 O floats.
    /// </summary>
    static void Accumulate<TDirection>(ConvStage s, ReadOnlySpan<float> x, Span<float> byTap, Span<float> byPosition)
        where TDirection : struct, IDirection
    {
        int o = s.Filters, width = s.Width, pad = s.Padding, outH = s.OutHeight, outW = s.OutWidth;
        ref float tap0 = ref MemoryMarshal.GetReference(byTap);
        ref float position0 = ref MemoryMarshal.GetReference(byPosition);
        for (int c = 0; c < s.Channels; c++)
            for (int y = 0; y < s.Height; y++)
            {
                var row = x.Slice((c * s.Height + y) * width, width);
                // Taps with 0 <= y - ky + pad < outH
                int kyFirst = Math.Max(0, y + pad - outH + 1), kyLast = Math.Min(2, y + pad);
                for (ulong cells = VectorOps.NonzeroMask(row); cells != 0; cells &= cells - 1)
                {
                    int col = BitOperations.TrailingZeroCount(cells);
                    float v = row[col];
                    int kxFirst = Math.Max(0, col + pad - outW + 1), kxLast = Math.Min(2, col + pad);
                    int reversedFirst = 2 - kxLast, length = (kxLast - kxFirst + 1) * o;
                    for (int ky = kyFirst; ky <= kyLast; ky++)
                    {
                        // Reversed tap r = 2 - kx meets output column
                        // x - 2 + r + pad: both run upward together.
                        ref float taps = ref Unsafe.Add(ref tap0, (c * 9 + ky * 3 + reversedFirst) * o);
                        ref float positions = ref Unsafe.Add(ref position0, ((y - ky + pad) * outW + col - 2 + reversedFirst + pad) * o);
                        TDirection.Add(ref positions, ref taps, v, length);
                    }
                }
            }
    }

    /// <summary>Swaps kx = 0 and kx = 2 in every kernel row of
    /// a [C 9, O] tap-major buffer (its own inverse).</summary>
    static void ReverseKernelRows(Span<float> byTap, int filters)
    {
        for (int row = 0; row < byTap.Length; row += 3 * filters)
        {
            var first = byTap.Slice(row, filters);
            var last = byTap.Slice(row + 2 * filters, filters);
            for (int f = 0; f < filters; f++) (first[f], last[f]) = (last[f], first[f]);
        }
    }

    /// <summary>Which side of <see cref="Accumulate{TDirection}"/> is
    /// written (a struct type argument: the JIT specialises each).</summary>
    interface IDirection
    {
        static abstract void Add(ref float position, ref float tap, float x, int length);
    }

    readonly struct IntoPositions : IDirection
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Add(ref float position, ref float tap, float x, int length) => AddScaled(ref position, ref tap, x, length);
    }

    readonly struct IntoTaps : IDirection
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Add(ref float position, ref float tap, float x, int length) => AddScaled(ref tap, ref position, x, length);
    }

    /// <summary>destination[0..n) += scale * source[0..n) (callers have checked the bounds).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddScaled(ref float destination, ref float source, float scale, int n)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var k = Vector256.Create(scale);
            for (; i <= n - 8; i += 8)
                Vector256.FusedMultiplyAdd(k, Vector256.LoadUnsafe(ref source, (nuint)i), Vector256.LoadUnsafe(ref destination, (nuint)i))
                    .StoreUnsafe(ref destination, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref destination, i) += scale * Unsafe.Add(ref source, i);
    }

    static void CheckSizes(ConvStage s, int batch, ReadOnlySpan<float> input, int weights, int biases, int activations, int scratch)
    {
        if (input.Length < batch * s.InputSize) throw new ArgumentException($"input has {input.Length} values; {batch} observations need {batch * s.InputSize}.", nameof(input));
        if (weights != s.Filters * s.Channels * 9 || biases != s.Filters) throw new ArgumentException($"the weights must be [{s.Filters}, {s.Channels}, 3, 3] and the biases [{s.Filters}].");
        if (activations < batch * s.Features) throw new ArgumentException($"the activation buffer has {activations} values; {batch} observations need {batch * s.Features}.");
        if (scratch < ScratchSize(s)) throw new ArgumentException($"scratch has {scratch} values; {ScratchSize(s)} are needed.", nameof(scratch));
    }
}
