using System.CommandLine;
using System.Globalization;
using Research.Theory;

namespace Research.Cli.Commands;

/// <summary>
/// <c>prox theory</c>: the closed forms of docs/planning.md (results 2-5) from the command
/// line: <c>optimal-c</c>, <c>modulus</c>, <c>bound</c>, <c>mse</c>. Output is one line of
/// <c>key=value</c> pairs (invariant culture, 6 significant digits) so scripts can parse it.
/// </summary>
public sealed class TheoryCommand : ICliCommand
{
    /// <inheritdoc />
    public int Order => 15;

    private static string F(double x) =>
        double.IsPositiveInfinity(x) ? "inf" : x.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>
    /// The options of one subcommand, each defined and checked in one place; a subcommand adds the ones it
    /// reads. <paramref name="iterations"/> is the default of --iterations, <paramref name="minIterations"/>
    /// its least allowed value.
    /// </summary>
    private sealed class Flags(int iterations = 0, int minIterations = 0)
    {
        public Option<double> Gamma { get; } = new("--gamma") { Description = "Discount, 0 <= gamma < 1.", DefaultValueFactory = _ => 0.9 };
        public Option<string> C { get; } = new("--c") { Description = "Proximal weight c > 0 (inf = VI).", DefaultValueFactory = _ => "0.5" };
        public Option<int> Iterations { get; } = new("--iterations") { Description = "Budget K (iterations).", DefaultValueFactory = _ => iterations };
        public Option<double> E0 { get; } = new("--e0") { Description = "Initial error |e_0| (scalar model) or ||v_0 - v*||_inf.", DefaultValueFactory = _ => 10.0 };
        public Option<double> Sigma { get; } = new("--sigma") { Description = "Noise standard deviation sigma >= 0.", DefaultValueFactory = _ => 1.0 };

        public double GammaOf(ParseResult parse) => PlanningArgs.Gamma(parse.GetValue(Gamma));
        public double COf(ParseResult parse) => PlanningArgs.C(parse.GetValue(C)!);
        public int IterationsOf(ParseResult parse) => PlanningArgs.AtLeast(parse.GetValue(Iterations), minIterations, "--iterations");
        public double E0Of(ParseResult parse) => PlanningArgs.NonNegative(parse.GetValue(E0), "--e0");
        public double SigmaOf(ParseResult parse) => PlanningArgs.NonNegative(parse.GetValue(Sigma), "--sigma");
    }

    /// <summary>A subcommand with <paramref name="options"/> that prints
    /// the line <paramref name="run"/> returns.</summary>
    private static Command Subcommand(string name, string description, Option[] options, Func<ParseResult, string> run)
    {
        var command = new Command(name, description);
        foreach (var o in options) command.Options.Add(o);
        command.SetAction(parse =>
        {
            Console.WriteLine(run(parse));
            return 0;
        });
        return command;
    }

    /// <inheritdoc />
    public Command Build()
    {
        var theory = new Command("theory", "Closed forms of the planning theory: optimal c, contraction modulus, noise bound, MSE.");
        theory.Subcommands.Add(OptimalCCommand());
        theory.Subcommands.Add(ModulusCommand());
        theory.Subcommands.Add(BoundCommand());
        theory.Subcommands.Add(MseCommand());
        return theory;
    }

    private static Command OptimalCCommand()
    {
        var f = new Flags(iterations: 200, minIterations: 1);
        return Subcommand("optimal-c", "c* minimising the scalar-model MSE_K (docs/planning.md, result 5); prints beta, c, mse, mse_vi.",
            [f.Gamma, f.Iterations, f.E0, f.Sigma], parse =>
            {
                double g = f.GammaOf(parse);
                int k = f.IterationsOf(parse);
                double e = f.E0Of(parse), s = f.SigmaOf(parse);
                var o = OptimalC.optimalC(g, k, e, s);
                return $"beta={F(o.Beta)} c={F(o.C)} mse={F(o.Mse)} mse_vi={F(o.MseVi)}";
            });
    }

    private static Command ModulusCommand()
    {
        var f = new Flags();
        var m = new Option<int>("--pmpi-steps") { Description = "m for a gamma^m-contracting target ((T*)^m); 1 = PVI.", DefaultValueFactory = _ => 1 };
        return Subcommand("modulus", "Sup-norm contraction modulus rho = (1 + c gamma^m)/(1 + c) (docs/planning.md, result 2).",
            [f.Gamma, f.C, m], parse =>
            {
                double g = f.GammaOf(parse), cv = f.COf(parse);
                int steps = PlanningArgs.AtLeast(parse.GetValue(m), 1, "--pmpi-steps");
                return $"rho={F(Contraction.pmpiModulus(g, cv, steps))} beta={F(Contraction.beta(cv))}";
            });
    }

    private static Command BoundCommand()
    {
        var f = new Flags(iterations: 100);
        var bound = new Option<double>("--noise-bound") { Description = "e with ||eps_k||_inf <= e.", DefaultValueFactory = _ => 0.1 };
        return Subcommand("bound", "Bound on ||v_K - v*||_inf under bounded noise (docs/planning.md, result 3).",
            [f.Gamma, f.C, f.Iterations, f.E0, bound], parse =>
            {
                double g = f.GammaOf(parse), cv = f.COf(parse);
                int k = f.IterationsOf(parse);
                double e = f.E0Of(parse), nb = PlanningArgs.NonNegative(parse.GetValue(bound), "--noise-bound");
                return $"bound={F(NoiseBound.afterSteps(g, cv, k, e, nb))} rho={F(Contraction.pviModulus(g, cv))} limit={F(nb / (1 - g))}";
            });
    }

    private static Command MseCommand()
    {
        var f = new Flags(iterations: 200);
        return Subcommand("mse", "Scalar-model MSE_K and stationary variances of PVI and VI (docs/planning.md, result 4).",
            [f.Gamma, f.C, f.Iterations, f.E0, f.Sigma], parse =>
            {
                double g = f.GammaOf(parse), cv = f.COf(parse);
                int k = f.IterationsOf(parse);
                double e = f.E0Of(parse), s = f.SigmaOf(parse);
                return $"mse={F(NoiseMoments.mse(g, cv, k, e, s))} stationary_variance={F(NoiseMoments.stationaryVariance(g, cv, s))} "
                    + $"stationary_variance_vi={F(NoiseMoments.stationaryVarianceVi(g, s))}";
            });
    }
}
