/// The real ALE 0.12 through the shim (docs/atari.md, "Verified against native ALE"): NativeAleEmulator frame
/// for frame against the native reference driver (native/ale/ale_reference.cpp, the same ALE build), a
/// save-state / restore round trip, AtariPreprocessing on real Tetris frames against values computed here
/// from the raw frames, and the errors (wrong ROM, missing ROM, unknown game, bad
/// action) that must never end the process.
module AleConformanceTests

open System
open System.Diagnostics
open System.IO
open System.Runtime.InteropServices
open System.Security.Cryptography
open Expecto
open Research.DeepAgents.Environments
open Research.DeepAgents.Environments.Atari
open Research.Random
open AleTestSupport

let private H, W = IAtariEmulator.ScreenHeight, IAtariEmulator.ScreenWidth

/// The driver's trace; fails when the driver does.
let private reference driver frames seed =
    let code, trace, err = driverTrace driver frames seed []
    if code <> 0 then failtestf "ale_reference failed (%d): %s" code err
    trace

let private loaded library =
    let e = new NativeAleEmulator(library)
    e.LoadRom(tetrisRom (), 0)
    e

// ---- AtariPreprocessing computed independently from raw frames -------------------------------------------

/// Exact area average 210x160 -> 84x84: source pixel k spans [k*84, (k+1)*84), destination pixel j spans
/// [j*src, (j+1)*src); the value sum(overlap_y * overlap_x * pixel) / (210*160), rounded half to even.
let private overlaps src dst =
    Array.init dst (fun j ->
        [| for k in 0 .. src - 1 do
               let o = min ((k + 1) * dst) ((j + 1) * src) - max (k * dst) (j * src)
               if o > 0 then k, int64 o |])

let private rowsOverlap, colsOverlap = overlaps H 84, overlaps W 84

let private areaResize (screen: byte[]) =
    let d = int64 (H * W)
    Array.init (84 * 84) (fun i ->
        let mutable total = 0L
        for (y, oy) in rowsOverlap[i / 84] do
            for (x, ox) in colsOverlap[i % 84] do
                total <- total + oy * ox * int64 screen[y * W + x]
        let q, r = total / d, total % d
        byte (if 2L * r > d || (2L * r = d && q % 2L = 1L) then q + 1L else q))

[<UnmanagedFunctionPointer(CallingConvention.Cdecl)>]
type Create = delegate of byref<nativeint> -> int
[<UnmanagedFunctionPointer(CallingConvention.Cdecl)>]
type Load = delegate of nativeint * nativeint * int * int * int -> int
[<UnmanagedFunctionPointer(CallingConvention.Cdecl)>]
type Act = delegate of nativeint * int * nativeint -> int
[<UnmanagedFunctionPointer(CallingConvention.Cdecl)>]
type Destroy = delegate of nativeint -> unit
[<UnmanagedFunctionPointer(CallingConvention.Cdecl)>]
type LastError = delegate of nativeint * int -> int

