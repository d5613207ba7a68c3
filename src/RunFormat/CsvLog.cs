using System.Globalization;
using CsvHelper;

namespace Research.RunFormat;

/// <summary>
/// One append-only CSV file (docs/run-format.md, "Conventions"): a header line, then one line per row,
/// written by CsvHelper in the project's <see cref="CsvDialect"/>. Numbers are formatted with the invariant
/// culture and round-trip precision so that equal runs give
/// equal bytes. <see cref="Length"/> is what checkpoints record;
/// <see cref="Open"/> with a length truncates the file back to it on resume so no row is duplicated.
/// </summary>
public sealed class CsvLog : IDisposable
{
    readonly FileStream _stream;
    readonly CsvWriter _writer;

    CsvLog(string path, FileStream stream, IReadOnlyList<string> columns)
    {
        Path = path;
        Columns = columns;
        _stream = stream;
        _writer = CsvWriter.Create(stream, CsvDialect.Writer, leaveOpen: true);
    }

    /// <summary>The file.</summary>
    public string Path { get; }
    /// <summary>The header's column names.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>
    /// Opens <paramref name="path"/> for appending. With <paramref name="truncateTo"/> null the file is
    /// created fresh with its header; otherwise it is cut back to
    /// that many bytes (a checkpoint's offset) and appended to.
    /// </summary>
    public static CsvLog Open(string path, IReadOnlyList<string> columns, long? truncateTo = null)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        FileStream stream;
        if (truncateTo is long length)
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            if (stream.Length < length)
                throw new InvalidDataException($"{path} has {stream.Length} bytes but the checkpoint recorded "
                    + $"{length}: the metrics files do not belong to this checkpoint.");
            stream.SetLength(length);
            stream.Seek(0, SeekOrigin.End);
        }
        else stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        var log = new CsvLog(path, stream, columns);
        if (stream.Length == 0)
        {
            foreach (string column in columns) log._writer.WriteField(column);
            log._writer.EndRecord();
        }
        return log;
    }

    /// <summary>Bytes written so far (after flushing buffered rows).</summary>
    public long Length
    {
        get { _writer.Flush(); return _stream.Length; }
    }

    /// <summary>Appends an integer value to the row (a row is
    /// its <c>Add</c> calls, then <see cref="End"/>).</summary>
    public CsvLog Add(long value) => Add(value.ToString(CultureInfo.InvariantCulture));
    /// <summary>Appends a double with round-trip precision (<c>nan</c>/<c>inf</c> spelled as such).</summary>
    public CsvLog Add(double value) => Add(FormatDouble(value));
    /// <summary>Appends a float with round-trip precision.</summary>
    public CsvLog Add(float value) =>
        Add(float.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : FormatDouble(value));
    /// <summary>Appends a text value (quoted when it holds a comma, a quote or a line break).</summary>
    public CsvLog Add(string value) { _writer.WriteField(value); return this; }

    /// <summary>Writes the row.</summary>
    public void End() => _writer.EndRecord();

    /// <summary>Pushes buffered rows to the operating system.</summary>
    public void Flush() => _writer.Flush();

    /// <summary>Round-trip formatting of a double: <c>R</c>,
    /// and <c>nan</c>, <c>inf</c>, <c>-inf</c>.</summary>
    public static string FormatDouble(double value) =>
        double.IsNaN(value) ? "nan" : double.IsPositiveInfinity(value) ? "inf" : double.IsNegativeInfinity(value) ? "-inf"
        : value.ToString("R", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public void Dispose()
    {
        _writer.Dispose();
        _stream.Dispose();
    }
}
