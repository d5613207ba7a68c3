// C# cells: Roslyn scripting. The first cell starts a script, later cells continue it
// (ScriptState.ContinueWithAsync), so variables and methods carry across C# cells. References: the
// framework assemblies of the running runtime, the toolkit assemblies and FSharp.Core.
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Scripting.Hosting;
using Microsoft.CodeAnalysis.Scripting;

namespace Research.Notebooks;

/// <summary>Members every C# cell can use directly (the script's globals).</summary>
public sealed class CSharpNotebookGlobals
{
    /// <summary>
    /// Shows <paramref name="value"/> as a display_data output of the running
    /// cell, like .NET Interactive's <c>display</c>.
    /// </summary>
#pragma warning disable IDE1006 // lower-case on purpose: the .NET Interactive name
    public void display(object? value) => NotebookDisplay.Display(value);
#pragma warning restore IDE1006
}

/// <summary>Runs C# cells with Roslyn scripting, state carried across cells.</summary>
public sealed class CSharpKernel(IReadOnlyList<string> references) : INotebookKernel
{
    private static readonly string[] Imports =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Text", "System.Threading.Tasks"];

    private readonly ScriptOptions options = ScriptOptions.Default
        .WithReferences(FrameworkAssemblies().Concat(references).Append(typeof(CSharpNotebookGlobals).Assembly.Location)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(path => MetadataReference.CreateFromFile(path)))
        .WithImports(Imports)
        .WithEmitDebugInformation(true);

    private readonly CSharpNotebookGlobals globals = new();
    private ScriptState<object>? state;

    /// <inheritdoc />
    public CellValue? Execute(string code, CancellationToken cancellationToken)
    {
        try
        {
            state = state is null
                ? CSharpScript.RunAsync(code, options, globals, typeof(CSharpNotebookGlobals), cancellationToken).GetAwaiter().GetResult()
                : state.ContinueWithAsync(code, options, cancellationToken).GetAwaiter().GetResult();
        }
        catch (CompilationErrorException e)
        {
            var lines = e.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
            throw new CellFailedException(new ErrorOutput("CompilationError", string.Join("\n", lines), lines));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new CellFailedException(KernelErrors.FromException(e));
        }
        // A trailing expression without ';' is the cell's value; statements have none.
        return HasTrailingValue(state.Script.GetCompilation()) ? new CellValue(state.ReturnValue, FormatPlain(state.ReturnValue)) : null;
    }

    /// <summary>True when the submission ends in an expression without ';' whose type is not void.</summary>
    private static bool HasTrailingValue(Compilation compilation)
    {
        var tree = compilation.SyntaxTrees.Last();
        if (tree.GetRoot() is not CompilationUnitSyntax { Members: [.., GlobalStatementSyntax { Statement: ExpressionStatementSyntax statement }] }
            || !statement.SemicolonToken.IsMissing)
            return false;
        var type = compilation.GetSemanticModel(tree).GetTypeInfo(statement.Expression).Type;
        return type is not null && type.SpecialType != SpecialType.System_Void;
    }

    /// <inheritdoc />
    public string FormatPlain(object? value) => CSharpObjectFormatter.Instance.FormatObject(value);

    /// <inheritdoc />
    public void Dispose() => state = null;

    /// <summary>
    /// The managed assemblies of the running .NET runtime (System.*,
    /// netstandard, mscorlib, Microsoft.CSharp).
    /// </summary>
    private static IEnumerable<string> FrameworkAssemblies()
    {
        var runtime = RuntimeEnvironment.GetRuntimeDirectory();
        return Directory.GetFiles(runtime, "*.dll")
            .Where(path =>
            {
                var name = Path.GetFileName(path);
                return name.StartsWith("System.", StringComparison.Ordinal) || name is "netstandard.dll" or "mscorlib.dll" or "Microsoft.CSharp.dll";
            })
            .Where(IsManaged);
    }

    private static bool IsManaged(string path)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
