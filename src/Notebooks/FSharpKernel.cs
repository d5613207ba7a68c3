// F# cells: one in-process FSharp.Compiler.Service FsiEvaluationSession per notebook, so bindings
// carry from cell to cell as in a .NET Interactive kernel. The toolkit assemblies are referenced
// up front (-r) and their folder is on the #r search path (-I).
using FSharp.Compiler.Diagnostics;
using FSharp.Compiler.Interactive;
using Microsoft.FSharp.Core;

namespace Research.Notebooks;

/// <summary>A language kernel: executes cells in order, keeping state between them.</summary>
public interface INotebookKernel : IDisposable
{
    /// <summary>
    /// Runs one cell. Returns the value of a trailing expression (null when there is none, or it is
    /// unit); throws <see cref="CellFailedException"/> when the cell does not compile or throws.
    /// </summary>
    CellValue? Execute(string code, CancellationToken cancellationToken);

    /// <summary>text/plain for a value, formatted the way this language prints values.</summary>
    string FormatPlain(object? value);
}

/// <summary>A cell's result value and its text/plain form.</summary>
public sealed record CellValue(object? Value, string PlainText);

/// <summary>Runs F# cells in an in-process F# Interactive session.</summary>
public sealed class FSharpKernel : INotebookKernel
{
    private readonly Shell.FsiEvaluationSession session;
    private readonly StringWriter sessionOut = new();
    private readonly StringWriter sessionErr = new();

    /// <summary>
    /// Starts a session referencing <paramref name="references"/> with <paramref name="libraryDirectory"/>
    /// on the <c>#r</c> search path.
    /// </summary>
    public FSharpKernel(IReadOnlyList<string> references, string libraryDirectory)
    {
        var args = new List<string> { "fsi.exe", "--noninteractive", "--nologo", "--quiet", "--optimize+", $"-I:{libraryDirectory}" };
        args.AddRange(references
            .Where(r => !Path.GetFileName(r).Equals("FSharp.Core.dll", StringComparison.OrdinalIgnoreCase))
            .Select(r => $"-r:{r}"));
        args.Add($"-r:{typeof(NotebookDisplay).Assembly.Location}");
        var config = Shell.FsiEvaluationSession.GetDefaultConfiguration();
        session = Shell.FsiEvaluationSession.Create(
            config, [.. args], new StringReader(""), sessionOut, sessionErr, FSharpOption<bool>.Some(false), null);
        // `display value` as in .NET Interactive.
        Execute("let display (value: obj) : unit = Research.Notebooks.NotebookDisplay.Display value", CancellationToken.None);
    }

    /// <inheritdoc />
    public CellValue? Execute(string code, CancellationToken cancellationToken)
    {
        var (result, diagnostics) = session.EvalInteractionNonThrowing(code, FSharpOption<CancellationToken>.Some(cancellationToken));
        sessionOut.GetStringBuilder().Clear();
        sessionErr.GetStringBuilder().Clear();
        if (result is FSharpChoice<FSharpOption<Shell.FsiValue>?, Exception>.Choice2Of2 failure)
            throw new CellFailedException(ToError(failure.Item, diagnostics));
        var value = ((FSharpChoice<FSharpOption<Shell.FsiValue>?, Exception>.Choice1Of2)result).Item;
        if (value is null || value.Value.ReflectionType == typeof(Unit))
            return null;
        var fsiValue = value.Value;
        return new CellValue(fsiValue.ReflectionValue, session.FormatValue(fsiValue.ReflectionValue!, fsiValue.ReflectionType));
    }

    /// <inheritdoc />
    public string FormatPlain(object? value) =>
        value is null ? "null" : session.FormatValue(value, value.GetType());

    /// <inheritdoc />
    public void Dispose() => ((IDisposable)session).Dispose();

    /// <summary>
    /// Compile errors become <c>CompilationError</c> with one line per diagnostic; runtime
    /// exceptions keep their type, message and the notebook's frames.
    /// </summary>
    private static ErrorOutput ToError(Exception exception, FSharpDiagnostic[] diagnostics)
    {
        var errors = diagnostics.Where(d => d.Severity.IsError).ToList();
        if (exception is Shell.FsiCompilationException || errors.Count > 0)
        {
            var lines = errors.Select(d => $"({d.StartLine},{d.StartColumn + 1}): error {d.ErrorNumberText}: {d.Message}").ToList();
            if (lines.Count == 0)
                lines.Add(exception.Message);
            return new ErrorOutput("CompilationError", string.Join("\n", lines), lines);
        }
        return KernelErrors.FromException(exception);
    }
}

/// <summary>Shared conversion of a cell's runtime exception to an error output.</summary>
public static class KernelErrors
{
    /// <summary>
    /// ename = exception type, evalue = message, traceback = <c>Exception.ToString()</c> lines up to the
    /// first frame of the hosting machinery (reflection invoke, script
    /// runner), which tell the reader nothing.
    /// </summary>
    public static ErrorOutput FromException(Exception exception)
    {
        var inner = exception is System.Reflection.TargetInvocationException { InnerException: { } e } ? e : exception;
        var traceback = inner.ToString().Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .TakeWhile(l => !IsHostFrame(l))
            .ToList();
        return new ErrorOutput(inner.GetType().FullName ?? inner.GetType().Name, inner.Message, traceback);
    }

    private static bool IsHostFrame(string line)
    {
        var trimmed = line.TrimStart();
        return trimmed.StartsWith("at System.Reflection.", StringComparison.Ordinal)
            || trimmed.StartsWith("at Microsoft.CodeAnalysis.Scripting.", StringComparison.Ordinal)
            || trimmed.StartsWith("at FSharp.Compiler.", StringComparison.Ordinal)
            || trimmed.StartsWith("--- End of stack trace from previous location", StringComparison.Ordinal);
    }
}
