using static TorchSharp.torch;

namespace Research.DeepAgents.Distributional;

/// <summary>
/// The categorical projection Phi of C51 (Bellemare et al. 2017, Algorithm 1; Dopamine's
/// <c>project_distribution</c>): the target distribution puts probability p_j on
/// Tz_j = clip(R + discount * z_j, v_min, v_max), with R the n-step return r^(n) and discount = gamma^m
/// (0 when the episode terminated within the n steps, so every Tz_j collapses to clip(R)).
/// Each Tz_j is split between its neighbouring atoms in proportion to closeness: with
/// b = (Tz_j - v_min) / dz, l = min(floor(b), N - 2) and u = l + 1, atom l gets p_j (u - b) and atom u
/// gets p_j (b - l). Clamping l to N - 2 instead of using ceil for u makes the integer case b = l exact
/// (all mass on l, nothing lost) and b = N - 1 lands entirely on the last atom.
/// </summary>
public static class CategoricalProjection
{
    /// <summary>
    /// Reference implementation on spans (accumulates in double): writes Phi(R + discount z) of the
    /// distribution <paramref name="probabilities"/> (on
    /// <paramref name="support"/>) into <paramref name="destination"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Span lengths differ from the number of atoms, or the return or
    /// discount is not finite / the discount is negative.</exception>
    public static void Project(CategoricalSupport support, ReadOnlySpan<float> probabilities, double nStepReturn, double discount, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(support);
        int n = support.Atoms;
        if (probabilities.Length != n)
            throw new ArgumentException($"probabilities has {probabilities.Length} entries; the support has {n} atoms.", nameof(probabilities));
        if (destination.Length != n)
            throw new ArgumentException($"destination has {destination.Length} entries; the support has {n} atoms.", nameof(destination));
        if (!double.IsFinite(nStepReturn))
            throw new ArgumentException($"nStepReturn = {nStepReturn} must be finite.", nameof(nStepReturn));
        if (!(discount >= 0) || !double.IsFinite(discount))
            throw new ArgumentException($"discount = {discount} must be a finite number >= 0.", nameof(discount));

        Span<double> mass = n <= 1024 ? stackalloc double[n] : new double[n];
        mass.Clear();
        double dz = support.Delta;
        for (int j = 0; j < n; j++)
        {
            double tz = Math.Clamp(nStepReturn + discount * support.Atom(j), support.VMin, support.VMax);
            double b = Math.Clamp((tz - support.VMin) / dz, 0.0, n - 1);
            int l = Math.Min((int)Math.Floor(b), n - 2);
            double upper = b - l; // share of the upper neighbour l + 1, in [0, 1]
            mass[l] += probabilities[j] * (1.0 - upper);
            mass[l + 1] += probabilities[j] * upper;
        }
        for (int i = 0; i < n; i++) destination[i] = (float)mass[i];
    }

    /// <summary>
    /// Batched projection (used in training; no gradient): for each row b, Phi(returns[b] + discounts[b] z)
    /// of <paramref name="probabilities"/>[b]. Shapes: probabilities [B, N], returns [B], discounts [B]
    /// (gamma^m, or 0 for a terminal within the n steps); the atoms come from <paramref name="support"/>.
    /// Atom positions b are computed in float64; the mass is moved with two <c>scatter_add_</c> calls.
    /// Returns [B, N] in the dtype of <paramref name="probabilities"/>.
    /// </summary>
    public static Tensor Project(CategoricalSupport support, Tensor probabilities, Tensor returns, Tensor discounts)
    {
        ArgumentNullException.ThrowIfNull(support);
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(returns);
        ArgumentNullException.ThrowIfNull(discounts);
        int n = support.Atoms;
        if (probabilities.dim() != 2 || probabilities.shape[1] != n)
            throw new ArgumentException($"probabilities must have shape [B, {n}]; got [{string.Join(", ", probabilities.shape)}].", nameof(probabilities));
        long batch = probabilities.shape[0];
        if (returns.dim() != 1 || returns.shape[0] != batch)
            throw new ArgumentException($"returns must have shape [{batch}]; got [{string.Join(", ", returns.shape)}].", nameof(returns));
        if (discounts.dim() != 1 || discounts.shape[0] != batch)
            throw new ArgumentException($"discounts must have shape [{batch}]; got [{string.Join(", ", discounts.shape)}].", nameof(discounts));

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var p = probabilities.detach();
        // Positions in float64: in float32, b near 50 carries
        // an error of ~3e-6 atoms, which moves that much mass.
        var r = returns.to(p.device).to_type(ScalarType.Float64).unsqueeze(1);
        var d = discounts.to(p.device).to_type(ScalarType.Float64).unsqueeze(1);
        var z = (arange(n, ScalarType.Float64, device: p.device) * support.Delta + support.VMin).unsqueeze(0);
        var tz = (r + d * z).clamp(support.VMin, support.VMax);
        var b = ((tz - support.VMin) / support.Delta).clamp(0.0, n - 1);
        var l = b.floor().clamp_max(n - 2);
        var upper = (b - l).to_type(p.dtype);
        var lower = l.to_type(ScalarType.Int64);
        var projected = zeros_like(p);
        projected.scatter_add_(1, lower, p * (1.0 - upper));
        projected.scatter_add_(1, lower + 1, p * upper);
        return scope.MoveToOuter(projected);
    }
}
