using Research.DeepAgents.Agents;
using Research.DeepAgents.Configuration;
using Research.DeepAgents.Environments;
using Research.DeepAgents.Environments.Atari;
using Research.Random;

namespace Research.DeepAgents.Training;

/// <summary>Creates the environment of a config with a given seed (<see cref="TrainingEnvironments.Create"/>
/// by default; tests plug in synthetic backends).</summary>
public delegate IEnvironment EnvironmentMaker(TrainingConfig config, int seed);

/// <summary>
/// Evaluation phases (Dopamine's <c>run_one_phase</c> in eval mode): a fresh environment and action stream
/// seeded from the run seed's <c>evaluation-k</c> streams, epsilon-greedy with the eval epsilon, no learning.
/// Episodes are run to completion (or the episode time limit) until <c>EvalEpisodes</c> episodes, or until at
/// least <c>EvalSteps</c> steps were taken. With a game environment (Atari, <see cref="IGameEnvironment"/>)
/// an episode is a whole game: a life loss ends the agent's
/// episode (its frame stack restarts) but the game goes on.
/// </summary>
public static class Evaluation
{
    /// <summary>Runs evaluation number <paramref name="index"/> of <paramref name="agent"/>.</summary>
    public static EvaluationResult Run(IAgent agent, TrainingConfig config, long index, int? episodes = null, double? epsilon = null,
        EnvironmentMaker? environments = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(config);
        string stream = $"{Seeds.Evaluation}-{index}";
        var env = (environments ?? TrainingEnvironments.Create)(config, Seeds.DeriveInt(config.Seed, stream));
        try
        {
            var random = new Xoshiro256(Seeds.Derive(config.Seed, stream + "-actions"));
            int targetEpisodes = episodes ?? config.EvalEpisodes;
            double eps = epsilon ?? config.EvalEpsilon;
            var game = env as IGameEnvironment;
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
                    if (config.MaxEpisodeSteps > 0 && length >= config.MaxEpisodeSteps) break;
                    if (!result.Done) continue;
                    if (game is null || game.GameEnded) break;
                    env.Reset(); // a life lost: the next life of the same game
                    env.Observe(observation);
                }
                steps += length;
                returns.Add(episodeReturn);
                lengths.Add(length);
            }
            return EvaluationResult.From(returns, lengths);
        }
        finally
        {
            (env as IDisposable)?.Dispose();
        }
    }
}

/// <summary>Creates the environment of a config: MinAtar,
/// CartPole, or Atari through the ALE (docs/atari.md).</summary>
public static class TrainingEnvironments
{
    /// <summary>
    /// The environment <c>config.Environment</c> with the config's
    /// options and the given seed. <c>atari:&lt;game&gt;</c>
    /// uses the native ALE (<see cref="AtariEnvironment.Create"/>) with the paper's preprocessing from the
    /// config (<see cref="AtariOptionsOf"/>); a missing library or ROM
    /// is an <see cref="ArgumentException"/> with the loader's message.
    /// </summary>
    public static IEnvironment Create(TrainingConfig config, int seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Environment.StartsWith(AtariEnvironment.Prefix, StringComparison.Ordinal))
        {
            try
            {
                return AtariEnvironment.Create(config.Environment, OptionsOf(config, seed), AtariOptionsOf(config));
            }
            catch (Exception e) when (e is DllNotFoundException or FileNotFoundException or InvalidDataException)
            {
                // the loader's message says what is missing and how to get it
                throw new ArgumentException(e.Message, e);
            }
            catch (AtariModeException e)
            {
                throw new ConfigException("atari-" + e.Setting, e.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    $"one of {string.Join(", ", e.Available)} (the {e.Setting}s of atari:{e.Game}), or -1 for the game's default");
            }
        }
        if (!EnvironmentFactory.Ids.Contains(config.Environment))
            throw new ConfigException("environment", config.Environment, "one of " + string.Join(", ", EnvironmentFactory.Ids) + ", or atari:<game>");
        return EnvironmentFactory.Create(config.Environment, OptionsOf(config, seed));
    }

    /// <summary>
    /// <c>atari:&lt;game&gt;</c> on any emulator backend (e.g. <see cref="ScriptedEmulator"/> in tests): the
    /// config's preprocessing, wrapped in a <see cref="FrameStack"/>
    /// when <c>FrameStack</c> &gt; 1. The environment owns the emulator.
    /// </summary>
    public static IEnvironment CreateAtari(TrainingConfig config, int seed, IAtariEmulator emulator, string romPath)
    {
        ArgumentNullException.ThrowIfNull(config);
        var options = AtariOptionsOf(config) with
        {
            Seed = seed,
            StickyActionProbability = config.StickyActionProbability,
            MinimalActions = config.MinimalActions,
        };
        return AtariEnvironment.Wrap(new AtariPreprocessing(emulator, romPath, options, config.Environment), config.FrameStack);
    }

    /// <summary>Seed, sticky actions, difficulty ramping and
    /// action set of <paramref name="config"/>.</summary>
    public static EnvironmentOptions OptionsOf(TrainingConfig config, int seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new EnvironmentOptions(seed, config.StickyActionProbability, config.DifficultyRamping, config.MinimalActions);
    }

    /// <summary>
    /// Atari preprocessing of <paramref name="config"/>: frame skip, life loss terminal, the per-game step
    /// cap (<c>max-episode-steps</c>), the game's mode and difficulty and the frame stack (the
    /// <see cref="FrameStack"/> wrapper gives the acting input; Rainbow's replay stores single frames). Seed,
    /// sticky actions and action set come from <see cref="OptionsOf"/>.
    /// </summary>
    public static AtariOptions AtariOptionsOf(TrainingConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new AtariOptions(
            FrameSkip: config.FrameSkip,
            TerminalOnLifeLoss: config.TerminalOnLifeLoss,
            MaxEpisodeSteps: config.MaxEpisodeSteps,
            StickyActionProbability: config.StickyActionProbability,
            MinimalActions: config.MinimalActions,
            FrameStack: config.FrameStack,
            RomDirectory: config.RomDir,
            Mode: config.AtariMode,
            Difficulty: config.AtariDifficulty);
    }
}
