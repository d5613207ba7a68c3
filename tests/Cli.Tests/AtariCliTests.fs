/// `prox` on a real Atari game (Tetris through the ALE shim; docs/atari.md): train, checkpoint and resume
/// byte for byte (metrics) for dqn and rainbow-pro with the atari-paper preset, eval (and its --gif), env
/// render (real RGB screens), env info, and the errors (wrong ROM, unknown game,
/// missing shim) as exit codes with messages.
module AtariCliTests

open System
open System.IO
open Expecto
open CliTestSupport
open AleTestSupport
open RenderingDecoders
open Research.DeepAgents.Environments.Atari
open Research.DeepAgents.Training

let private tempDir name = Path.Combine(Path.GetTempPath(), $"prox-atari-{name}-{Guid.NewGuid():N}")

let private ok (code, out: string, err: string) what =
    Expect.equal code 0 $"{what}: exit code (stderr: {err})"
    out

/// Metrics that depend only on config and seed (throughput.csv holds wall-clock data).
let private reproducible = Research.RunFormat.MetricsFiles.Names |> Seq.filter ((<>) "throughput.csv") |> List.ofSeq

/// Tetris's RGB screen after the reset of a fresh emulator.
let private resetScreen library =
    use emulator = new NativeAleEmulator(library)
    emulator.LoadRom(tetrisRom (), 0)
    emulator.ResetGame()
    let rgb = Array.zeroCreate<byte> IAtariEmulator.RgbSize
    emulator.GetScreenRgb(Span rgb)
    rgb

/// Palette indices expanded to RGB bytes (3 per index).
let private rgbOf (palette: byte[]) (indices: byte[]) =
    Array.init (3 * indices.Length) (fun i -> palette[3 * int indices[i / 3] + i % 3])

let private trainArgs agent frames out =
    [ "train"; "--agent"; agent; "--env"; "atari:tetris"; "--preset"; "atari-paper"; "--frames"; frames; "--out"; out
      // 40k frames = 10k agent steps: learning starts at 9.5k steps (the preset's 20k would never start),
      // one evaluation of >= 100 steps at the end, checkpoints only at the end (they hold the 1M replay).
      "--set"; $"rom-dir={romDir ()}"; "--set"; "min-replay-history=9500"; "--set"; "eval-period=10000"
      "--set"; "eval-steps=100"; "--set"; "checkpoint-period=0"; "--set"; "update-log-period=10" ]

let private trainResume agent =
    aleTest $"{agent} atari-paper on atari:tetris, 40k frames: train, checkpoint, resume byte for byte, eval" (fun library _ ->
        let full, split = tempDir "full", tempDir "split"
        try
            let env = [ AleLibrary.EnvironmentVariable, Some library; AtariEnvironment.RomDirectoryVariable, None ]
            let out = ok (proxWith env (trainArgs agent "40000" full)) "full run"
            Expect.stringContains out "done: 10000 steps" "10k agent steps"
            ok (proxWith env (trainArgs agent "20000" split)) "first half" |> ignore
            let out = ok (proxWith env [ "train"; "--resume"; "--out"; split; "--frames"; "40000" ]) "resume"
            Expect.stringContains out "from step 5000" "resumed from the checkpoint"
            for f in reproducible do
                let a, b = File.ReadAllBytes(Path.Combine(full, "metrics", f)), File.ReadAllBytes(Path.Combine(split, "metrics", f))
                Expect.isTrue (a = b) $"metrics/{f} identical ({a.Length} vs {b.Length} bytes)"
            Expect.isGreaterThan (File.ReadAllLines(Path.Combine(full, "metrics", "updates.csv")).Length) 10 "learning updates happened"
            Expect.isGreaterThan (File.ReadAllLines(Path.Combine(full, "metrics", "episodes.csv")).Length) 3 "several Tetris games"
            Expect.equal (File.ReadAllLines(Path.Combine(full, "metrics", "evaluations.csv")).Length) 2 "one evaluation"
            // The checkpoints differ in wall-clock time and config; the environment (preprocessing + ALE
            // state) and the agent (networks, optimizer, replay, random streams) must not.
            let parts dir =
                let path = Path.Combine(dir, "checkpoints", "checkpoint.bin")
                // The agent's bytes run up to the checksum footer: "PROXHASH",
                // content length, XxHash128 (32 bytes).
                let bytes = File.ReadAllBytes path
                let footer = 32
                Expect.equal (Text.Encoding.ASCII.GetString(bytes, bytes.Length - footer, 8)) "PROXHASH" "checkpoint footer"
                let mutable environment, agent = [||], [||]
                Checkpoint.Read(path, (fun b -> environment <- b),
                                (fun r -> agent <- r.ReadBytes(int (r.BaseStream.Length - r.BaseStream.Position) - footer))) |> ignore
                environment, agent
            let (envA, agentA), (envB, agentB) = parts full, parts split
            Expect.isGreaterThan envA.Length 14_000 "the environment state holds the ALE's"
            Expect.isTrue (envA = envB) "final environment states identical"
            Expect.isTrue (agentA = agentB) "final agent states identical"
            let out = ok (proxWith env [ "eval"; "--run"; full; "--episodes"; "1"; "--max-episode-steps"; "200" ]) "eval"
            Expect.stringContains out $"{agent} on atari:tetris after 10000 steps: mean return" "eval report"
        finally
            for d in [ full; split ] do try Directory.Delete(d, true) with _ -> ())

