/// Reading the project's CSV files (run metrics, planning outputs; written by Research.RunFormat.CsvLog):
/// RFC 4180 fields split by CsvHelper, a header line, `\n` line ends. A last line without its `\n` is a
/// row still being written by a run in progress and is ignored; every other defect is an error naming
/// the file, the line and the column.
module Research.Analysis.Csv

open System
open System.Globalization
open System.IO
open System.Text
open CsvHelper

/// One data line: its 1-based line number in the file and its fields.
type Row = { Line: int; Fields: string[] }

/// A parsed file: header names and the complete data rows.
type Table =
    { Path: string
      Header: string[]
      Rows: Row[]
      /// True when the file ended in the middle of a line (that partial line was dropped).
      Partial: bool }

/// Raised for malformed files; the message names the file, line and column.
exception CsvFormatError of string
    with override this.Message = this.Data0

let private fail fmt = Printf.kprintf (fun s -> raise (CsvFormatError s)) fmt

/// The records of UTF-8 `bytes` (CsvHelper does the RFC 4180 splitting), each with its first line number,
/// and whether an unterminated last record (no final `\n`) was dropped.
let private records (bytes: byte[]) =
    let result = ResizeArray<Row>()
    use reader = CsvReader.Create(bytes, Research.RunFormat.CsvDialect.Reader)
    while reader.Read() do
        result.Add { Line = int reader.LineNumber; Fields = Array.init reader.FieldCount reader.GetString }
    let partial = bytes.Length > 0 && bytes[bytes.Length - 1] <> byte '\n'
    if partial && result.Count > 0 then result.RemoveAt(result.Count - 1)
    result.ToArray(), partial

/// Parses CSV bytes (the path is only used in messages).
let private parseBytes (path: string) (bytes: byte[]) : Table =
    let rows, partial = records bytes
    if rows.Length = 0 then
        { Path = path; Header = [||]; Rows = [||]; Partial = partial }
    else
        let header = rows[0].Fields
        let data = rows[1..]
        for r in data do
            if r.Fields.Length <> header.Length then
                fail "%s, line %d: %d fields, the header has %d (%s)" path r.Line r.Fields.Length header.Length (String.Join(",", header))
        { Path = path; Header = header; Rows = data; Partial = partial }

/// Parses CSV text (the path is only used in messages).
let parse (path: string) (text: string) : Table = parseBytes path (UTF8Encoding(false).GetBytes text)

/// Reads a CSV file; a missing file is an error naming it.
let read (path: string) : Table =
    if not (File.Exists path) then fail "%s: file not found" path
    // FileShare.ReadWrite: a training process may be appending to the file right now.
    use stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite ||| FileShare.Delete)
    use bytes = new MemoryStream()
    stream.CopyTo bytes
    parseBytes path (bytes.ToArray())

/// Reads a CSV file, or an empty table when the file does not exist (metrics not written yet).
let readOptional (path: string) : Table =
    if File.Exists path then read path else { Path = path; Header = [||]; Rows = [||]; Partial = false }

/// Index of a column; when the table has rows, a missing column is an error listing the header.
let columnIndex (table: Table) (name: string) =
    match Array.tryFindIndex ((=) name) table.Header with
    | Some i -> i
    | None when table.Header.Length = 0 -> -1
    | None -> fail "%s: no column '%s' (columns: %s)" table.Path name (String.Join(",", table.Header))

/// Parses a number written by the project: invariant culture,
/// `nan`, `inf`, `-inf` (also .NET's `NaN`, `Infinity`).
let tryParseFloat (text: string) =
    match text.Trim() with
    | "nan" | "NaN" -> Some nan
    | "inf" | "+inf" | "Infinity" | "+Infinity" -> Some infinity
    | "-inf" | "-Infinity" -> Some -infinity
    | t ->
        match Double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture) with
        | true, v -> Some v
        | _ -> None

/// A column accessor: `get row` returns the parsed field or raises naming file, line, column and value.
let floatColumn (table: Table) (name: string) : Row -> float =
    let i = columnIndex table name
    fun row ->
        match tryParseFloat row.Fields[i] with
        | Some v -> v
        | None -> fail "%s, line %d, column '%s': '%s' is not a number" table.Path row.Line name row.Fields[i]

/// An integer column accessor (64-bit), with the same error convention.
let int64Column (table: Table) (name: string) : Row -> int64 =
    let i = columnIndex table name
    fun row ->
        match Int64.TryParse(row.Fields[i].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture) with
        | true, v -> v
        | _ -> fail "%s, line %d, column '%s': '%s' is not an integer" table.Path row.Line name row.Fields[i]

/// An int column accessor.
let intColumn (table: Table) (name: string) : Row -> int =
    let get = int64Column table name
    fun row ->
        let v = get row
        if v < int64 Int32.MinValue || v > int64 Int32.MaxValue then
            fail "%s, line %d, column '%s': %d is out of the int range" table.Path row.Line name v
        int v

/// A text column accessor.
let stringColumn (table: Table) (name: string) : Row -> string =
    let i = columnIndex table name
    fun row -> row.Fields[i]

/// A 0/1 column accessor (also `true`/`false`).
let boolColumn (table: Table) (name: string) : Row -> bool =
    let i = columnIndex table name
    fun row ->
        match row.Fields[i].Trim().ToLowerInvariant() with
        | "1" | "true" -> true
        | "0" | "false" -> false
        | v -> fail "%s, line %d, column '%s': '%s' is not 0 or 1" table.Path row.Line name v
