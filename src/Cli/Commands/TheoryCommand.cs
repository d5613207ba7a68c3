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

    private static Option<double> Gamma() => new("--gamma") { Description = "Discount, 0 <= gamma < 1.", DefaultValueFactory = _ => 0.9 };
    private static Option<string> C() => new("--c") { Description = "Proximal weight c > 0 (inf = VI).", DefaultValueFactory = _ => "0.5" };
    private static Option<int> Iterations(int fallback) => new("--iterations") { Description = "Budget K (iterations).", DefaultValueFactory = _ => fallback };
    private static Option<double> E0() => new("--e0") { Description = "Initial error |e_0| (scalar model) or ||v_0 - v*||_inf.", DefaultValueFactory = _ => 10.0 };
    private static Option<double> Sigma() => new("--sigma") { Description = "Noise standard deviation sigma >= 0.", DefaultValueFactory = _ => 1.0 };

    private static Command Subcommand(string name, string description, params Option[] options)
    {
        var command = new Command(name, description);
        foreach (var o in options) command.Options.Add(o);
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
        var gamma = Gamma();
        var iterations = Iterations(200);
        var e0 = E0();
        var sigma = Sigma();
        var command = Subcommand("optimal-c", "c* minimising the scalar-model MSE_K (docs/planning.md, result 5); prints beta, c, mse, mse_vi.", gamma, iterations, e0, sigma);
        command.SetAction(parse =>
        {
            double g = PlanningArgs.Gamma(parse.GetValue(gamma));
            int k = PlanningArgs.AtLeast(parse.GetValue(iterations), 1, "--iterations");
            double e = PlanningArgs.NonNegative(parse.GetValue(e0), "--e0");
            double s = PlanningArgs.NonNegative(parse.GetValue(sigma), "--sigma");
            var o = OptimalC.optimalC(g, k, e, s);
            Console.WriteLine($"beta={F(o.Beta)} c={F(o.C)} mse={F(o.Mse)} mse_vi={F(o.MseVi)}");
            return 0;
        });
        return command;
    }

    private static Command ModulusCommand()
    {
        var gamma = Gamma();
        var c = C();
        var m = new Option<int>("--pmpi-steps") { Description = "m for a gamma^m-contracting target ((T*)^m); 1 = PVI.", DefaultValueFactory = _ => 1 };
        var command = Subcommand("modulus", "Sup-norm contraction modulus rho = (1 + c gamma^m)/(1 + c) (docs/planning.md, result 2).", gamma, c, m);
        command.SetAction(parse =>
        {
            double g = PlanningArgs.Gamma(parse.GetValue(gamma));
            double cv = PlanningArgs.C(parse.GetValue(c)!);
            int steps = PlanningArgs.AtLeast(parse.GetValue(m), 1, "--pmpi-steps");
            Console.WriteLine($"rho={F(Contraction.pmpiModulus(g, cv, steps))} beta={F(Contraction.beta(cv))}");
            return 0;
        });
        return command;
    }

    private static Command BoundCommand()
    {
        var gamma = Gamma();
        var c = C();
        var iterations = Iterations(100);
        var e0 = E0();
        var bound = new Option<double>("--noise-bound") { Description = "e with ||eps_k||_inf <= e.", DefaultValueFactory = _ => 0.1 };
        var command = Subcommand("bound", "Bound on ||v_K - v*||_inf under bounded noise (docs/planning.md, result 3).", gamma, c, iterations, e0, bound);
        command.SetAction(parse =>
        {
            double g = PlanningArgs.Gamma(parse.GetValue(gamma));
            double cv = PlanningArgs.C(parse.GetValue(c)!);
            int k = PlanningArgs.AtLeast(parse.GetValue(iterations), 0, "--iterations");
            double e = PlanningArgs.NonNegative(parse.GetValue(e0), "--e0");
            double nb = PlanningArgs.NonNegative(parse.GetValue(bound), "--noise-bound");
            Console.WriteLine($"bound={F(NoiseBound.afterSteps(g, cv, k, e, nb))} rho={F(Contraction.pviModulus(g, cv))} limit={F(nb / (1 - g))}");
            return 0;
        });
        return command;
    }

    private static Command MseCommand()
    {
        var gamma = Gamma();
        var c = C();
        var iterations = Iterations(200);
        var e0 = E0();
        var sigma = Sigma();
        var command = Subcommand("mse", "Scalar-model MSE_K and stationary variances of PVI and VI (docs/planning.md, result 4).", gamma, c, iterations, e0, sigma);
        command.SetAction(parse =>
        {
            double g = PlanningArgs.Gamma(parse.GetValue(gamma));
            double cv = PlanningArgs.C(parse.GetValue(c)!);
            int k = PlanningArgs.AtLeast(parse.GetValue(iterations), 0, "--iterations");
            double e = PlanningArgs.NonNegative(parse.GetValue(e0), "--e0");
            double s = PlanningArgs.NonNegative(parse.GetValue(sigma), "--sigma");
            Console.WriteLine(
                $"mse={F(NoiseMoments.mse(g, cv, k, e, s))} stationary_variance={F(NoiseMoments.stationaryVariance(g, cv, s))} stationary_variance_vi={F(NoiseMoments.stationaryVarianceVi(g, s))}");
            return 0;
        });
        return command;
    }
}
