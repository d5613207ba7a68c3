namespace Research.DeepAgents.Configuration;

/// <summary>The optimizer family (its hyperparameters are the
/// <c>Optimizer*</c>/<c>RmsProp*</c>/<c>Adam*</c> keys).</summary>
public enum OptimizerKind
{
    /// <summary>Adam (Kingma and Ba) with <see cref="TrainingConfig.AdamBeta1"/>,
    /// <see cref="TrainingConfig.AdamBeta2"/>, <see cref="TrainingConfig.OptimizerEpsilon"/>.</summary>
    Adam,
    /// <summary>RMSProp with <see cref="TrainingConfig.RmsPropDecay"/>,
    /// <see cref="TrainingConfig.OptimizerEpsilon"/>, centred when
    /// <see cref="TrainingConfig.RmsPropCentered"/>.</summary>
    RmsProp,
}
