using Research.DeepAgents.Environments;
using Research.DeepAgents.Parameters;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.DeepAgents.Networks;

/// <summary>
/// Base of every Q-network: a <c>Module&lt;Tensor, Tensor&gt;</c> from float observations
/// [B, C, H, W] (Binary as 0/1, Pixels as 0..255: divided by 255 inside, Features raw) to Q-values
/// [B, Actions], or logits [B, Actions, Atoms] when <see cref="Atoms"/> &gt; 1.
/// After construction all parameters live in one contiguous buffer, <see cref="Flat"/>, so an
/// optimizer or the proximal pull updates every tensor with one fused operation.
/// </summary>
public abstract class QNetwork : nn.Module<Tensor, Tensor>
{
    private FlatParameters? flat;

    /// <summary>Stores the spec; subclasses call <see cref="Seal"/>
    /// at the end of their constructor.</summary>
    protected QNetwork(string name, NetworkSpec spec) : base(name)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        Spec = spec;
    }

    /// <summary>Architecture and initialisation.</summary>
    public NetworkSpec Spec { get; }

    /// <summary>Number of actions.</summary>
    public int Actions => Spec.Actions;

    /// <summary>Atoms per action (1 = plain Q-values).</summary>
    public int Atoms => Spec.Atoms;

    /// <summary>The observation the network was built for.</summary>
    public ObservationSpec Observation => Spec.Observation;

    /// <summary>All parameters (and their gradients) as views into one contiguous buffer.</summary>
    public FlatParameters Flat => flat ?? throw new InvalidOperationException($"{GetType().Name} did not call Seal() in its constructor.");

    /// <summary>Total number of scalar parameters.</summary>
    public long ParameterCount => Flat.Count;

    /// <summary>Divides Pixels input by 255; returns other inputs unchanged (the same tensor).</summary>
    protected Tensor ScaleInput(Tensor input) =>
        Spec.Observation.Kind == ObservationKind.Pixels ? input.div(255.0) : input;

    /// <summary>Reshapes the head's [B, Actions * Atoms] output
    /// to [B, Actions, Atoms] when Atoms &gt; 1.</summary>
    protected Tensor ShapeOutput(Tensor head) =>
        Atoms == 1 ? head : head.view(-1, Actions, Atoms);

    /// <summary>Registers the layers, initialises them from
    /// <paramref name="seed"/> and flattens the parameters.</summary>
    protected void Seal(long seed, Action<Generator> initialize)
    {
        ArgumentNullException.ThrowIfNull(initialize);
        RegisterComponents();
        using (var generator = new Generator(unchecked((ulong)seed), CPU))
            initialize(generator);
        flat = new FlatParameters(this);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) flat?.Dispose();
        base.Dispose(disposing);
    }
}
