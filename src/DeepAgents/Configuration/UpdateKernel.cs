namespace Research.DeepAgents.Configuration;

/// <summary>How DQN computes its loss gradient (docs/agents.md, "Update kernels").</summary>
public enum UpdateKernel
{
    /// <summary>Fused where the network allows it (<c>LayerPlan.Unsupported</c>),
    /// else autograd; resolved when the run starts.</summary>
    Auto,
    /// <summary>Hand-derived forward/backward kernels (<c>FusedDqnUpdate</c>): no autograd
    /// graph, sparse first convolution.</summary>
    Fused,
    /// <summary>libtorch autograd on the network modules (every architecture).</summary>
    Autograd,
}