let private errorTests =
    [
        aleTest "a wrong file under a game's name is refused in well under a second, naming game, MD5s and the source" (fun library _ ->
            let dir = Directory.CreateTempSubdirectory("roms-").FullName
            try
                let bytes = Array.init 2048 (fun i -> byte ((i * 7919) % 251))
                let path = Path.Combine(dir, "breakout.bin")
                File.WriteAllBytes(path, bytes)
                use emulator = new NativeAleEmulator(library)
                let clock = Stopwatch.StartNew()
                let e = try emulator.LoadRom(path, 0); failtest "loaded a wrong ROM" with :? InvalidDataException as e -> e
                Expect.isLessThan clock.Elapsed.TotalSeconds 1.0 "refused quickly (the ALE itself would hang)"
                let found = Convert.ToHexStringLower(MD5.HashData bytes)
                let expected = nonNull (emulator.ExpectedMd5 "breakout")
                for part in [ path; "breakout"; found; expected; "ale-py"; "licences" ] do
                    Expect.stringContains e.Message part "the message"
                File.Copy(tetrisRom (), Path.Combine(dir, "pong.bin"))
                let e = try emulator.LoadRom(Path.Combine(dir, "pong.bin"), 0); failtest "loaded tetris as pong" with :? InvalidDataException as e -> e
                Expect.stringContains e.Message "holds the ALE's tetris, not pong" "names both games"
                // The emulator is still usable after the refusals.
                emulator.LoadRom(tetrisRom (), 0)
                Expect.equal (emulator.Act 0) 0 "plays"
            finally
                Directory.Delete(dir, true))

        aleTest "a missing ROM, an unknown game and a bad action are errors, not exits" (fun library _ ->
            use emulator = new NativeAleEmulator(library)
            let missing = Path.Combine(Path.GetTempPath(), "no-such-dir", "tetris.bin")
            let e = try emulator.LoadRom(missing, 0); failtest "loaded" with :? FileNotFoundException as e -> e
            Expect.stringContains e.Message missing "names the file"
            let e = try AtariEnvironment.Create("atari:no_such_game", atari = AtariOptions(AleLibrary = library, RomDirectory = romDir ())) |> ignore; failtest "created"
                    with :? ArgumentException as e -> e
            Expect.stringContains e.Message "has no game 'no_such_game'" "unknown game"
            let e = try AtariEnvironment.Create("atari:breakout", atari = AtariOptions(AleLibrary = library, RomDirectory = romDir ())) |> ignore; failtest "created"
                    with :? FileNotFoundException as e -> e
            Expect.stringContains e.Message (Path.Combine(romDir (), "breakout.bin")) "missing ROM of a known game"
            emulator.LoadRom(tetrisRom (), 0)
            for bad in [ -1; 18; 40 ] do
                let e = try emulator.Act bad |> ignore; failtest "acted" with :? ArgumentOutOfRangeException as e -> e
                Expect.stringContains e.Message "0..17" "range"
            Expect.equal (emulator.Act 0) 0 "still plays")

        aleTest "the shim itself refuses what would end the process inside the ALE" (fun library _ ->
            // Straight through the C surface, without NativeAleEmulator's own checks.
            let handle = NativeLibrary.Load library
            try
                let fn name = NativeLibrary.GetExport(handle, name)
                let create = Marshal.GetDelegateForFunctionPointer<Create>(fn "prox_ale_create")
                let load = Marshal.GetDelegateForFunctionPointer<Load>(fn "prox_ale_load")
                let act = Marshal.GetDelegateForFunctionPointer<Act>(fn "prox_ale_act")
                let destroy = Marshal.GetDelegateForFunctionPointer<Destroy>(fn "prox_ale_destroy")
                let lastError = Marshal.GetDelegateForFunctionPointer<LastError>(fn "prox_ale_last_error")
                let message () =
                    let buffer = Marshal.AllocHGlobal 1024
                    try lastError.Invoke(buffer, 1024) |> ignore; nonNull (Marshal.PtrToStringUTF8 buffer)
                    finally Marshal.FreeHGlobal buffer
                let utf8 (text: string) = Marshal.StringToCoTaskMemUTF8 text
                let loadPath ale (path: string) mode =
                    let p = utf8 path
                    try load.Invoke(ale, p, 0, mode, -1) finally Marshal.FreeCoTaskMem p
                let mutable ale = 0n
                Expect.equal (create.Invoke(&ale)) 0 "created"
                let reward = Marshal.AllocHGlobal 4
                try
                    Expect.equal (act.Invoke(ale, 0, reward)) 1 "act before load"
                    Expect.stringContains (message ()) "no ROM loaded" "message"
                    Expect.equal (loadPath ale "/no/such/rom.bin" -1) 1 "missing ROM"
                    Expect.stringContains (message ()) "does not exist" "message"
                    let junk = Path.GetTempFileName()
                    File.WriteAllBytes(junk, Array.create 4096 0xEAuy)
                    Expect.equal (loadPath ale junk -1) 1 "unsupported ROM"
                    Expect.stringContains (message ()) "not a ROM the ALE supports" "message"
                    File.Delete junk
                    Expect.equal (loadPath ale (tetrisRom ()) 99) 1 "unavailable mode"
                    Expect.stringContains (message ()) "Invalid game mode" "message"
                    destroy.Invoke ale
                    Expect.equal (create.Invoke(&ale)) 0 "created again"
                    Expect.equal (loadPath ale (tetrisRom ()) -1) 0 "loads tetris"
                    for bad in [ 18; 40; 45; -3 ] do
                        Expect.equal (act.Invoke(ale, bad, reward)) 1 $"action {bad}"
                        Expect.stringContains (message ()) "outside 0..17" "message"
                    Expect.equal (act.Invoke(ale, 5, reward)) 0 "a good action"
                finally
                    Marshal.FreeHGlobal reward
                    destroy.Invoke ale
            finally
                NativeLibrary.Free handle)
    ]

