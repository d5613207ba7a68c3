namespace Research.RunFormat;

/// <summary>errors.csv of <c>prox plan</c> (docs/planning.md):
/// the error of run (c, seed) after each iteration.</summary>
public static class ErrorsCsv
{
    public const string Name = "errors.csv";
    public const string Mdp = "mdp", Gamma = "gamma", Noise = "noise", C = "c", Seed = "seed", Iteration = "iteration",
        ErrorInf = "error_inf", ErrorL2 = "error_l2";
    public static readonly IReadOnlyList<string> Columns = [Mdp, Gamma, Noise, C, Seed, Iteration, ErrorInf, ErrorL2];
}

/// <summary>summary.csv of <c>prox plan</c>: per c, mean and standard error of the final errors.</summary>
public static class SummaryCsv
{
    public const string Name = "summary.csv";
    public const string Mdp = "mdp", Gamma = "gamma", Noise = "noise", C = "c", Beta = "beta", Modulus = "modulus",
        Runs = "runs", MeanFinalErrorInf = "mean_final_error_inf", SeFinalErrorInf = "se_final_error_inf",
        MeanFinalErrorL2 = "mean_final_error_l2", SeFinalErrorL2 = "se_final_error_l2";
    public static readonly IReadOnlyList<string> Columns =
        [Mdp, Gamma, Noise, C, Beta, Modulus, Runs, MeanFinalErrorInf, SeFinalErrorInf, MeanFinalErrorL2, SeFinalErrorL2];
}
