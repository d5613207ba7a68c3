/// The real ALE for tests: the shim and the native reference driver built by native/ale/build.sh
/// (tests/run.sh builds them first; this builds them when missing), and the Tetris ROM in
/// tests/data/roms (tests/Cli.Tests links this file).
module AleTestSupport

open System
open System.Diagnostics
open System.IO
open Expecto
open TestSupport

let romDir () = Path.Combine(repoRoot.Force(), "tests", "data", "roms")
let tetrisRom () = Path.Combine(romDir (), "tetris.bin")

/// Runs a program, returning (exit code, stdout, stderr).
let run (file: string) (args: string list) =
    let psi = ProcessStartInfo(file, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
    for a in args do psi.ArgumentList.Add a
    use p = nonNull (Process.Start psi)
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()
    p.WaitForExit()
    p.ExitCode, out.Result, err.Result

/// Ok (library, reference driver), or Error with why the shim cannot be built here (missing compilers).
let aleBuild : Lazy<Result<string * string, string>> =
    lazy (
        let root = repoRoot.Force()
        let code, out, err = run "bash" [ Path.Combine(root, "native", "ale", "build.sh"); "--quiet" ]
        let library = out.Trim()
        if code = 0 && File.Exists library then Ok(library, Path.Combine(nonNull (Path.GetDirectoryName library), "ale_reference"))
        elif err.Contains "missing" then
            eprintfn "\n*** ALE TESTS SKIPPED: the ALE shim cannot be built on this machine: %s ***\n" (err.Trim())
            Error(err.Trim())
        else failwithf "bash native/ale/build.sh failed (exit %d):\n%s" code err)

/// A test that needs the real ALE: skipped, loudly and with the reason,
/// only when build.sh says compilers are missing.
let aleTest name (body: string -> string -> unit) =
    testCase name (fun () ->
        match aleBuild.Force() with
        | Ok(library, driver) -> body library driver
        | Error why -> skiptestf "ALE shim not buildable here (%s)" why)