let private conformanceTests =
    [
        aleTest "12,000 Tetris frames equal native ALE frame for frame (reward, lives, game over, grayscale, RGB)" (fun library driver ->
            let trace = reference driver 12_000 1
            let resets = trace |> Array.filter ((=) Reset) |> Array.length
            Expect.isGreaterThanOrEqual resets 3 "several game overs and resets"
            use emulator = loaded library
            let gray, rgb = Array.zeroCreate<byte> IAtariEmulator.GrayscaleSize, Array.zeroCreate<byte> IAtariEmulator.RgbSize
            for line in trace do replayLine emulator gray rgb "NativeAleEmulator" line
            let struct (frame, _) = emulator.FrameNumber
            Expect.equal frame 12_000 "frames counted as the ALE counts them")

        aleTest "save state mid-game, play elsewhere, restore (same and fresh instance): continues as native" (fun library driver ->
            let trace = reference driver 9_000 2
            let saveAt = 4_000
            let cut = trace |> Array.findIndex (function Frame(n, _, _, _, _, _, _) -> n = saveAt | Reset -> false)
            use emulator = loaded library
            let gray, rgb = Array.zeroCreate<byte> IAtariEmulator.GrayscaleSize, Array.zeroCreate<byte> IAtariEmulator.RgbSize
            for line in trace[.. cut] do replayLine emulator gray rgb "before the save" line
            let state = emulator.SaveState()
            let savedHash = (emulator.GetScreenGrayscale(Span gray); fnv1a gray)
            // A detour with other actions (resetting at game over) changes the emulator.
            for k in 0 .. 2_999 do
                emulator.Act(if k % 40 < 20 then 4 else 1) |> ignore
                if emulator.GameOver then emulator.ResetGame()
            Expect.notEqual (emulator.GetScreenGrayscale(Span gray); fnv1a gray) savedHash "the detour changed the screen"
            emulator.RestoreState(ReadOnlySpan state)
            use fresh = loaded library
            fresh.RestoreState(ReadOnlySpan state)
            let gray2, rgb2 = Array.zeroCreate<byte> IAtariEmulator.GrayscaleSize, Array.zeroCreate<byte> IAtariEmulator.RgbSize
            for line in trace[cut + 1 ..] do
                replayLine emulator gray rgb "restored" line
                replayLine fresh gray2 rgb2 "fresh instance restored" line
            Expect.isTrue (trace[cut + 1 ..] |> Array.contains Reset) "the continuation spans a game over"
            let e = try emulator.RestoreState(ReadOnlySpan(Array.create 100 7uy)); failtest "restored junk" with :? InvalidDataException as e -> e
            Expect.stringContains e.Message "not a prox_ale emulator state" "junk refused")

        aleTest "AtariPreprocessing on real Tetris frames equals skip 4, max of the last two, exact area resize, sticky, cap" (fun library _ ->
            let p = 0.25
            let options = AtariOptions(Seed = 7, StickyActionProbability = p, MaxEpisodeSteps = 500)
            use env = new AtariPreprocessing(new NativeAleEmulator(library), tetrisRom (), options)
            use raw = loaded library
            raw.ResetGame() // as the preprocessing's first NewGame
            let minimal = raw.MinimalActionSet |> Array.ofSeq
            Expect.equal minimal [| 0; 1; 3; 4; 5 |] "Tetris's minimal set: NOOP FIRE RIGHT LEFT DOWN"
            Expect.equal (env.ActionSet |> Array.ofSeq) minimal "agent index -> ALE id"
            let sticky = Mt19937(7u)
            let policy = System.Random 3
            let frames = [| Array.zeroCreate<byte> (H * W); Array.zeroCreate<byte> (H * W) |]
            let observation = Array.zeroCreate<byte> (84 * 84)
            let mutable previous, steps, ended, overs, caps, stickyFrames = 0, 0, false, 0, 0, 0
            let mutable endFlags = (false, false)
            for step in 0 .. 3_999 do
                if ended then
                    env.Reset(); raw.ResetGame()
                    previous <- 0; steps <- 0; ended <- false
                let a = policy.Next minimal.Length
                let result = env.Step a
                let mutable reward, n, over = 0, 0, false
                while n < 4 && not over do
                    let executed = if sticky.NextDouble() < p then previous else minimal[a]
                    if executed <> minimal[a] then stickyFrames <- stickyFrames + 1
                    previous <- executed
                    reward <- reward + raw.Act executed
                    raw.GetScreenGrayscale(Span frames[n % 2])
                    Expect.equal raw.Lives 0 "Tetris has no lives, so no life loss"
                    n <- n + 1
                    over <- raw.GameOver
                let pooled = if n = 1 then Array.copy frames[0] else Array.map2 max frames[0] frames[1]
                steps <- steps + 1
                let cap = not over && steps >= 500
                Expect.equal (result.Reward, result.Terminated, result.Truncated, env.LastStepFrames)
                    (float32 reward, over, cap, n) $"step {step}: reward, terminated, truncated, frames"
                if not (env.PooledScreen.SequenceEqual(ReadOnlySpan pooled)) then failtestf "step %d: pooled screen differs" step
                env.Observe(Span observation)
                if observation <> areaResize pooled then failtestf "step %d: 84x84 observation differs from the exact area average" step
                if over then overs <- overs + 1
                if cap then caps <- caps + 1
                ended <- over || cap
            Expect.isGreaterThan overs 0 "game overs reached"
            Expect.isGreaterThan caps 0 "the step cap reached"
            Expect.isGreaterThan stickyFrames 100 "sticky frames happened")

        aleTest "agent steps on the real ALE allocate nothing (preprocessing, frame stack, observation)" (fun library _ ->
            let pre = new AtariPreprocessing(new NativeAleEmulator(library), tetrisRom (), AtariOptions(Seed = 1, StickyActionProbability = 0.25))
            use env = new FrameStack(pre, 4) // disposes the preprocessing and the emulator
            let observation = Array.zeroCreate<byte> env.Observation.Size
            let step k =
                let result = env.Step(k % env.ActionCount)
                env.Observe(Span observation)
                if result.Terminated || result.Truncated then env.Reset()
            for k in 0 .. 299 do step k
            let before = GC.GetAllocatedBytesForCurrentThread()
            for k in 0 .. 999 do step k
            Expect.equal (GC.GetAllocatedBytesForCurrentThread() - before) 0L "bytes allocated in 1000 steps")
    ]

[<Tests>]
let tests = testList "AleConformance" (conformanceTests @ errorTests)
