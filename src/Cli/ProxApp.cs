using System.CommandLine;

namespace Research.Cli;

/// <summary>
/// The public entry point of <c>prox</c>, so tests and hosts can run commands in-process:
/// <c>ProxApp.Run(["plan", "--iterations", "10"])</c> behaves like the executable (same exit codes).
/// </summary>
public static class ProxApp
{
    /// <summary>
    /// Builds the root command: every class in this assembly implementing <see cref="ICliCommand"/>
    /// is discovered by reflection and added as a subcommand, ordered by <see cref="ICliCommand.Order"/>.
    /// </summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("prox — proximal updates for reinforcement learning (Asadi et al., NeurIPS 2022)");
        foreach (var command in CommandDiscovery.BuildAll<ICliCommand>(c => c.Order, c => c.Build()))
            root.Subcommands.Add(command);
        return root;
    }

    /// <summary>Runs <c>prox</c> with <paramref name="args"/>: 0 on success,
    /// 2 on invalid flags or values, 1 on other failures.</summary>
    public static int Run(string[] args) => CliRunner.Run(BuildRoot(), args);
}
