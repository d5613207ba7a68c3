using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Research.DeepAgents.Optimization;

/// <summary>
/// One-pass optimizer updates over flat float32 CPU buffers: every element of w, g and the
/// moments is read and written once, with SIMD (<see cref="Vector{T}"/>) and a scalar tail, instead
/// of the five to seven full passes that the equivalent sequence of tensor operations makes.
/// The formulas are those documented on <see cref="Adam"/> and <see cref="RmsProp"/>.
/// </summary>
internal static class FusedKernels
{
    /// <summary>
    /// The proximal pull (<see cref="ProximalPull.Pulled(float, float, float)"/>) over whole buffers, in one
    /// pass. The optimizer kernels pull each element the same way before their step when given a pull target,
    /// so pulling here and then stepping gives the same bits as the fused step.
    /// </summary>
    public static void Pull(Span<float> w, ReadOnlySpan<float> theta, float mu)
    {
        var n = w.Length;
        if (theta.Length != n) throw new ArgumentException("buffer lengths differ");
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var k = new Vector<float>(mu);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Store(ProximalPull.Pulled(Load(w, i), Load(theta, i), k), w, i);
            }
        }
        for (; i < n; i++) w[i] = ProximalPull.Pulled(w[i], theta[i], mu);
    }

    /// <summary>
    /// m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; w -= step m / (sqrt(v) + eps). With a non-empty
    /// <paramref name="pullTarget"/>, each w is first pulled (<see cref="Pull"/>) in the same pass.
    /// </summary>
    public static void Adam(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v,
        float beta1, float beta2, float step, float eps, ReadOnlySpan<float> pullTarget = default, float mu = 0f)
    {
        var n = w.Length;
        var pulling = !pullTarget.IsEmpty;
        if (g.Length != n || m.Length != n || v.Length != n || (pulling && pullTarget.Length != n)) throw new ArgumentException("buffer lengths differ");
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var b1 = new Vector<float>(beta1);
            var c1 = new Vector<float>(1 - beta1);
            var b2 = new Vector<float>(beta2);
            var c2 = new Vector<float>(1 - beta2);
            var s = new Vector<float>(step);
            var e = new Vector<float>(eps);
            var k = new Vector<float>(mu);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                var gi = Load(g, i);
                var mi = b1 * Load(m, i) + c1 * gi;
                var vi = b2 * Load(v, i) + c2 * gi * gi;
                Store(mi, m, i);
                Store(vi, v, i);
                var wi = Load(w, i);
                if (pulling) wi = ProximalPull.Pulled(wi, Load(pullTarget, i), k);
                Store(wi - s * mi / (Vector.SquareRoot(vi) + e), w, i);
            }
        }
        for (; i < n; i++)
        {
            var gi = g[i];
            var mi = beta1 * m[i] + (1 - beta1) * gi;
            var vi = beta2 * v[i] + (1 - beta2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            var wi = w[i];
            if (pulling) wi = ProximalPull.Pulled(wi, pullTarget[i], mu);
            w[i] = wi - step * mi / (MathF.Sqrt(vi) + eps);
        }
    }

    /// <summary>
    /// RMSProp: ms = d ms + (1 - d) g^2; mg = d mg + (1 - d) g (if centred, else mg = 0);
    /// TF form: u = lr g / sqrt(ms - mg^2 + eps), mom = momentum mom + u (if momentum), w -= mom or u.
    /// PyTorch form: u = g / (sqrt(ms - mg^2) + eps), buf = momentum buf + u (if momentum), w -= lr (buf or
    /// u). Empty <paramref name="mg"/> = not centred; empty
    /// <paramref name="mom"/> = no momentum. With a non-empty
    /// <paramref name="pullTarget"/>, each w is first pulled (<see cref="Pull"/>) in the same pass.
    /// </summary>
    public static void RmsProp(Span<float> w, ReadOnlySpan<float> g, Span<float> ms, Span<float> mg, Span<float> mom,
        float decay, float momentum, float lr, float eps, bool tensorFlowForm, ReadOnlySpan<float> pullTarget = default, float pullMu = 0f)
    {
        var n = w.Length;
        var centred = !mg.IsEmpty;
        var withMomentum = !mom.IsEmpty;
        var pulling = !pullTarget.IsEmpty;
        if (g.Length != n || ms.Length != n || (centred && mg.Length != n) || (withMomentum && mom.Length != n) || (pulling && pullTarget.Length != n))
            throw new ArgumentException("buffer lengths differ");
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var d = new Vector<float>(decay);
            var c = new Vector<float>(1 - decay);
            var mu = new Vector<float>(momentum);
            var a = new Vector<float>(lr);
            var e = new Vector<float>(eps);
            var k = new Vector<float>(pullMu);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                var gi = Load(g, i);
                var si = d * Load(ms, i) + c * gi * gi;
                Store(si, ms, i);
                var variance = si;
                if (centred)
                {
                    var mi = d * Load(mg, i) + c * gi;
                    Store(mi, mg, i);
                    variance -= mi * mi;
                }
                Vector<float> update;
                if (tensorFlowForm)
                {
                    update = a * gi / Vector.SquareRoot(variance + e);
                    if (withMomentum)
                    {
                        update += mu * Load(mom, i);
                        Store(update, mom, i);
                    }
                }
                else
                {
                    update = gi / (Vector.SquareRoot(variance) + e);
                    if (withMomentum)
                    {
                        update += mu * Load(mom, i);
                        Store(update, mom, i);
                    }
                    update *= a;
                }
                var wi = Load(w, i);
                if (pulling) wi = ProximalPull.Pulled(wi, Load(pullTarget, i), k);
                Store(wi - update, w, i);
            }
        }
        for (; i < n; i++)
        {
            var gi = g[i];
            var si = decay * ms[i] + (1 - decay) * gi * gi;
            ms[i] = si;
            var variance = si;
            if (centred)
            {
                var mi = decay * mg[i] + (1 - decay) * gi;
                mg[i] = mi;
                variance -= mi * mi;
            }
            float update;
            if (tensorFlowForm)
            {
                update = lr * gi / MathF.Sqrt(variance + eps);
                if (withMomentum) mom[i] = update += momentum * mom[i];
            }
            else
            {
                update = gi / (MathF.Sqrt(variance) + eps);
                if (withMomentum) mom[i] = update += momentum * mom[i];
                update *= lr;
            }
            var wi = w[i];
            if (pulling) wi = ProximalPull.Pulled(wi, pullTarget[i], pullMu);
            w[i] = wi - update;
        }
    }

    // Unaligned vector access at element i without bounds checks (the loops stop a vector before the end).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Load(ReadOnlySpan<float> span, int i) =>
        Vector.LoadUnsafe(ref MemoryMarshal.GetReference(span), (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector<float> value, Span<float> span, int i) =>
        value.StoreUnsafe(ref MemoryMarshal.GetReference(span), (nuint)i);
}
