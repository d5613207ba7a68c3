/// Every test project's entry point: Expecto as usual, plus one line per skipped test,
/// `SKIPPED <test name> :: <reason>`, which tests/run.sh counts and, under CI, checks against the
/// allow-list in docs/testing.md.
module TestEntry

open Expecto
open Expecto.Impl

/// The reason of an ignored test on one line (Expecto's pending message, or the skiptest text).
let private reason (summary: TestSummary) =
    match summary.result with
    | Ignored text -> text.Replace('\r', ' ').Replace('\n', ' ')
    | other -> string other

/// Prints the `SKIPPED` lines after the run.
let skipReport =
    Tests.CLIArguments.Append_Summary_Handler(
        SummaryHandler(fun run ->
            for test, summary in run.ignored do
                printfn "SKIPPED %s :: %s" (String.concat "/" test.name) (reason summary)))

/// Runs the assembly's [<Tests>] with the command line and the skip report.
let run (argv: string[]) = Tests.runTestsInAssemblyWithCLIArgs [ skipReport ] argv