[<Tests>]
let tests =
    testList "prox on Atari" [
        // One training test at a time: each runs three prox processes.
        testSequenced (testList "train" [ trainResume "dqn"; trainResume "rainbow-pro" ])

        aleTest "env render --env atari:tetris writes the emulator's RGB screens as a GIF" (fun library _ ->
            let gif = tempDir "render" + ".gif"
            try
                let out = ok (proxWith [ AleLibrary.EnvironmentVariable, Some library ]
                                  [ "env"; "render"; "--env"; "atari:tetris"; "--rom-dir"; romDir (); "--steps"; "40"; "--out"; gif ]) "render"
                Expect.stringContains out "41 frames 160x210 GIF of atari:tetris (RGB)" "report"
                let image = decodeGif (File.ReadAllBytes gif)
                Expect.equal (image.Width, image.Height, image.Frames.Length) (160, 210, 41) "size and frames"
                // Frame 0 is the screen after the reset: the same pixels as the emulator's RGB screen.
                let rgb = resetScreen library
                let decoded = rgbOf image.Palette image.Frames.Head.Canvas
                Expect.isTrue (decoded = rgb) "frame 0 = the ALE's RGB screen"
                Expect.isGreaterThan (image.Palette.Length / 3) 4 "real colours"
            finally
                try File.Delete gif with _ -> ())

        aleTest "env render --mode / --difficulty: Tetris's mode 0 renders as the default; others and MinAtar exit 2" (fun library _ ->
            let env = [ AleLibrary.EnvironmentVariable, Some library ]
            let gif name = tempDir name + ".gif"
            let plain, mode0, bad = gif "render-default", gif "render-mode0", gif "render-bad"
            let render out extra =
                proxWith env ([ "env"; "render"; "--env"; "atari:tetris"; "--rom-dir"; romDir (); "--steps"; "20"; "--out"; out ] @ extra)
            try
                ok (render plain []) "default" |> ignore
                ok (render mode0 [ "--mode"; "0"; "--difficulty"; "0" ]) "mode 0, difficulty 0" |> ignore
                Expect.isTrue (File.ReadAllBytes plain = File.ReadAllBytes mode0) "mode 0 / difficulty 0 = Tetris's default"
                for flag, value in [ "--mode", "3"; "--difficulty", "1" ] do
                    let code, _, err = render bad [ flag; value ]
                    Expect.equal code 2 $"{flag} {value}: exit code"
                    Expect.stringContains err $"atari:tetris has no {flag.TrimStart '-'} {value}; its {flag.TrimStart '-'}s: 0" "names value and values"
                    Expect.isFalse (err.Contains "   at ") "no stack trace"
                    Expect.isFalse (File.Exists bad) "nothing written"
                let code, _, err = prox [ "env"; "render"; "--game"; "breakout"; "--mode"; "1"; "--out"; bad ]
                Expect.equal code 2 "MinAtar with --mode: exit code"
                Expect.stringContains err "invalid value for --mode: '1'. Allowed: -1 (only atari:<game>" "MinAtar message"
            finally
                for f in [ plain; mode0; bad ] do try File.Delete f with _ -> ())

        aleTest "eval --gif on an atari:tetris run records the greedy agent on the emulator's RGB screens (GIF and PNG)" (fun library _ ->
            let dir = tempDir "eval-gif"
            try
                let env = [ AleLibrary.EnvironmentVariable, Some library; AtariEnvironment.RomDirectoryVariable, None ]
                // 100 agent steps, no updates (min-replay-history above them), the checkpoint at the end.
                ok (proxWith env [ "train"; "--agent"; "dqn"; "--env"; "atari:tetris"; "--preset"; "atari-paper"; "--frames"; "400"
                                   "--out"; dir; "--set"; $"rom-dir={romDir ()}"; "--set"; "min-replay-history=1000"
                                   "--set"; "replay-capacity=1000"; "--set"; "eval-period=0"; "--set"; "checkpoint-period=0" ]) "train"
                |> ignore
                let gif = Path.Combine(dir, "agent.gif")
                let out = ok (proxWith env [ "eval"; "--run"; dir; "--episodes"; "1"; "--max-episode-steps"; "50"; "--gif"; gif; "--json" ]) "eval --gif"
                let recording = Text.Json.JsonDocument.Parse(out).RootElement.GetProperty "recording"
                let steps = recording.GetProperty("steps").GetInt32()
                Expect.equal steps 50 "the game is truncated at --max-episode-steps"
                Expect.isTrue (recording.GetProperty("episodeEnded").GetBoolean()) "truncation ends the episode"
                let image = decodeGif (File.ReadAllBytes gif)
                let height = IAtariEmulator.ScreenHeight + Research.DeepAgents.Rendering.AtariEpisodeRecorder.StatusHeight
                Expect.equal (image.Width, image.Height) (160, height) "the 160x210 screen and the status strip below it"
                Expect.equal image.Frames.Length (steps + 1) "one frame per emulated agent step, after the reset's"
                Expect.equal (recording.GetProperty("frames").GetInt32()) image.Frames.Length "reported frames"
                let screen (frame: GifFrame) = (rgbOf image.Palette frame.Canvas)[.. IAtariEmulator.RgbSize - 1]
                // Frame 0 is the emulator's real screen after the reset.
                let rgb = resetScreen library
                Expect.isTrue (screen image.Frames.Head = rgb) "frame 0's screen = the ALE's RGB screen after the reset"
                Expect.isFalse (screen (List.last image.Frames) = rgb) "the game moved"
                // The return is written in the strip: text colour (and on the
                // truncated last frame the alert colour).
                let colourIn (frame: GifFrame) (hex: string) =
                    let c = Research.DeepAgents.Rendering.Rgb.FromHex hex
                    frame.Canvas[IAtariEmulator.GrayscaleSize ..]
                    |> Array.exists (fun p -> (image.Palette[3 * int p], image.Palette[3 * int p + 1], image.Palette[3 * int p + 2]) = (c.R, c.G, c.B))
                Expect.isTrue (colourIn image.Frames.Head "#E6E6E6") "status text on frame 0"
                Expect.isTrue (colourIn (List.last image.Frames) "#FF4D4D") "alert status on the last frame"
                let png = Path.Combine(dir, "agent.png")
                let out = ok (proxWith env [ "eval"; "--run"; dir; "--episodes"; "1"; "--max-episode-steps"; "50"; "--gif"; png ]) "eval --gif .png"
                Expect.stringContains out $"recorded 50 steps (return 0, episode ended), 1 frame(s), 160x{height}" "report"
                let decoded = decodePng (File.ReadAllBytes png)
                Expect.equal (decoded.Width, decoded.Height) (160, height) "PNG size"
                let last = List.last image.Frames
                Expect.isTrue (rgbOf decoded.Palette decoded.Samples = rgbOf image.Palette last.Canvas) "the PNG is the GIF's last frame"
            finally
                try Directory.Delete(dir, true) with _ -> ())

        aleTest "atari-mode / atari-difficulty: a value Tetris lacks exits 2 before a run (train, local sweep); mode 0 survives resume" (fun library _ ->
            let dir, study = tempDir "mode", tempDir "mode-sweep"
            try
                let env = [ AleLibrary.EnvironmentVariable, Some library; AtariEnvironment.RomDirectoryVariable, None ]
                let train frames sets =
                    [ "train"; "--agent"; "dqn"; "--env"; "atari:tetris"; "--preset"; "atari-paper"; "--frames"; frames; "--out"; dir
                      "--set"; $"rom-dir={romDir ()}"; "--set"; "min-replay-history=1000"; "--set"; "replay-capacity=1000"
                      "--set"; "eval-period=0"; "--set"; "checkpoint-period=0" ] @ sets
                for key, value in [ "atari-mode", "3"; "atari-difficulty", "1" ] do
                    let code, _, err = proxWith env (train "400" [ "--set"; $"{key}={value}" ])
                    Expect.equal code 2 $"{key}={value}: exit code"
                    Expect.stringContains err $"invalid value for {key}: '{value}'. Allowed: one of 0 (the" "names the key, value, values"
                    Expect.isFalse (err.Contains "   at ") "no stack trace"
                    Expect.isFalse (Directory.Exists dir) "no run directory written"
                    let code, _, err = proxWith env [ "sweep"; "run"; "--agents"; "dqn"; "--envs"; "atari:tetris"; "--frames"; "400"; "--runs"; study
                                                      "--no-figures"; "--set"; $"rom-dir={romDir ()}"; "--set"; $"{key}={value}" ]
                    Expect.equal code 2 $"sweep with {key}={value}: exit code"
                    Expect.stringContains err $"invalid value for {key}: '{value}'" "sweep message"
                    Expect.isFalse (Directory.Exists study) "no study folder written"
                ok (proxWith env (train "400" [ "--set"; "atari-mode=0"; "--set"; "atari-difficulty=0" ])) "train, mode 0" |> ignore
                let out = ok (proxWith env [ "train"; "--resume"; "--out"; dir; "--frames"; "800" ]) "resume"
                Expect.stringContains out "from step 100" "resumed from the checkpoint"
                let config = Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "config.json"))).RootElement.GetProperty "config"
                Expect.equal (config.GetProperty("atariMode").GetInt32(), config.GetProperty("atariDifficulty").GetInt32()) (0, 0) "config.json keeps them"
                Expect.equal (config.GetProperty("totalSteps").GetInt64()) 200L "resumed to 800 frames"
                let out = ok (proxWith env [ "eval"; "--run"; dir; "--episodes"; "1"; "--max-episode-steps"; "30" ]) "eval in the run's mode"
                Expect.stringContains out "dqn on atari:tetris after 200 steps: mean return" "eval report"
                // The run's own config reruns it with the same mode (prox train --config reads config.json).
                let code, _, err = proxWith env [ "train"; "--config"; Path.Combine(dir, "config.json"); "--set"; "atari-mode=9"; "--out"; dir + "-again" ]
                Expect.equal code 2 "an override still checked against the ROM"
                Expect.stringContains err "invalid value for atari-mode: '9'" "message"
            finally
                for d in [ dir; study; dir + "-again" ] do try Directory.Delete(d, true) with _ -> ())

        aleTest "env info --env atari:tetris: ROM path and MD5, ALE action names, modes, difficulties; errors exit 2" (fun library _ ->
            let env = [ AleLibrary.EnvironmentVariable, Some library ]
            let out = ok (proxWith env [ "env"; "info"; "--env"; "atari:tetris"; "--rom-dir"; romDir () ]) "info"
            for part in [ tetrisRom (); "md5: b0e1ee07fbc73493eac5651a52f90f00"; "2 -> 3 PLAYER_A_RIGHT"; "17 PLAYER_A_DOWNLEFTFIRE"; "modes: 0"; "difficulties: 0" ] do
                Expect.stringContains out part "info"
            let dir = tempDir "roms"
            Directory.CreateDirectory dir |> ignore
            try
                File.WriteAllBytes(Path.Combine(dir, "tetris.bin"), Array.create 4096 1uy)
                let code, _, err = proxWith env [ "env"; "info"; "--env"; "atari:tetris"; "--rom-dir"; dir ]
                Expect.equal code 2 "wrong ROM"
                for part in [ "is not the ALE's tetris"; "expected b0e1ee07fbc73493eac5651a52f90f00"; "ale-py" ] do
                    Expect.stringContains err part "wrong ROM message"
                Expect.isFalse (err.Contains "   at ") "no stack trace"
                let code, _, err = proxWith env [ "env"; "info"; "--env"; "atari:pong"; "--rom-dir"; dir ]
                Expect.equal code 2 "missing ROM"
                Expect.stringContains err (Path.Combine(dir, "pong.bin")) "names the file"
            finally
                Directory.Delete(dir, true)
            let code, _, err = proxWith env [ "env"; "info"; "--env"; "atari:no_such_game"; "--rom-dir"; romDir () ]
            Expect.equal code 2 "unknown game"
            Expect.stringContains err "has no game 'no_such_game'" "unknown game message"
            let code, _, err = proxWith [ AleLibrary.EnvironmentVariable, Some "/nonexistent/libprox_ale.so" ] [ "env"; "info"; "--env"; "atari:tetris"; "--rom-dir"; romDir () ]
            Expect.equal code 2 "missing library"
            Expect.stringContains err "bash native/ale/build.sh" "names the build command")
    ]
