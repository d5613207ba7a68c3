using Research.DeepAgents.Agents;
using Research.DeepAgents.Configuration;
using Research.DeepAgents.Torch;

namespace Research.DeepAgents.Training;

/// <summary>Loads the agent of a run's latest checkpoint (for <c>prox eval</c> and notebooks).</summary>
public static class TrainedAgent
{
    /// <summary>
    /// The run's config and its agent restored from its verified latest checkpoint (or the previous one when
    /// the latest is damaged, told to <paramref name="notice"/>), plus the number of training steps it had
    /// taken. The caller disposes the agent.
    /// </summary>
    public static (TrainingConfig Config, IAgent Agent, long Steps) Load(string runDirectory, EnvironmentMaker? environments = null,
        Action<string>? notice = null)
    {
        var run = new RunDirectory(runDirectory);
        var (config, _) = run.ReadConfig();
        string checkpoint = Checkpoint.Latest(run, notice)
            ?? throw new InvalidDataException($"{run.Root} has no checkpoint yet (checkpoints/checkpoint.bin): resume the run with prox train --resume, or wait for its first checkpoint.");
        TorchRuntime.Initialize(config.Threads);
        // only for the observation shape and action count
        var env = (environments ?? TrainingEnvironments.Create)(config, 0);
        var agent = AgentFactory.Create(config, env.Observation, env.ActionCount);
        (env as IDisposable)?.Dispose();
        try
        {
            run.CheckMatches(RunDirectory.AsRecorded(config), Checkpoint.ReadHeader(checkpoint), checkpoint);
            var header = Checkpoint.ReadVerified(checkpoint, _ => { }, agent.Load);
            return (config, agent, header.Steps);
        }
        catch
        {
            agent.Dispose();
            throw;
        }
    }
}
