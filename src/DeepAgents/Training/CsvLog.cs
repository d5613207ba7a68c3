using System.Globalization;
using System.Text;

namespace Research.DeepAgents.Training;

/// <summary>
/// One append-only CSV file of a run (docs/run-format.md): a header line, then one line per row, values
/// formatted with the invariant culture and round-trip precision so that equal runs give equal bytes.
/// <see cref="Length"/> is what checkpoints record; <see cref="Open"/> with a length truncates the file
/// back to it on resume so no row is duplicated.
/// </summary>
public sealed class CsvLog : IDisposable
{
    readonly FileStream _stream;
    readonly StreamWriter _writer;
    readonly StringBuilder _line = new();

    CsvLog(string path, FileStream stream, IReadOnlyList<string> columns)
    {
        Path = path;
        Columns = columns;
        _stream = stream;
        _writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
    }

    /// <summary>The file.</summary>
    public string Path { get; }
    /// <summary>The header's column names.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>
    /// Opens <paramref name="path"/> for appending. With <paramref name="truncateTo"/> null the file is created
    /// fresh with its header; otherwise it is cut back to that many bytes (a checkpoint's offset) and appended to.
    /// </summary>
    public static CsvLog Open(string path, IReadOnlyList<string> columns, long? truncateTo = null)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        FileStream stream;
        if (truncateTo is long length)
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            if (stream.Length < length)
                throw new InvalidDataException($"{path} has {stream.Length} bytes but the checkpoint recorded {length}: the metrics files do not belong to this checkpoint.");
            stream.SetLength(length);
            stream.Seek(0, SeekOrigin.End);
        }
        else stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        var log = new CsvLog(path, stream, columns);
        if (stream.Length == 0)
        {
            log._writer.Write(string.Join(',', columns));
            log._writer.Write('\n');
        }
        return log;
    }

    /// <summary>Bytes written so far (after flushing buffered rows).</summary>
    public long Length
    {
        get { _writer.Flush(); return _stream.Length; }
    }

    /// <summary>Starts a row; add values with the <c>Add</c> methods and finish with <see cref="End"/>.</summary>
    public CsvLog Begin() { _line.Clear(); return this; }
    /// <summary>Appends an integer value.</summary>
    public CsvLog Add(long value) { Sep(); _line.Append(value.ToString(CultureInfo.InvariantCulture)); return this; }
    /// <summary>Appends a double with round-trip precision (<c>nan</c>/<c>inf</c> spelled as such).</summary>
    public CsvLog Add(double value) { Sep(); _line.Append(FormatDouble(value)); return this; }
    /// <summary>Appends a float with round-trip precision.</summary>
    public CsvLog Add(float value) { Sep(); _line.Append(float.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : FormatDouble(value)); return this; }
    /// <summary>Appends a text value (must not contain commas, quotes or newlines).</summary>
    public CsvLog Add(string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\n\r") >= 0) throw new ArgumentException($"CSV value '{value}' contains a separator.", nameof(value));
        Sep(); _line.Append(value); return this;
    }

    /// <summary>Writes the row.</summary>
    public void End()
    {
        _line.Append('\n');
        _writer.Write(_line);
        _line.Clear();
    }

    /// <summary>Pushes buffered rows to the operating system.</summary>
    public void Flush() => _writer.Flush();

    /// <summary>Round-trip formatting of a double: <c>R</c>, and <c>nan</c>, <c>inf</c>, <c>-inf</c>.</summary>
    public static string FormatDouble(double value) =>
        double.IsNaN(value) ? "nan" : double.IsPositiveInfinity(value) ? "inf" : double.IsNegativeInfinity(value) ? "-inf"
        : value.ToString("R", CultureInfo.InvariantCulture);

    void Sep() { if (_line.Length > 0) _line.Append(','); }

    /// <inheritdoc />
    public void Dispose()
    {
        _writer.Flush();
        _writer.Dispose();
    }
}
