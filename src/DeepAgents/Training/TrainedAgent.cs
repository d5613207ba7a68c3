using Research.DeepAgents.Agents;
using Research.DeepAgents.Torch;

namespace Research.DeepAgents.Training;

/// <summary>Loads the agent of a run's latest checkpoint (for <c>prox eval</c> and notebooks).</summary>
public static class TrainedAgent
{
    /// <summary>
    /// The run's config and its agent restored from checkpoints/checkpoint.bin, plus the number of training
    /// steps it had taken. The caller disposes the agent.
    /// </summary>
    public static (TrainingConfig Config, IAgent Agent, long Steps) Load(string runDirectory, EnvironmentMaker? environments = null)
    {
        var run = new RunDirectory(runDirectory);
        var (config, _) = run.ReadConfig();
        if (!run.HasCheckpoint)
            throw new ConfigException("--run", runDirectory, "a run directory with checkpoints/checkpoint.bin");
        TorchRuntime.Initialize(config.Threads);
        var env = (environments ?? TrainingEnvironments.Create)(config, 0); // only for the observation shape and action count
        var agent = AgentFactory.Create(config, env.Observation, env.ActionCount);
        (env as IDisposable)?.Dispose();
        try
        {
            var header = Checkpoint.Read(run.CheckpointPath, _ => { }, agent.Load);
            return (config, agent, header.Steps);
        }
        catch
        {
            agent.Dispose();
            throw;
        }
    }
}
