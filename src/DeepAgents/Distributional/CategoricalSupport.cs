using static TorchSharp.torch;

namespace Research.DeepAgents.Distributional;

/// <summary>
/// The fixed support of a categorical return distribution (C51; Bellemare, Dabney, Munos 2017):
/// <c>Atoms</c> atoms z_i = v_min + i * dz, dz = (v_max - v_min) / (Atoms - 1), i = 0..Atoms-1
/// (docs/agents.md, "Rainbow presets": Rainbow uses 51 atoms on [-10, 10] for Atari and
/// on [-100, 100] for MinAtar).
/// </summary>
public sealed record CategoricalSupport
{
    /// <summary>A support of <paramref name="atoms"/> evenly spaced atoms
    /// from <paramref name="vMin"/> to <paramref name="vMax"/>.</summary>
    /// <exception cref="ArgumentException">Fewer than 2 atoms,
    /// a non-finite bound, or v_min &gt;= v_max.</exception>
    public CategoricalSupport(int atoms, double vMin, double vMax)
    {
        if (atoms < 2)
            throw new ArgumentException($"atoms = {atoms} must be at least 2.", nameof(atoms));
        if (!double.IsFinite(vMin))
            throw new ArgumentException($"v_min = {vMin} must be a finite number.", nameof(vMin));
        if (!double.IsFinite(vMax))
            throw new ArgumentException($"v_max = {vMax} must be a finite number.", nameof(vMax));
        if (!(vMin < vMax))
            throw new ArgumentException($"v_min = {vMin} must be less than v_max = {vMax}.", nameof(vMin));
        Atoms = atoms;
        VMin = vMin;
        VMax = vMax;
    }

    /// <summary>Dopamine's Atari Rainbow (the Rainbow Pro paper): 51 atoms on [-10, 10].</summary>
    public static CategoricalSupport DopamineAtari { get; } = new(51, -10, 10);

    /// <summary>Dopamine's MinAtar Rainbow: 51 atoms on [-100, 100].</summary>
    public static CategoricalSupport DopamineMinAtar { get; } = new(51, -100, 100);

    /// <summary>Number of atoms N.</summary>
    public int Atoms { get; }
    /// <summary>The smallest atom z_0.</summary>
    public double VMin { get; }
    /// <summary>The largest atom z_{N-1}.</summary>
    public double VMax { get; }
    /// <summary>The spacing dz = (v_max - v_min) / (N - 1).</summary>
    public double Delta => (VMax - VMin) / (Atoms - 1);

    /// <summary>Atom z_i = v_min + i dz.</summary>
    public double Atom(int i)
    {
        if ((uint)i >= (uint)Atoms)
            throw new ArgumentOutOfRangeException(nameof(i), i, $"atom index must be in 0..{Atoms - 1}");
        return VMin + i * Delta;
    }

    /// <summary>All atoms as floats (a new array).</summary>
    public float[] Values()
    {
        var z = new float[Atoms];
        for (int i = 0; i < z.Length; i++) z[i] = (float)(VMin + i * Delta);
        return z;
    }

    /// <summary>All atoms as a float32 tensor [N] (a new tensor; callers cache it).</summary>
    public Tensor ToTensor() => tensor(Values());
}
