using Research.Cli;

// `prox`: every class in Commands/ that implements ICliCommand is a subcommand (discovered by
// reflection in ProxApp.BuildRoot), so adding a command means adding one file.
return ProxApp.Run(args);
