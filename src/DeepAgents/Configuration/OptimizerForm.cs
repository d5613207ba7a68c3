namespace Research.DeepAgents.Configuration;

/// <summary>Which published formula an optimizer follows (the two differ in where epsilon enters).</summary>
public enum OptimizerForm
{
    /// <summary>
    /// TensorFlow 1 (<c>tf.compat.v1.train.*Optimizer</c>), what Dopamine 4.0.1 and the released
    /// DQN Pro / Rainbow Pro code use. Adam: epsilon-hat outside the uncorrected sqrt(v)
    /// (w -= lr_t m / (sqrt(v) + eps), lr_t = lr sqrt(1 - b2^t) / (1 - b1^t)). RMSProp: eps inside
    /// the square root and the mean-square slot initialised to ones.
    /// </summary>
    TensorFlow,

    /// <summary>
    /// PyTorch (<c>torch.optim</c>) and optax. Adam: eps added to the bias-corrected sqrt(v_hat).
    /// RMSProp: eps outside the square root, mean-square slot initialised to zeros (the MinAtar
    /// reference DQN uses <c>torch.optim.RMSprop</c>; Dopamine's JAX MinAtar agents use optax Adam).
    /// </summary>
    PyTorch,
}
