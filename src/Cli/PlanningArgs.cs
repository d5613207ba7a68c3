using System.Globalization;
using Microsoft.FSharp.Core;
using Research.Tabular;

namespace Research.Cli;

/// <summary>A parsed <c>--mdp</c> value: the MDP and its fully
/// resolved description (all keys, defaults filled in).</summary>
public sealed record MdpChoice(Mdp.Mdp Mdp, string Description);

/// <summary>
/// Parsing and validation of the planning flags shared by <c>prox plan</c> and <c>prox theory</c>:
/// every bad value raises a <see cref="UsageException"/> naming the flag, the value and what is allowed.
/// </summary>
public static class PlanningArgs
{
    /// <summary>Allowed forms of <c>--mdp</c>.</summary>
    public const string MdpForms =
        "garnet:states=N,actions=N,branching=N[,seed=N][,storage=sparse|dense] | gridworld:size=N[,slip=P] | chain:states=N[,slip=P]";

    /// <summary>Largest garnet transition table (entries)
    /// <c>--mdp</c> builds: 50M entries, 400 MB of doubles.</summary>
    public const long MaxTransitionEntries = 50_000_000;

    /// <summary>Allowed forms of <c>--noise</c>.</summary>
    public const string NoiseForms = "none | gaussian:SIGMA | uniform:E | adversarial:E (SIGMA, E finite numbers >= 0)";

