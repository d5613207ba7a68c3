using System.CommandLine;

namespace Research.Cli;

/// <summary>Parses and invokes the root command with the project's exit-code convention.</summary>
public static class CliRunner
{
    /// <summary>Exit code for invalid flags or values.</summary>
    public const int UsageError = 2;

    /// <summary>
    /// Runs <paramref name="root"/> on <paramref name="args"/>: 0 on success, 2 on a parse error or a
    /// <see cref="UsageException"/> / <see cref="ArgumentException"/> from a command, 1 on other failures (I/O and
    /// data errors print their message only).
    /// </summary>
    public static int Run(RootCommand root, string[] args)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
                Console.Error.WriteLine($"error: {error.Message}");
            Console.Error.WriteLine("Run with --help for the allowed flags and values.");
            return UsageError;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return UsageError;
        }
        catch (ArgumentException e)
        {
            // Library validation (e.g. an invalid MDP or hyperparameter) names the field and allowed values.
            Console.Error.WriteLine($"error: {e.Message}");
            return UsageError;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            // A run failure (e.g. a damaged checkpoint or an unwritable folder): the message, no stack trace.
            Console.Error.WriteLine($"error: {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }
}
