using Research.DeepAgents.Agents;
using Research.DeepAgents.Environments;

namespace Research.DeepAgents.Training;

/// <summary>
/// Evaluation phases (Dopamine's <c>run_one_phase</c> in eval mode): a fresh environment and action stream
/// seeded from the run seed's <c>evaluation-k</c> streams, epsilon-greedy with the eval epsilon, no learning.
/// Episodes are run to completion (or the episode time limit) until <c>EvalEpisodes</c> episodes, or until at
/// least <c>EvalSteps</c> steps were taken.
/// </summary>
public static class Evaluation
{
    /// <summary>Runs evaluation number <paramref name="index"/> of <paramref name="agent"/>.</summary>
    public static EvaluationResult Run(DqnAgent agent, TrainingConfig config, long index, int? episodes = null, double? epsilon = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(config);
        string stream = $"{Seeds.Evaluation}-{index}";
        var env = TrainingEnvironments.Create(config, Seeds.DeriveInt(config.Seed, stream));
        var random = new Xoshiro256(Seeds.Derive(config.Seed, stream + "-actions"));
        int targetEpisodes = episodes ?? config.EvalEpisodes;
        double eps = epsilon ?? config.EvalEpsilon;
        var observation = new float[env.Observation.Size];
        var returns = new List<double>();
        var lengths = new List<long>();
        long steps = 0;
        bool first = true;
        while (targetEpisodes > 0 ? returns.Count < targetEpisodes : steps < config.EvalSteps)
        {
            if (!first) env.Reset();
            first = false;
            env.Observe(observation);
            double episodeReturn = 0;
            long length = 0;
            while (true)
            {
                var result = env.Step(agent.SelectAction(observation, eps, random));
                env.Observe(observation);
                episodeReturn += result.Reward;
                length++;
                if (result.Done || (config.MaxEpisodeSteps > 0 && length >= config.MaxEpisodeSteps)) break;
            }
            steps += length;
            returns.Add(episodeReturn);
            lengths.Add(length);
        }
        return EvaluationResult.From(returns, lengths);
    }
}

/// <summary>Creates the environment of a config (the Atari protocol has no backend in this build).</summary>
public static class TrainingEnvironments
{
    /// <summary>The environment <c>config.Environment</c> with the config's options and the given seed.</summary>
    public static IEnvironment Create(TrainingConfig config, int seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Environment.StartsWith("atari:", StringComparison.Ordinal) && !EnvironmentFactory.Ids.Contains(config.Environment))
            throw new ConfigException("environment", config.Environment,
                "minatar:<game> or cartpole: no Atari backend is available in this build (the atari-paper preset validates, but training needs an emulator backend)");
        if (!EnvironmentFactory.Ids.Contains(config.Environment))
            throw new ConfigException("environment", config.Environment, "one of " + string.Join(", ", EnvironmentFactory.Ids));
        return EnvironmentFactory.Create(config.Environment,
            new EnvironmentOptions(seed, config.StickyActionProbability, config.DifficultyRamping, config.MinimalActions));
    }
}
