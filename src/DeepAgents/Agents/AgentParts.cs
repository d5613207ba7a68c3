using Research.DeepAgents.Networks;
using Research.DeepAgents.Optimization;
using Research.DeepAgents.Training;
using Research.Random;

namespace Research.DeepAgents.Agents;

/// <summary>
/// What DQN and Rainbow build and checkpoint the same way: the optimizer (wrapped by the proximal pull for the
/// <c>-pro</c> agents) and the state common to both (counters, exploration stream, networks, optimizer).
/// </summary>
public static class AgentParts
{
    /// <summary>
    /// The optimizer of <paramref name="online"/> from <paramref name="config"/>: for <c>dqn-pro</c>/<c>rainbow-pro</c> a
    /// <see cref="ProximalOptimizer"/> pulling toward <paramref name="target"/> with mu = alpha / c~; <paramref name="pull"/> is
    /// also built (mu = 0) when only the nu penalty is on, else null.
    /// </summary>
    public static IOptimizer CreateOptimizer(TrainingConfig config, QNetwork online, QNetwork target, out ProximalPull? pull)
    {
        ArgumentNullException.ThrowIfNull(config);
        var optimizer = Optimizers.Create(DqnAgent.OptimizerConfigOf(config), online);
        pull = config.IsPro || config.Nu > 0
            ? new ProximalPull(online, target, config.IsPro ? config.CTilde : double.PositiveInfinity, config.LearningRate)
            : null;
        return config.IsPro ? new ProximalOptimizer(optimizer, pull!) : optimizer;
    }

    /// <summary>Disposes <paramref name="optimizer"/> and, for a <see cref="ProximalOptimizer"/>, the optimizer it wraps.</summary>
    public static void DisposeOptimizer(IOptimizer optimizer)
    {
        (optimizer as IDisposable)?.Dispose();
        if (optimizer is ProximalOptimizer pro) (pro.Inner as IDisposable)?.Dispose();
    }

    /// <summary>Writes the state every agent has: counters, exploration stream, both networks, optimizer (in this order).</summary>
    public static void SaveCommon(BinaryWriter writer, IAgent agent, Xoshiro256 exploration, QNetwork online, QNetwork target, IOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(agent);
        writer.Write(agent.Steps);
        writer.Write(agent.Updates);
        writer.Write(agent.Syncs);
        exploration.Save(writer);
        Checkpoints.SaveParameters(online, writer);
        Checkpoints.SaveParameters(target, writer);
        optimizer.Save(writer);
    }

    /// <summary>Reads what <see cref="SaveCommon"/> wrote into the stream, networks and optimizer; returns the counters.</summary>
    public static (long Steps, long Updates, long Syncs) LoadCommon(BinaryReader reader, Xoshiro256 exploration, QNetwork online, QNetwork target, IOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(reader);
        long steps = reader.ReadInt64(), updates = reader.ReadInt64(), syncs = reader.ReadInt64();
        exploration.Load(reader);
        Checkpoints.LoadParameters(online, reader);
        Checkpoints.LoadParameters(target, reader);
        optimizer.Load(reader);
        return (steps, updates, syncs);
    }
}
