using System.Globalization;
using Research.DeepAgents.Configuration;

namespace Research.Studies.Reproduce;

/// <summary>One planning study of <c>prox reproduce</c>: a
/// <c>prox plan</c> call (docs/planning.md, "Experiments").</summary>
/// <param name="Name">Folder name below <c>RUNS/planning/</c>.</param>
/// <param name="Mdp">The <c>--mdp</c> value.</param>
/// <param name="Gamma">Discount.</param>
/// <param name="Noise">The <c>--noise</c> value.</param>
/// <param name="C">Proximal weights (<c>inf</c> = VI), comma-separated.</param>
/// <param name="Iterations">Planning iterations K.</param>
/// <param name="Seeds">Noise seeds per c.</param>
public sealed record PlanningStudy(string Name, string Mdp, double Gamma, string Noise, string C, int Iterations, int Seeds)
{
    /// <summary>The <c>prox plan</c> arguments writing this study into <paramref name="dir"/>.</summary>
    public string[] PlanArguments(string dir, int threads) =>
    [
        "plan", "--mdp", Mdp, "--gamma", Gamma.ToString("R", CultureInfo.InvariantCulture), "--noise", Noise, "--c", C,
        "--iterations", Iterations.ToString(CultureInfo.InvariantCulture), "--seeds", Seeds.ToString(CultureInfo.InvariantCulture),
        "--threads", threads.ToString(CultureInfo.InvariantCulture), "--out", dir,
    ];
}

/// <summary>What <c>prox reproduce</c> runs at one budget: planning
/// studies, then training runs (docs/reproduce.md).</summary>
/// <param name="Budget">tiny, small or paper.</param>
/// <param name="Studies">Planning studies (run one after another, each multi-threaded).</param>
/// <param name="Runs">Training runs (independent; run in parallel).</param>
/// <param name="Description">One paragraph for the report: what this budget is.</param>
public sealed record ReproducePlan(string Budget, IReadOnlyList<PlanningStudy> Studies, IReadOnlyList<TrainingRun> Runs, string Description)
{
    /// <summary>
    /// The prox argument lists that run this plan step by step (e.g. under a scheduler): one <c>prox plan</c>
    /// per study, one <c>prox train</c> per run below <paramref name="root"/>, then <c>prox figures</c>.
    /// </summary>
    public IEnumerable<string[]> Commands(string root, string outDir, int jobs) =>
        Studies.Select(s => s.PlanArguments(Path.Combine(root, "planning", s.Name), jobs))
            .Concat(Runs.Select(r => r.TrainArguments(Path.Combine(root, r.Name))))
            .Append(["figures", "--runs", root, "--out", outDir]);

    /// <summary>The budgets.</summary>
    public static readonly string[] Budgets = ["tiny", "small", "paper"];

    /// <summary>The MinAtar games (docs/environments.md).</summary>
    public static readonly string[] MinAtarGames = ["asterix", "breakout", "freeway", "seaquest", "space_invaders"];

    /// <summary>Proximal weights of every planning study
    /// (docs/planning.md, "Experiments"), plus VI.</summary>
    public const string PlanningC = "0.05,0.1,0.2,0.5,1,2,inf";

    /// <summary>
    /// The plan of <paramref name="budget"/>; <paramref name="games"/> and <paramref name="seeds"/> replace
    /// the budget's defaults when given. Bad values raise a <see cref="ConfigException"/>.
    /// </summary>
    public static ReproducePlan Create(string budget, IReadOnlyList<string>? games, int? seeds)
    {
        if (!Budgets.Contains(budget))
            throw new ConfigException("--budget", budget, string.Join(", ", Budgets));
        if (seeds is < 1 or > 1000)
            throw new ConfigException("--seeds", seeds.Value.ToString(CultureInfo.InvariantCulture), "an integer in 1..1000");
        var gameList = games?.Select(g => g.Trim().ToLowerInvariant()).Where(g => g.Length > 0).Distinct().ToArray();
        if (gameList is { Length: 0 })
            throw new ConfigException("--games", "", $"a comma-separated list of {string.Join(", ", MinAtarGames)} or cartpole");
        foreach (var g in gameList ?? [])
            if (!MinAtarGames.Contains(g) && g != "cartpole")
                throw new ConfigException("--games", g, $"{string.Join(", ", MinAtarGames)} or cartpole (comma-separated)");
        return budget switch
        {
            "tiny" => Tiny(gameList ?? ["cartpole"], seeds ?? 1),
            "small" => Small(gameList ?? ["breakout"], seeds ?? 2),
            _ => Paper(gameList ?? MinAtarGames, seeds ?? 5),
        };
    }

