using Research.DeepAgents.Configuration;

namespace Research.DeepAgents.Optimization;

/// <summary>Hyperparameters of an optimizer; build one with
/// <see cref="Optimizers.Create(OptimizerConfig, TorchSharp.torch.nn.Module)"/>.</summary>
/// <param name="LearningRate">Base learning rate alpha &gt; 0 (also the alpha of mu = alpha / c~).</param>
public abstract record OptimizerConfig(double LearningRate)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming
    /// the field, its value and the allowed range.</summary>
    public abstract void Validate();

    /// <summary>The checks every optimizer makes, in this order: the learning rate is finite and &gt; 0, each
    /// decay (moment or momentum) is in [0, 1), epsilon is finite and &gt;= 0, the form is defined.</summary>
    private protected void Validate(double epsilon, OptimizerForm form, params ReadOnlySpan<(double Value, string Name)> decays)
    {
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new ArgumentException($"LearningRate = {LearningRate} must be a finite number > 0.", nameof(LearningRate));
        foreach (var (value, name) in decays)
            if (!(value >= 0 && value < 1))
                throw new ArgumentException($"{name} = {value} must be in [0, 1).", name);
        if (!(epsilon >= 0) || double.IsInfinity(epsilon))
            throw new ArgumentException($"Epsilon = {epsilon} must be a finite number >= 0.", "Epsilon");
        if (!Enum.IsDefined(form))
            throw new ArgumentException($"Form = {form} is not defined; allowed: TensorFlow, PyTorch.", "Form");
    }

    /// <summary>Dopamine's Atari DQN: centred RMSProp(lr 2.5e-4,
    /// decay 0.95, momentum 0, eps 1e-5), TF1 form.</summary>
    public static RmsPropConfig DopamineDqn => new(2.5e-4, Decay: 0.95, Momentum: 0.0, Epsilon: 1e-5, Centered: true, Form: OptimizerForm.TensorFlow);

    /// <summary>MinAtar reference DQN:
    /// <c>torch.optim.RMSprop(lr 2.5e-4, alpha 0.95, eps 0.01, centered)</c>.</summary>
    public static RmsPropConfig MinAtarReferenceDqn => new(2.5e-4, Decay: 0.95, Momentum: 0.0, Epsilon: 0.01, Centered: true, Form: OptimizerForm.PyTorch);

    /// <summary>Dopamine's MinAtar DQN (JAX, optax): Adam(lr
    /// 2.5e-4, eps 3.125e-4), PyTorch/optax form.</summary>
    public static AdamConfig DopamineMinAtarDqn => new(2.5e-4, Epsilon: 3.125e-4, Form: OptimizerForm.PyTorch);

    /// <summary>Dopamine's MinAtar Rainbow (JAX, optax): Adam(lr
    /// 1e-4, eps 3.125e-4), PyTorch/optax form.</summary>
    public static AdamConfig DopamineMinAtarRainbow => new(1e-4, Epsilon: 3.125e-4, Form: OptimizerForm.PyTorch);

    /// <summary>Dopamine's Atari Rainbow (the Rainbow Pro
    /// paper): Adam(lr 6.25e-5, eps 1.5e-4), TF1 form.</summary>
    public static AdamConfig DopamineRainbow => new(6.25e-5, Epsilon: 1.5e-4, Form: OptimizerForm.TensorFlow);
}

/// <summary>Adam (Kingma &amp; Ba). See <see cref="OptimizerForm"/> for the two epsilon placements.</summary>
/// <param name="LearningRate">alpha.</param>
/// <param name="Beta1">First-moment decay, in [0, 1).</param>
/// <param name="Beta2">Second-moment decay, in [0, 1).</param>
/// <param name="Epsilon">Denominator offset, &gt;= 0.</param>
/// <param name="Form">TensorFlow (default, Dopamine TF) or PyTorch/optax.</param>
public sealed record AdamConfig(
    double LearningRate,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Epsilon = 1e-8,
    OptimizerForm Form = OptimizerForm.TensorFlow) : OptimizerConfig(LearningRate)
{
    /// <inheritdoc />
    public override void Validate() => Validate(Epsilon, Form, (Beta1, nameof(Beta1)), (Beta2, nameof(Beta2)));
}

/// <summary>RMSProp, centred by default (Graves 2013). See <see cref="OptimizerForm"/>.</summary>
/// <param name="LearningRate">alpha.</param>
/// <param name="Decay">Moving-average decay (TF <c>decay</c>, PyTorch <c>alpha</c>), in [0, 1).</param>
/// <param name="Momentum">Momentum, in [0, 1).</param>
/// <param name="Epsilon">Stabiliser, &gt;= 0 (inside the
/// square root in TF form, outside in PyTorch form).</param>
/// <param name="Centered">Subtract the squared mean gradient (centred RMSProp).</param>
/// <param name="Form">TensorFlow (default, Dopamine TF) or PyTorch.</param>
public sealed record RmsPropConfig(
    double LearningRate,
    double Decay = 0.9,
    double Momentum = 0.0,
    double Epsilon = 1e-10,
    bool Centered = true,
    OptimizerForm Form = OptimizerForm.TensorFlow) : OptimizerConfig(LearningRate)
{
    /// <inheritdoc />
    public override void Validate() => Validate(Epsilon, Form, (Decay, nameof(Decay)), (Momentum, nameof(Momentum)));
}
