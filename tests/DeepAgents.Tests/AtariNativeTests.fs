/// NativeAleEmulator's marshalling against a fake ALE C library (the ALE 0.6 C interface with scripted
/// behaviour), compiled with the system C compiler at test time. This checks the P/Invoke layer (C bool
/// returns, buffers, action sets, settings order, state encoding), not the real emulator (docs/atari.md).
module AtariNativeTests

open System
open System.Diagnostics
open System.IO
open Expecto
open Research.DeepAgents.Environments
open Research.DeepAgents.Environments.Atari
open EnvironmentsTestSupport

/// A fake ALE: frame k after reset, act returns 100 * action + k, game over at k >= 12, lives 3 - k / 5,
/// grayscale pixel i = (i + 3k) mod 256 except pixel 0 = random_seed mod 256 at load time and pixel 1 =
/// 7 if repeat_action_probability was 0 at load time (else 9). Compile with -DOMIT_ACT to drop `act`.
let private fakeAleSource = """
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
typedef struct { int seed, seed_at_load, frame, loaded; float repeat, repeat_at_load; } Fake;
typedef struct { int frame; } State;
void *ALE_new(void) { return calloc(1, sizeof(Fake)); }
void ALE_del(void *a) { free(a); }
void setInt(void *a, const char *k, int v) { if (!strcmp(k, "random_seed")) ((Fake *)a)->seed = v; }
void setFloat(void *a, const char *k, float v) { if (!strcmp(k, "repeat_action_probability")) ((Fake *)a)->repeat = v; }
void loadROM(void *a, const char *path) { Fake *f = a; f->loaded = 1; f->frame = 0; f->seed_at_load = f->seed; f->repeat_at_load = f->repeat; }
#ifndef OMIT_ACT
int act(void *a, int action) { Fake *f = a; if (f->frame >= 12) return 0; f->frame++; return 100 * action + f->frame; }
#endif
void reset_game(void *a) { ((Fake *)a)->frame = 0; }
bool game_over(void *a) { return ((Fake *)a)->frame >= 12; }
int lives(void *a) { return 3 - ((Fake *)a)->frame / 5; }
int getScreenWidth(void *a) { return 160; }
int getScreenHeight(void *a) { return 210; }
static unsigned char gray(Fake *f, int i) {
    if (i == 0) return (unsigned char)(f->seed_at_load & 255);
    if (i == 1) return f->repeat_at_load == 0.0f ? 7 : 9;
    return (unsigned char)((i + 3 * f->frame) & 255);
}
void getScreenGrayscale(void *a, unsigned char *out) { for (int i = 0; i < 210 * 160; i++) out[i] = gray(a, i); }
void getScreenRGB(void *a, unsigned char *out) {
    for (int i = 0; i < 210 * 160; i++) { unsigned char g = gray(a, i); out[3 * i] = g; out[3 * i + 1] = (unsigned char)((Fake *)a)->frame; out[3 * i + 2] = 255 - g; }
}
int getMinimalActionSize(void *a) { return 4; }
void getMinimalActionSet(void *a, int *out) { out[0] = 0; out[1] = 1; out[2] = 3; out[3] = 4; }
int getLegalActionSize(void *a) { return 18; }
void getLegalActionSet(void *a, int *out) { for (int i = 0; i < 18; i++) out[i] = i; }
void *cloneSystemState(void *a) { State *s = malloc(sizeof(State)); s->frame = ((Fake *)a)->frame; return s; }
void restoreSystemState(void *a, void *s) { ((Fake *)a)->frame = ((State *)s)->frame; }
void deleteState(void *s) { free(s); }
int encodeStateLen(void *s) { return (int)sizeof(State); }
void encodeState(void *s, char *buf, int len) { memcpy(buf, s, sizeof(State)); }
void *decodeState(const char *buf, int len) { if (len != (int)sizeof(State)) return NULL; State *s = malloc(sizeof(State)); memcpy(s, buf, sizeof(State)); return s; }
"""

let private compiler =
    lazy (
        [ "/usr/bin/cc"; "/usr/bin/gcc"; "/usr/local/bin/cc" ] |> List.tryFind File.Exists)

/// Compiles the fake library (with extra flags) into a fresh temp directory; returns its path.
let private build (flags: string) =
    let dir = Path.Combine(Path.GetTempPath(), $"fake-ale-{Guid.NewGuid():N}")
    Directory.CreateDirectory dir |> ignore
    let source = Path.Combine(dir, "fake_ale.c")
    File.WriteAllText(source, fakeAleSource)
    let library = Path.Combine(dir, "libale_c.so")
    let info = ProcessStartInfo(compiler.Force().Value, $"-shared -fPIC -O1 {flags} -o \"{library}\" \"{source}\"")
    info.RedirectStandardError <- true
    use p =
        match Process.Start info with
        | null -> failwith "cc did not start"
        | p -> p
    let errors = p.StandardError.ReadToEnd()
    p.WaitForExit()
    if p.ExitCode <> 0 then failwithf "cc failed: %s" errors
    let rom = Path.Combine(dir, "fake_game.bin")
    File.WriteAllBytes(rom, Array.zeroCreate 4096)
    dir, library, rom