    /// <summary>Planning studies: per gamma, Gaussian noise of each
    /// sigma (sigma 0 = none) and one bounded (uniform) study.</summary>
    static List<PlanningStudy> MakeStudies(string mdp, double[] gammas, double[] sigmas, double uniform, Func<double, int> iterations, int seeds)
    {
        var studies = new List<PlanningStudy>();
        foreach (double gamma in gammas)
        {
            string g = gamma.ToString("R", CultureInfo.InvariantCulture);
            foreach (double sigma in sigmas)
            {
                string noise = sigma == 0 ? "none" : "gaussian:" + sigma.ToString("R", CultureInfo.InvariantCulture);
                studies.Add(new PlanningStudy($"gamma{g}-{noise.Replace(':', '-')}", mdp, gamma, noise, PlanningC, iterations(gamma), seeds));
            }
            string u = "uniform:" + uniform.ToString("R", CultureInfo.InvariantCulture);
            studies.Add(new PlanningStudy($"gamma{g}-{u.Replace(':', '-')}", mdp, gamma, u, PlanningC, iterations(gamma), seeds));
        }
        return studies;
    }

    /// <summary>
    /// DQN and DQN Pro on every game and seed with the same preset, frames and overrides: per game, a
    /// predefined study (docs/sweeps.md) expanded by the same grid
    /// as <c>prox sweep</c> (run names <c>agent-game-sSEED</c>).
    /// </summary>
    static List<TrainingRun> Comparison(string[] games, int seeds, Func<string, (string Preset, string Env, long Frames, string[] Sets)> setting) =>
        games.SelectMany(game =>
        {
            var (preset, env, frames, sets) = setting(game);
            var keys = sets.Select(a => new StudyKey(a[..a.IndexOf('=')], [a[(a.IndexOf('=') + 1)..]], false)).ToList();
            var study = new Study("reproduce", ["dqn", "dqn-pro"], [env], Enumerable.Range(0, seeds).Select(i => (long)i).ToList(),
                null, frames.ToString(CultureInfo.InvariantCulture), preset, keys);
            return StudyGrid.Expand(study);
        }).ToList();

    static (string, string, long, string[]) Setting(string game, long frames, long minatarEval, string[] extra) =>
        game == "cartpole"
            ? ("cartpole", "cartpole", frames, [$"eval-period={frames / 4}", "eval-episodes=3", "tensor-board=false", .. extra])
            : ("minatar-dopamine", "minatar:" + game, frames, [$"eval-period={minatarEval}", .. extra]);

    static ReproducePlan Tiny(string[] games, int seeds) => new("tiny",
        MakeStudies("garnet:states=20,actions=3,branching=3", [0.9], [0.0, 1.0], 0.5, _ => 60, 4),
        Comparison(games, seeds, g => Setting(g, g == "cartpole" ? 2500 : 3000, 1500,
            ["eval-steps=300", "min-replay-history=500", "epsilon-warmup-steps=500", "epsilon-decay-steps=1000", "target-update-period=250",
             "checkpoint-period=1000", "tensor-board=false", "update-log-period=50"])),
        "tiny (tests): Garnet(20, 3, 3), gamma 0.9, noise none / gaussian:1 / uniform:0.5, 4 seeds, K = 60; DQN vs DQN Pro (c~ 0.2), a few thousand frames each.");

    /// <summary>Frames per run of the small budget (measured: docs/reproduce.md).</summary>
    public const long SmallFrames = 400_000;

    static ReproducePlan Small(string[] games, int seeds) => new("small",
        MakeStudies("garnet:states=50,actions=4,branching=5", [0.9, 0.99], [0.0, 0.1, 1.0], 0.5, g => g >= 0.99 ? 1000 : 200, 20),
        Comparison(games, seeds, g => Setting(g, SmallFrames, SmallFrames / 5,
            ["eval-steps=5000", "checkpoint-period=50000"])),
        $"small (default, ~10 minutes on 2 cores): Garnet(50, 4, 5), gamma 0.9 (K = 200) and 0.99 (K = 1000), noise none / gaussian:0.1 / gaussian:1 / uniform:0.5, 20 seeds; DQN vs DQN Pro (c~ 0.2) with the minatar-dopamine preset, {SmallFrames:N0} frames per run (the preset trains 10M), evaluation of 5000 steps every {SmallFrames / 5:N0} frames.");

    static ReproducePlan Paper(string[] games, int seeds) => new("paper",
        MakeStudies("garnet:states=200,actions=5,branching=5", [0.9, 0.99], [0.0, 0.1, 1.0], 0.5, g => g >= 0.99 ? 3000 : 300, 50),
        Comparison(games, seeds, g => g == "cartpole"
            ? ("cartpole", "cartpole", 30_000, [])
            : ("minatar-dopamine", "minatar:" + g, 10_000_000, [])),
        "paper (the full protocol; days on a CPU): Garnet(200, 5, 5), gamma 0.9 (K = 300) and 0.99 (K = 3000), noise none / gaussian:0.1 / gaussian:1 / uniform:0.5, 50 seeds; DQN vs DQN Pro (c~ 0.2) with the minatar-dopamine preset as published (10M frames, evaluation of 125k steps every 1M).");
}
