using static TorchSharp.torch;

namespace Research.DeepAgents.Agents;

/// <summary>The DQN bootstrap target (Mnih et al. 2015; Dopamine's <c>_build_target_q_op</c>).</summary>
public static class TdTargets
{
    /// <summary>
    /// y = r + gamma * (1 - terminal) * max_a' Q_target(s', a'), from rewards [B], terminal flags [B] (0/1)
    /// and target Q-values [B, A] of the next observations. No gradient flows through it.
    /// </summary>
    public static Tensor Dqn(Tensor rewards, Tensor terminals, Tensor nextTargetQ, double gamma)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var bootstrap = nextTargetQ.max(1).values;
        var y = rewards + (1 - terminals) * gamma * bootstrap;
        return scope.MoveToOuter(y.detach());
    }
}
