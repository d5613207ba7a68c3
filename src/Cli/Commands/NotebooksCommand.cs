using System.CommandLine;
using Research.Notebooks;

namespace Research.Cli.Commands;

/// <summary>
/// <c>prox notebooks run NOTEBOOK... --out DIR [-p name=value ...]</c>: executes Polyglot notebooks
/// headless (docs/notebooks.md). Each notebook runs until its first failing cell; an executed copy and
/// an HTML export are written for every notebook either way. Exit 0 when all succeed, 1 when a cell
/// failed (the message names the notebook, the cell and the error), 2 for bad arguments (unknown or
/// ill-typed parameters, missing or malformed notebooks) before anything runs.
/// </summary>
public sealed class NotebooksCommand : ICliCommand
{
    /// <inheritdoc />
    public int Order => 80;

    /// <inheritdoc />
    public Command Build()
    {
        var notebooks = new Command("notebooks", "Run Polyglot notebooks (.ipynb) headless: executed copies and HTML exports.");
        notebooks.Subcommands.Add(RunCommand());
        return notebooks;
    }

    private static Command RunCommand()
    {
        var paths = new Argument<string[]>("notebooks")
        {
            Description = "Notebook files (.ipynb), or folders whose *.ipynb files are run (sorted by name).",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--out")
        {
            Description = "Folder for the executed copies (<name>.ipynb) and HTML exports (<name>.html).",
            DefaultValueFactory = _ => Path.Combine("results", "notebooks"),
        };
        var parameters = new Option<string[]>("--parameter", "-p")
        {
            Description = "name=value for a name assigned in the cell tagged 'parameters' (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var libraries = new Option<string?>("--lib")
        {
            Description = "Folder of the toolkit assemblies (Research.*.dll) sessions reference; default: prox's own folder.",
        };
        var command = new Command("run", "Execute notebooks in-process (F# via FSharp.Compiler.Service, C# via Roslyn scripting).");
        command.Arguments.Add(paths);
        command.Options.Add(output);
        command.Options.Add(parameters);
        command.Options.Add(libraries);
        command.SetAction(parse =>
        {
            var files = Expand(parse.GetValue(paths) ?? []);
            CliPaths.OutputDirectory("--out", parse.GetValue(output)!);
            var values = new Dictionary<string, string>();
            foreach (var pair in parse.GetValue(parameters) ?? [])
            {
                var (name, value) = NotebookParameters.ParsePair(pair);
                values[name] = value;
            }
            var options = new NotebookRunOptions(parse.GetValue(output)!, values) { LibraryDirectory = parse.GetValue(libraries) };
            // Validate every notebook and its parameters before running any (exit 2 on bad input).
            foreach (var file in files)
                Prepare(file, values);
            var names = files.GroupBy(f => Path.GetFileName(f)).FirstOrDefault(g => g.Count() > 1);
            if (names is not null)
                throw new UsageException("notebooks", string.Join(", ", names), "notebooks with distinct file names (their executed copies share --out)");

            int failed = 0;
            foreach (var file in files)
            {
                var result = NotebookRunner.Run(file, options);
                if (result.Succeeded)
                    Console.WriteLine($"ok {result.Message}");
                else
                {
                    failed++;
                    Console.Error.WriteLine($"error: {result.Message}");
                    Console.Error.WriteLine($"  partial executed copy: {result.ExecutedPath}");
                }
            }
            return failed == 0 ? 0 : 1;
        });
        return command;
    }

    private static void Prepare(string file, IReadOnlyDictionary<string, string> values)
    {
        try
        {
            NotebookRunner.Prepare(file, values);
        }
        catch (InvalidDataException e)
        {
            throw new UsageException("notebooks", file, $"a Polyglot notebook in nbformat 4 ({e.Message})");
        }
    }

    private static List<string> Expand(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
                files.AddRange(Directory.GetFiles(path, "*.ipynb").Order(StringComparer.Ordinal));
            else if (File.Exists(path))
                files.Add(path);
            else
                throw new UsageException("notebooks", path, "an existing .ipynb file or a folder of them");
        }
        if (files.Count == 0)
            throw new UsageException("notebooks", string.Join(" ", paths), "at least one .ipynb file");
        return files;
    }
}
