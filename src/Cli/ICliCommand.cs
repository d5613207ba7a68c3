using System.CommandLine;

namespace Research.Cli;

/// <summary>A top-level `prox` subcommand. Implementations live
/// in Commands/ and are discovered by reflection.</summary>
public interface ICliCommand
{
    /// <summary>Position in the help listing.</summary>
    int Order { get; }

    /// <summary>Builds the System.CommandLine command with its options and action.</summary>
    Command Build();
}
