using System.CommandLine;
using System.Reflection;
using Research.Cli.Reproduce;
using Research.Studies;
using Research.DeepAgents.Training;

namespace Research.Cli;

/// <summary>
/// Parses and invokes the root command with the project's exit-code convention, and is the one place where
/// failures become messages: 2 for usage errors, 1 for run
/// failures, one paragraph on stderr, a stack trace only with
/// <c>--verbose</c> or <c>PROX_VERBOSE=1</c> (docs/cli.md, "Errors").
/// </summary>
public static class CliRunner
{
    /// <summary>Exit code for invalid flags or values.</summary>
    public const int UsageError = 2;
    /// <summary>Exit code for a run that failed (file system,
    /// damaged run state, a locked run directory).</summary>
    public const int RunFailure = 1;
    /// <summary>The flag (on every command) that adds stack traces to error messages.</summary>
    public const string VerboseFlag = "--verbose";
    /// <summary>The environment variable that does the same (1 or true).</summary>
    public const string VerboseVariable = "PROX_VERBOSE";

    /// <summary>
    /// Runs <paramref name="root"/> on <paramref name="args"/>: 0 on success, 2 on a parse error or a
    /// <see cref="UsageException"/> / <see cref="ArgumentException"/> from a command, 1 on other failures
    /// (I/O and data errors print their message only).
    /// </summary>
    public static int Run(RootCommand root, string[] args)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(args);
        bool verbose = args.Contains(VerboseFlag)
            || Environment.GetEnvironmentVariable(VerboseVariable) is "1" or "true" or "TRUE" or "True";
        try
        {
            if (!root.Options.Any(o => o.Name == VerboseFlag))
                root.Options.Add(new Option<bool>(VerboseFlag) { Description = $"Print stack traces with errors (for bug reports; or set {VerboseVariable}=1).", Recursive = true });
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                foreach (var error in parsed.Errors)
                    Console.Error.WriteLine($"error: {error.Message}");
                Console.Error.WriteLine("Run with --help for the allowed flags and values.");
                return UsageError;
            }
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return Report(e, verbose);
        }
    }

    /// <summary>Prints <paramref name="e"/> as one paragraph (plus the
    /// stack trace when verbose) and returns the exit code.</summary>
    static int Report(Exception e, bool verbose)
    {
        e = Unwrap(e);
        var (code, message, bug) = Describe(e);
        Console.Error.WriteLine($"error: {message}");
        if (verbose)
            Console.Error.WriteLine(e.ToString());
        else if (bug)
            Console.Error.WriteLine($"Run the same command with {VerboseFlag} (or {VerboseVariable}=1) for a stack trace to attach to a bug report.");
        return code;
    }

    static Exception Unwrap(Exception e)
    {
        while (true)
        {
            if (e is TargetInvocationException { InnerException: { } inner }) e = inner;
            else if (e is AggregateException aggregate && aggregate.InnerExceptions.Count == 1) e = aggregate.InnerExceptions[0];
            else return e;
        }
    }

    /// <summary>Exit code, message and whether it is a bug (an exception no check anticipated).</summary>
    static (int Code, string Message, bool Bug) Describe(Exception e) => e switch
    {
        UsageException or ArgumentException => (UsageError, e.Message, e is ArgumentNullException),
        RunDirectoryLockedException or CheckpointDamagedException or InvalidDataException or RunsFailedException
            => (RunFailure, e.Message, false),
        UnauthorizedAccessException => (RunFailure, $"{e.Message.TrimEnd('.')}: permission denied. Check the permissions or choose another path.", false),
        IOException when IsDiskFull(e) => (RunFailure,
            $"the disk is full ({e.Message.TrimEnd('.')}). Free space or choose another output folder; an interrupted run resumes from its last checkpoint.", false),
        DirectoryNotFoundException or FileNotFoundException => (RunFailure, $"{e.Message.TrimEnd('.')}: check the path.", false),
        IOException => (RunFailure, e.Message, false),
        OperationCanceledException => (RunFailure, "cancelled.", false),
        _ => (RunFailure, $"internal error: {e.GetType().Name}: {e.Message}", true),
    };

    // ENOSPC (28) and EDQUOT (122 Linux, 69 macOS); ERROR_DISK_FULL
    // (0x70) and ERROR_HANDLE_DISK_FULL (0x27) on Windows.
    internal static bool IsDiskFull(Exception e) =>
        e.HResult is 28 or 122 or 69 || (e.HResult & 0xFFFF) is 0x70 or 0x27 || e.Message.Contains("No space left", StringComparison.Ordinal);
}