    /// <summary>Parses a number in invariant culture; "inf", "infinity" and "vi" give +infinity when
    /// <paramref name="allowInfinity"/>.</summary>
    public static bool TryNumber(string text, bool allowInfinity, out double value)
    {
        var t = text.Trim().ToLowerInvariant();
        if (allowInfinity && t is "inf" or "infinity" or "vi" or "+inf")
        {
            value = double.PositiveInfinity;
            return true;
        }
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    /// <summary>Validates a discount: 0 &lt;= gamma &lt; 1.</summary>
    public static double Gamma(double gamma, string flag = "--gamma") =>
        gamma is >= 0.0 and < 1.0 ? gamma : throw new UsageException(flag, Format(gamma), "a number with 0 <= gamma < 1");

    /// <summary>Validates an integer lower bound.</summary>
    public static int AtLeast(int value, int min, string flag) =>
        value >= min ? value : throw new UsageException(flag, value.ToString(CultureInfo.InvariantCulture), $"an integer >= {min}");

    /// <summary>Validates a finite number >= 0.</summary>
    public static double NonNegative(double value, string flag) =>
        double.IsFinite(value) && value >= 0.0 ? value : throw new UsageException(flag, Format(value), "a finite number >= 0");

    /// <summary>Parses one proximal weight c: a number &gt; 0, or inf for VI.</summary>
    public static double C(string text, string flag = "--c") =>
        TryNumber(text, allowInfinity: true, out var c) && c > 0.0
            ? c
            : throw new UsageException(flag, text, "a number > 0, or inf for VI");

    /// <summary>Parses a comma-separated list of c values (duplicates removed, order kept).</summary>
    public static double[] CList(string text, string flag = "--c")
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 0 || parts.Any(p => p.Length == 0))
            throw new UsageException(flag, text, "numbers > 0 or inf (VI), comma-separated, e.g. 0.1,0.5,inf");
        foreach (var part in parts)
            if (!TryNumber(part, true, out var c) || !(c > 0.0))
                throw new UsageException(flag, text, $"numbers > 0 or inf (VI), comma-separated; '{part}' is not");
        return parts.Select(p => C(p, flag)).Distinct().ToArray();
    }

    /// <summary>Formats a c value for output: "inf" for VI, otherwise the shortest round-trip form.</summary>
    public static string FormatC(double c) => double.IsPositiveInfinity(c) ? "inf" : Format(c);

    /// <summary>Shortest round-trip invariant formatting.</summary>
    public static string Format(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Parses <c>--noise</c>.</summary>
    public static Research.Tabular.Noise.NoiseModel ParseNoise(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t is "none" or "0")
            return Research.Tabular.Noise.NoiseModel.NoNoise;
        var colon = t.IndexOf(':');
        var kind = colon < 0 ? t : t[..colon];
        if (kind is not ("gaussian" or "uniform" or "adversarial"))
            throw new UsageException("--noise", text, NoiseForms);
        if (colon < 0 || !TryNumber(t[(colon + 1)..], false, out var x) || x < 0.0)
            throw new UsageException("--noise", text, $"{kind}:X with X a finite number >= 0 ({NoiseForms})");
        return kind switch
        {
            "gaussian" => Research.Tabular.Noise.NoiseModel.NewGaussian(x),
            "uniform" => Research.Tabular.Noise.NoiseModel.NewUniform(x),
            _ => Research.Tabular.Noise.NoiseModel.NewAdversarial(x),
        };
    }

    /// <summary>Parses <c>--mdp</c> and builds the MDP with discount <paramref name="gamma"/>.</summary>
    public static MdpChoice ParseMdp(string text, double gamma)
    {
        var t = text.Trim().ToLowerInvariant();
        var colon = t.IndexOf(':');
        var kind = colon < 0 ? t : t[..colon];
        var keys = new Dictionary<string, string>();
        if (colon >= 0 && colon < t.Length - 1)
        {
            foreach (var pair in t[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries))
            {
                var eq = pair.IndexOf('=');
                if (eq <= 0)
                    throw new UsageException("--mdp", text, $"key=value pairs after the colon ({MdpForms})");
                keys[pair[..eq]] = pair[(eq + 1)..];
            }
        }

        int Int(string key, int fallback, int min, int max, string allowed)
        {
            if (!keys.Remove(key, out var raw))
                return fallback;
            if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
                throw new UsageException("--mdp", text, $"{kind} {key} {allowed}");
            return v;
        }

        double Probability(string key, double fallback)
        {
            if (!keys.Remove(key, out var raw))
                return fallback;
            if (!TryNumber(raw, false, out var v) || v < 0.0 || v > 1.0)
                throw new UsageException("--mdp", text, $"{kind} {key} a number in [0, 1]");
            return v;
        }

        void NoUnknownKeys()
        {
            if (keys.Count > 0)
                throw new UsageException("--mdp", text, $"known keys only; '{keys.Keys.First()}' is not one ({MdpForms})");
        }

        switch (kind)
        {
            case "garnet":
            {
                int states = Int("states", 50, 1, 100_000, "an integer in 1..100000");
                int actions = Int("actions", 4, 1, 1000, "an integer in 1..1000");
                int branching = Int("branching", Math.Min(5, states), 1, states, $"an integer in 1..states (= {states})");
                int seed = Int("seed", 0, int.MinValue, int.MaxValue, "an integer");
                string storage = keys.Remove("storage", out var st) ? st : "sparse";
                if (storage is not ("sparse" or "dense"))
                    throw new UsageException("--mdp", text, "garnet storage sparse or dense");
                NoUnknownKeys();
                long entries = storage == "dense" ? (long)states * states * actions : (long)states * actions * branching;
                if (entries > MaxTransitionEntries)
                    throw new UsageException("--mdp", text, $"garnet sizes whose transition table ({(storage == "dense" ? "states^2 x actions" : "states x actions x branching")} = {entries}) has at most {MaxTransitionEntries} entries");
                var mdp = Generators.garnet(states, actions, branching, gamma, seed, storage == "dense");
                return new MdpChoice(mdp, $"garnet:states={states},actions={actions},branching={branching},seed={seed},storage={storage}");
            }
            case "gridworld":
            {
                int size = Int("size", 5, 1, 300, "an integer in 1..300");
                double slip = Probability("slip", 0.1);
                NoUnknownKeys();
                return new MdpChoice(Generators.gridWorld(size, slip, gamma), $"gridworld:size={size},slip={Format(slip)}");
            }
            case "chain":
            {
                int states = Int("states", 10, 2, 100_000, "an integer in 2..100000");
                double slip = Probability("slip", 0.1);
                NoUnknownKeys();
                return new MdpChoice(Generators.chain(states, slip, gamma), $"chain:states={states},slip={Format(slip)}");
            }
            default:
                throw new UsageException("--mdp", text, MdpForms);
        }
    }

    /// <summary>The PVI target for PMPI steps m (m = 1 is plain PVI).</summary>
    public static Planning.Target Target(int pmpiSteps) =>
        pmpiSteps == 1 ? Planning.Target.Optimality : Planning.Target.NewModifiedPolicy(pmpiSteps);

    /// <summary>No initial value given: v_0 = 0.</summary>
    public static FSharpOption<double[]> ZeroStart => FSharpOption<double[]>.None;
}
