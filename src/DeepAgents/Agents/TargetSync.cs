using Research.DeepAgents.Networks;
using Research.DeepAgents.Optimization;

namespace Research.DeepAgents.Agents;

/// <summary>The hard target refresh theta_k &lt;- w shared by the agents.</summary>
public static class TargetSync
{
    /// <summary>Copies <paramref name="online"/> into <paramref name="target"/>; returns d_k = ||theta_k -
    /// theta_{k-1}||_2 (global and per parameter).</summary>
    public static NormDifference Refresh(QNetwork online, QNetwork target)
    {
        using var previous = ParameterSnapshot.Take(target);
        TargetNetwork.HardCopy(online, target);
        return TargetNorms.Difference(previous, target);
    }
}
