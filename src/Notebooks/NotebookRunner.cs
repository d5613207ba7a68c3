// Headless execution of one notebook: inject parameters, run code cells in order (F# and C# kernels
// started on first use, one of each per notebook), stop at the first failing cell, and write the
// executed copy (<out>/<name>.ipynb) and the HTML export (<out>/<name>.html) either way.
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Research.Notebooks;

/// <summary>How to run notebooks.</summary>
/// <param name="OutputDirectory">Where the executed copy and the HTML export go.</param>
/// <param name="Parameters">Papermill-style values for names assigned in
/// the cell tagged <c>parameters</c>.</param>
public sealed record NotebookRunOptions(string OutputDirectory, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>
    /// Folder of the toolkit assemblies sessions reference; default: the folder of prox.dll.
    /// </summary>
    public string? LibraryDirectory { get; init; }
}

/// <summary>The first failing cell of a run.</summary>
/// <param name="Cell">1-based position among all cells of the source notebook (markdown included, the
/// injected parameters cell not counted); for a failure in the injected cell, the
/// parameters cell's position.</param>
/// <param name="CodeCell">1-based position among the source notebook's
/// code cells (0 for the injected cell).</param>
/// <param name="Language">The cell's language.</param>
/// <param name="Injected">True when the injected parameters cell failed.</param>
/// <param name="Error">The error output written to the executed copy.</param>
public sealed record NotebookFailure(int Cell, int CodeCell, string Language, bool Injected, ErrorOutput Error)
{
    /// <summary>
    /// "cell 5 (code cell 3, fsharp)" or "the injected-parameters cell (after cell 2, fsharp)".
    /// </summary>
    public string Where => Injected
        ? $"the {NotebookParameters.InjectedTag} cell (after cell {Cell}, {Language})"
        : $"cell {Cell} (code cell {CodeCell}, {Language})";
}

/// <summary>What a run did and wrote.</summary>
public sealed record NotebookRunResult(
    string NotebookPath, string ExecutedPath, string HtmlPath, int CodeCellsRun, TimeSpan Elapsed, NotebookFailure? Failure)
{
    /// <summary>True when every code cell ran without error.</summary>
    public bool Succeeded => Failure is null;

    /// <summary>One line for the console: the notebook, and the failing cell with its error.</summary>
    public string Message => Failure is { } f
        ? $"{NotebookPath}: {f.Where} failed: {f.Error.Summary}"
        : $"{NotebookPath}: {CodeCellsRun} code cells ran in {Elapsed.TotalSeconds:F1} s -> {ExecutedPath}, {HtmlPath}";
}

/// <summary>Runs notebooks headless.</summary>
public static class NotebookRunner
{
    /// <summary>
    /// Tag of cells that only an interactive kernel runs (e.g. <c>#r</c> lines
    /// pointing at the build output); skipped headless.
    /// </summary>
    public const string InteractiveOnlyTag = "interactive-only";

    /// <summary>
    /// Loads <paramref name="notebookPath"/> and checks <paramref name="parameters"/> against its
    /// parameters cell; returns the copy to execute (parameters injected, outputs cleared) and the index
    /// of the injected cell (-1 if none). Throws <see cref="NotebookParameterException"/> for unknown or
    /// ill-typed parameters and <see cref="InvalidDataException"/> for a malformed notebook.
    /// </summary>
    public static (Notebook Executable, int InjectedIndex) Prepare(string notebookPath, IReadOnlyDictionary<string, string> parameters)
    {
        var source = Notebook.Load(notebookPath);
        var resolved = NotebookParameters.Resolve(source, notebookPath, parameters);
        var executable = source.Clone();
        int injected = NotebookParameters.Inject(executable, resolved);
        foreach (var cell in executable.Cells.Cast<JsonObject>().Where(c => Notebook.CellType(c) == "code"))
        {
            cell["outputs"] = new JsonArray();
            cell["execution_count"] = null;
        }
        return (executable, injected);
    }

    /// <summary>The executed copy's path for a notebook: <c>&lt;out&gt;/&lt;file name&gt;</c>.</summary>
    public static string ExecutedPath(string notebookPath, string outputDirectory) =>
        Path.Combine(outputDirectory, Path.GetFileName(notebookPath));

