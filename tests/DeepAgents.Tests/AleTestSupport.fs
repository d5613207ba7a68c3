/// The real ALE for tests: the shim and the native reference driver built by native/ale/build.sh
/// (tests/run.sh builds them first; this builds them when missing), and the Tetris ROM in
/// tests/data/roms (tests/Cli.Tests links this file).
module AleTestSupport

open System
open System.IO
open Expecto
open Research.DeepAgents.Environments.Atari
open TestSupport

let romDir () = Path.Combine(repoRoot.Force(), "tests", "data", "roms")
let tetrisRom () = Path.Combine(romDir (), "tetris.bin")

/// Runs a program in the current folder, returning (exit code, stdout, stderr).
let run (file: string) (args: string list) = runIn null file args

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

/// FNV-1a, 64 bits (as the driver): offset basis 14695981039346656037, prime 1099511628211.
let fnv1a (bytes: byte[]) =
    let mutable h = 14695981039346656037UL
    for b in bytes do h <- (h ^^^ uint64 b) * 1099511628211UL
    h

/// One line of the native driver's trace.
type TraceLine =
    | Frame of index: int * action: int * reward: int * lives: int * over: bool * gray: uint64 * rgb: uint64
    | Reset

/// The driver's output: one Frame per emulated frame, Reset after each game over.
let parseTrace (out: string) =
    [| for line in out.Split('\n', StringSplitOptions.RemoveEmptyEntries) do
           match line.Split ' ' with
           | [| "reset" |] -> Reset
           | [| "frame"; n; a; r; l; o; g; c |] ->
               Frame(int n, int a, int r, int l, (o = "1"), Convert.ToUInt64(g, 16), Convert.ToUInt64(c, 16))
           | _ -> failtestf "unexpected driver line '%s'" line |]

/// Runs the driver on Tetris for `frames` frames from `seed` with `extra` arguments:
/// (exit code, trace, stderr).
let driverTrace driver (frames: int) (seed: int) (extra: string list) =
    let code, out, err = run driver ([ tetrisRom (); "--frames"; string frames; "--seed"; string seed ] @ extra)
    code, parseTrace out, err

/// Plays one trace line on an emulator and fails at the first difference.
let replayLine (emulator: NativeAleEmulator) (gray: byte[]) (rgb: byte[]) (label: string) line =
    match line with
    | Reset -> emulator.ResetGame()
    | Frame(n, action, reward, lives, over, grayHash, rgbHash) ->
        let r = emulator.Act action
        emulator.GetScreenGrayscale(Span gray)
        emulator.GetScreenRgb(Span rgb)
        let got = (r, emulator.Lives, emulator.GameOver, fnv1a gray, fnv1a rgb)
        let expected = (reward, lives, over, grayHash, rgbHash)
        if got <> expected then failtestf "%s: frame %d differs from native ALE: got %A, native %A" label n got expected