let private native name body =
    test name {
        if not (OperatingSystem.IsLinux()) then skiptest "not Linux: the fake ALE is built as a Linux shared library"
        if compiler.Force().IsNone then skiptest "no C compiler (/usr/bin/cc or gcc): the fake ALE cannot be built"
        body ()
    }

[<Tests>]
let tests =
    testList "Atari native backend (fake ALE)" [
        native "acts, bools, lives, screens and action sets cross the C boundary" (fun () ->
            let dir, library, rom = build ""
            try
                use ale = new NativeAleEmulator(library)
                Expect.equal ale.LibraryPath library "opened the given path"
                ale.LoadRom(rom, 42)
                Expect.equal (List.ofSeq ale.MinimalActionSet) [ 0; 1; 3; 4 ] "minimal set"
                Expect.equal (List.ofSeq ale.LegalActionSet) [ 0 .. 17 ] "legal set"
                let screen = Array.zeroCreate<byte> IAtariEmulator.GrayscaleSize
                ale.GetScreenGrayscale(Span screen)
                Expect.equal (screen.[0], screen.[1]) (42uy, 7uy) "random_seed and repeat_action_probability = 0 were set before loadROM"
                Expect.equal (ale.Act 3, ale.Act 17) (301, 1702) "rewards"
                Expect.equal (ale.Lives, ale.GameOver) (3, false) "frame 2"
                for _ in 1 .. 10 do ale.Act 0 |> ignore
                Expect.equal (ale.Lives, ale.GameOver) (1, true) "frame 12: C bool true"
                ale.GetScreenGrayscale(Span screen)
                Expect.equal screen.[100] (byte ((100 + 36) % 256)) "grayscale pixel"
                let rgb = Array.zeroCreate<byte> IAtariEmulator.RgbSize
                ale.GetScreenRgb(Span rgb)
                Expect.equal (rgb.[300], rgb.[301], rgb.[302]) (screen.[100], 12uy, 255uy - screen.[100]) "RGB interleaved"
                ale.ResetGame()
                Expect.equal (ale.GameOver, ale.Lives) (false, 3) "reset"
                ale.Act 0 |> ignore
                let state = ale.SaveState()
                for _ in 1 .. 5 do ale.Act 0 |> ignore
                ale.RestoreState(ReadOnlySpan state)
                Expect.equal (ale.Act 1) 102 "restored to frame 1"
                catchExn<InvalidDataException> (fun () -> ale.RestoreState(ReadOnlySpan [| 1uy |])) |> ignore
                catchExn<ArgumentOutOfRangeException> (fun () -> ale.Act 18 |> ignore) |> ignore
            finally
                Directory.Delete(dir, true))

        native "AtariEnvironment.Create plays the fake ALE through the preprocessing" (fun () ->
            let dir, library, _ = build ""
            try
                let env =
                    AtariEnvironment.Create("atari:fake_game", EnvironmentOptions(Seed = 5, StickyActionProbability = 0.0, MinimalActions = true),
                                            AtariOptions(RomDirectory = dir, AleLibrary = library, FrameStack = 4))
                Expect.equal (env.Name, env.ActionCount, env.Observation) ("atari:fake_game", 4, ObservationSpec(4, 84, 84, ObservationKind.Pixels)) "stacked env"
                let r = env.Step 2 // ALE 3, frames 1..4
                Expect.equal r.Reward (float32 (4 * 300 + 1 + 2 + 3 + 4)) "summed rewards"
                let r = env.Step 0 // frames 5..: life lost at frame 5
                Expect.equal (r.Terminated, r.Reward) (true, 5.0f) "life loss is terminal"
                let game = env :?> IGameEnvironment
                Expect.equal (game.Lives, game.GameSteps, game.GameEnded) (2, 2, false) "game continues"
                (env :?> IDisposable).Dispose()
            finally
                Directory.Delete(dir, true))

        native "a library without the ALE C functions is rejected with their names" (fun () ->
            let dir, library, _ = build "-DOMIT_ACT"
            try
                let e = catchExn<EntryPointNotFoundException> (fun () -> new NativeAleEmulator(library) |> ignore)
                Expect.stringContains e.Message "lacks act" "names the missing function"
                Expect.stringContains e.Message library "names the library"
            finally
                Directory.Delete(dir, true))

        // Sequenced: it changes a process-wide environment variable (docs/testing.md, "Isolation").
        testSequenced <| test "ALE_LIBRARY is used when no path is given" {
            let previous = Environment.GetEnvironmentVariable AleLibrary.EnvironmentVariable
            try
                Environment.SetEnvironmentVariable(AleLibrary.EnvironmentVariable, "/nowhere/libale_c.so")
                let struct (path, source) = AleLibrary.Resolve null
                Expect.equal (path, source) ("/nowhere/libale_c.so", "the ALE_LIBRARY environment variable") "from the variable"
                let e = catchExn<DllNotFoundException> (fun () -> new NativeAleEmulator() |> ignore)
                Expect.stringContains e.Message "'/nowhere/libale_c.so' (from the ALE_LIBRARY environment variable)" "message"
                Environment.SetEnvironmentVariable(AleLibrary.EnvironmentVariable, null)
                let struct (path, _) = AleLibrary.Resolve null
                Expect.equal path AleLibrary.FileName "then the search path"
            finally
                Environment.SetEnvironmentVariable(AleLibrary.EnvironmentVariable, previous)
        }
    ]
