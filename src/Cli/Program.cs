using System.CommandLine;
using System.Reflection;
using Research.Cli;

// `prox`: every class in Commands/ that implements ICliCommand is a subcommand (discovered below),
// so adding a command means adding one file.
var root = new RootCommand("prox — proximal updates for reinforcement learning (Asadi et al., NeurIPS 2022)");
var commands = typeof(ICliCommand).Assembly.GetTypes()
    .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(ICliCommand).IsAssignableFrom(t))
    .Select(t => (ICliCommand)Activator.CreateInstance(t)!)
    .OrderBy(c => c.Order);
foreach (var command in commands)
    root.Subcommands.Add(command.Build());
return CliRunner.Run(root, args);
