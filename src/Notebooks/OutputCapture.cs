// Per-cell capture of stdout, stderr and displayed values.
//
// F# `printfn` and C# `Console.WriteLine` write to the process-wide Console.Out. The first capture
// replaces Console.Out/Error (once per process) with writers that send text to the capture of the
// current async flow (an AsyncLocal), and everything else to the original console. So a cell's
// output, including output from tasks it starts, lands in that cell, while other threads of the
// process (a host's logging, parallel tests) still reach the real console.
using System.Text;

namespace Research.Notebooks;

/// <summary>
/// The outputs one cell produced so far, in order; active for the current
/// async flow between <see cref="Begin"/> and Dispose.
/// </summary>
public sealed class OutputCapture : IDisposable
{
    private static readonly AsyncLocal<OutputCapture?> Active = new();
    private static readonly Lock InstallLock = new();
    private static bool installed;

    private readonly List<CellOutput> outputs = [];
    private readonly Lock gate = new();
    private readonly ValueDisplay display;
    private readonly Func<object?, string> formatPlain;
    private readonly OutputCapture? previous;

    private OutputCapture(ValueDisplay display, Func<object?, string> formatPlain)
    {
        this.display = display;
        this.formatPlain = formatPlain;
        previous = Active.Value;
    }

    /// <summary>The capture of the current async flow, if a cell is executing.</summary>
    public static OutputCapture? Current => Active.Value;

    /// <summary>
    /// Starts capturing for the current async flow. <paramref name="formatPlain"/> renders values given
    /// to <see cref="NotebookDisplay.Display"/> as text/plain in the cell's language.
    /// </summary>
    public static OutputCapture Begin(ValueDisplay display, Func<object?, string> formatPlain)
    {
        InstallRouting();
        var capture = new OutputCapture(display, formatPlain);
        Active.Value = capture;
        return capture;
    }

    /// <summary>The outputs so far (streams merged where consecutive).</summary>
    public IReadOnlyList<CellOutput> Outputs
    {
        get { lock (gate) return [.. outputs]; }
    }

    /// <summary>Appends stream text, merging with a directly preceding chunk of the same stream.</summary>
    public void Write(string stream, string text)
    {
        if (text.Length == 0)
            return;
        lock (gate)
        {
            if (outputs.Count > 0 && outputs[^1] is StreamOutput last && last.Name == stream)
                outputs[^1] = last with { Text = last.Text + text };
            else
                outputs.Add(new StreamOutput(stream, text));
        }
    }

    /// <summary>Adds a display_data output for <paramref name="value"/>.</summary>
    public void Display(object? value)
    {
        var bundle = display.Bundle(value, formatPlain(value));
        lock (gate) outputs.Add(new DisplayOutput(bundle, null));
    }

    /// <summary>Stops capturing (restores the capture that was active before, if any).</summary>
    public void Dispose() => Active.Value = previous;

    private static void InstallRouting()
    {
        lock (InstallLock)
        {
            if (installed)
                return;
            Console.SetOut(new RoutingWriter(Console.Out, "stdout"));
            Console.SetError(new RoutingWriter(Console.Error, "stderr"));
            installed = true;
        }
    }

    /// <summary>
    /// Sends writes to the current cell's capture, or to the original console when no cell runs in this flow.
    /// </summary>
    private sealed class RoutingWriter(TextWriter original, string stream) : TextWriter
    {
        public override Encoding Encoding => original.Encoding;

        public override void Write(char value) => Route(value.ToString());

        public override void Write(string? value) => Route(value ?? "");

        public override void Write(char[] buffer, int index, int count) => Route(new string(buffer, index, count));

        public override void WriteLine(string? value) => Route((value ?? "") + NewLine);

        public override void Flush()
        {
            if (Current is null)
                original.Flush();
        }

        private void Route(string text)
        {
            if (Current is { } capture)
                capture.Write(stream, text);
            else
                lock (original) original.Write(text);
        }
    }
}

/// <summary>
/// What notebooks call to show a value mid-cell, like .NET Interactive's <c>display</c>: F# cells get
/// <c>display : obj -> unit</c> and C# cells <c>display(object)</c>, both forwarding here.
/// </summary>
public static class NotebookDisplay
{
    /// <summary>
    /// Adds a display_data output (text/plain, and text/html for a Plotly.NET chart) to
    /// the running cell; prints the value when no cell runs.
    /// </summary>
    public static void Display(object? value)
    {
        if (OutputCapture.Current is { } capture)
            capture.Display(value);
        else
            Console.WriteLine(value);
    }
}