    /// <summary>
    /// Runs every code cell of <paramref name="notebookPath"/> in order and writes the executed copy and
    /// the HTML export, also when a cell fails (cells after it keep no outputs). Parameter errors throw
    /// before anything runs (see <see cref="Prepare"/>).
    /// </summary>
    public static NotebookRunResult Run(string notebookPath, NotebookRunOptions options, CancellationToken cancellationToken = default)
    {
        var (notebook, injectedIndex) = Prepare(notebookPath, options.Parameters);
        var libraryDirectory = options.LibraryDirectory ?? ToolkitAssemblies.DefaultDirectory;
        var references = ToolkitAssemblies.Find(libraryDirectory);
        var executedPath = ExecutedPath(notebookPath, options.OutputDirectory);
        var htmlPath = Path.ChangeExtension(executedPath, ".html");
        Directory.CreateDirectory(options.OutputDirectory);

        var clock = Stopwatch.StartNew();
        var display = new ValueDisplay();
        var kernels = new Dictionary<string, INotebookKernel>();
        var environment = new[] { ("PROX_NOTEBOOK", Path.GetFullPath(notebookPath)), ("PROX_NOTEBOOK_OUT", Path.GetFullPath(options.OutputDirectory)) }
            .Select(v => (v.Item1, Previous: Environment.GetEnvironmentVariable(v.Item1), Value: v.Item2)).ToList();
        foreach (var (name, _, value) in environment)
            Environment.SetEnvironmentVariable(name, value);

        NotebookFailure? failure = null;
        int executionCount = 0, cellNumber = 0, codeCellNumber = 0;
        try
        {
            for (int i = 0; i < notebook.Cells.Count && failure is null; i++)
            {
                var cell = (JsonObject)notebook.Cells[i]!;
                bool injected = i == injectedIndex;
                if (!injected)
                    cellNumber++;
                if (Notebook.CellType(cell) != "code")
                    continue;
                if (!injected)
                    codeCellNumber++;
                if (Notebook.HasTag(cell, InteractiveOnlyTag))
                    continue;
                var language = notebook.CellLanguage(cell);
                var code = CellLanguages.StripMagic(Notebook.Source(cell));
                if (string.IsNullOrWhiteSpace(code))
                    continue;
                cell["execution_count"] = ++executionCount;
                var (outputs, error) = Execute(kernels, language, code, references, libraryDirectory, display, executionCount, cancellationToken);
                cell["outputs"] = new JsonArray(outputs.Select(o => (JsonNode?)o.ToJson()).ToArray());
                if (error is not null)
                    failure = new NotebookFailure(cellNumber, injected ? 0 : codeCellNumber, language, injected, error);
            }
        }
        finally
        {
            foreach (var kernel in kernels.Values)
                kernel.Dispose();
            foreach (var (name, previous, _) in environment)
                Environment.SetEnvironmentVariable(name, previous);
        }

        clock.Stop();
        var metadata = notebook.Root["metadata"] as JsonObject ?? [];
        notebook.Root["metadata"] = metadata;
        metadata["prox"] = new JsonObject
        {
            ["source"] = notebookPath,
            ["status"] = failure is null ? "ok" : "failed",
            ["failed_cell"] = failure?.Where,
            ["parameters"] = new JsonObject(options.Parameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["duration_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
        };
        notebook.Save(executedPath);
        File.WriteAllText(htmlPath, NotebookHtml.Render(notebook, Path.GetFileNameWithoutExtension(notebookPath)));
        Katex.CopyTo(Path.GetDirectoryName(htmlPath)!);
        return new NotebookRunResult(notebookPath, executedPath, htmlPath, executionCount, clock.Elapsed, failure);
    }

    private static (IReadOnlyList<CellOutput> Outputs, ErrorOutput? Error) Execute(
        Dictionary<string, INotebookKernel> kernels, string language, string code, IReadOnlyList<string> references,
        string libraryDirectory, ValueDisplay display, int executionCount, CancellationToken cancellationToken)
    {
        if (language is not (CellLanguages.FSharp or CellLanguages.CSharp))
        {
            var error = new ErrorOutput("UnsupportedLanguage",
                $"cells in '{language}' cannot run headless; allowed: {CellLanguages.FSharp}, {CellLanguages.CSharp} (or tag the cell '{InteractiveOnlyTag}')", []);
            return ([error], error);
        }
        if (!kernels.TryGetValue(language, out var kernel))
        {
            kernel = language == CellLanguages.FSharp ? new FSharpKernel(references, libraryDirectory) : new CSharpKernel(references);
            kernels[language] = kernel;
        }
        using var capture = OutputCapture.Begin(display, kernel.FormatPlain);
        try
        {
            var value = kernel.Execute(code, cancellationToken);
            var outputs = capture.Outputs.ToList();
            if (value is not null)
                outputs.Add(new DisplayOutput(display.Bundle(value.Value, value.PlainText), executionCount));
            return (outputs, null);
        }
        catch (CellFailedException e)
        {
            return ([.. capture.Outputs, e.Error], e.Error);
        }
    }
}
