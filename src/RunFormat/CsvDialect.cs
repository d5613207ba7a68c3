using System.Globalization;
using CsvHelper;

namespace Research.RunFormat;

/// <summary>
/// The CSV of every file the project writes and reads (docs/run-format.md, "Conventions"): RFC 4180,
/// comma separated, a field quoted only when it holds a comma, a quote or a line break, <c>\n</c> line
/// ends, UTF-8 without BOM, invariant culture. Written by
/// <see cref="CsvLog"/>, read by Research.Analysis.Csv.
/// </summary>
public static class CsvDialect
{
    /// <summary>Writer options: the bytes <see cref="CsvLog"/> writes depend only on the values.</summary>
    public static readonly CsvWriterOptions Writer = CsvWriterOptions.Default with
    {
        NewLine = "\n",
        Separator = ',',
        Quoting = CsvQuoting.WhenNeeded,
        Injection = CsvInjection.None,
        FormatProvider = CultureInfo.InvariantCulture,
        WriteByteOrderMark = false,
    };

    /// <summary>
    /// Reader options: every record as read (the header too, so that field counts are checked by the reader,
    /// which names the file and line), line numbers tracked, quoted line breaks allowed.
    /// </summary>
    public static readonly CsvReaderOptions Reader = CsvReaderOptions.Default with
    {
        Separator = ',',
        HasHeader = false,
        TrackLineNumbers = true,
        SkipEmptyLines = false,
        AllowLineBreaksInQuotes = true,
        FieldCountMismatch = CsvFieldCountHandling.Allow,
        MalformedData = CsvMalformedDataHandling.Recover,
        FormatProvider = CultureInfo.InvariantCulture,
    };
}
