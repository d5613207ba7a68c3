/// Atari game modes and difficulties (docs/atari.md, "Modes and difficulties") on the real ALE and Tetris,
/// whose ROM has one mode (0) and one difficulty (0): selecting them plays the native driver's frames for the
/// same mode (`ale_reference --mode 0 --difficulty 0`), which are the default's; any other value is refused
/// naming the setting, the value and the ROM's values, through the emulator, the environment and the config.
module AleModeTests

open System
open Expecto
open Research.DeepAgents.Configuration
open Research.DeepAgents.Environments
open Research.DeepAgents.Environments.Atari
open Research.DeepAgents.Training
open AleTestSupport

/// The driver's trace of 3000 frames from seed 5 (resets after game overs) and its stderr.
let private driverTrace driver (extra: string list) = driverTrace driver 3000 5 extra

/// Plays the driver's trace on a fresh emulator loaded with (mode, difficulty); fails at the first
/// difference.
let private replay library mode difficulty (trace: TraceLine[]) =
    use emulator = new NativeAleEmulator(library)
    emulator.LoadRom(tetrisRom (), 0, mode, difficulty)
    let gray, rgb = Array.zeroCreate<byte> IAtariEmulator.GrayscaleSize, Array.zeroCreate<byte> IAtariEmulator.RgbSize
    for line in trace do replayLine emulator gray rgb $"mode {mode} difficulty {difficulty}" line
    emulator.CurrentMode

/// A preset with `--set` assignments, spelled as users type them.
let private withSets config (sets: string list) = ConfigOverrides.Apply(config, sets)

let private tetrisConfig (mode: int) (difficulty: int) =
    withSets Presets.AtariPaper [ "environment=atari:tetris"; $"rom-dir={romDir ()}"; $"atari-mode={mode}"; $"atari-difficulty={difficulty}" ]

[<Tests>]
let tests =
    testList "AleModes" [
        aleTest "Tetris's modes and difficulties are [0]; mode 0 / difficulty 0 play the native driver's frames, as the default" (fun library driver ->
            use emulator = new NativeAleEmulator(library)
            emulator.LoadRom(tetrisRom (), 0)
            Expect.equal (List.ofSeq emulator.Modes, List.ofSeq emulator.Difficulties) ([ 0 ], [ 0 ]) "the ROM's lists"
            Expect.equal emulator.CurrentMode (struct (0, 0)) "the default"
            let code, selected, err = driverTrace driver [ "--mode"; "0"; "--difficulty"; "0" ]
            Expect.equal code 0 $"driver with --mode 0 ({err})"
            Expect.stringContains err "mode 0 difficulty 0" "the driver selected them"
            Expect.isTrue (selected |> Array.contains Reset) "the trace spans a game over"
            Expect.equal (replay library 0 0 selected) (struct (0, 0)) "C# with mode 0, difficulty 0"
            let code, plain, _ = driverTrace driver []
            Expect.equal code 0 "driver, default mode"
            Expect.equal selected plain "selecting the default mode keeps the frames (native)"
            Expect.equal (replay library -1 -1 plain) (struct (0, 0)) "C# default")

        aleTest "a mode or difficulty Tetris lacks: refused by the driver, the emulator and the environment, naming the values" (fun library driver ->
            let code, _, err = driverTrace driver [ "--mode"; "1" ]
            Expect.equal (code, err.Trim()) (1, "ale_reference: Invalid game mode requested") "native driver, mode 1"
            let code, _, err = driverTrace driver [ "--difficulty"; "3" ]
            Expect.equal (code, err.Trim()) (1, "ale_reference: Invalid difficulty requested") "native driver, difficulty 3"
            for mode, difficulty, setting, value in [ 1, -1, "mode", 1; 12, 0, "mode", 12; 0, 1, "difficulty", 1; -1, 7, "difficulty", 7 ] do
                use emulator = new NativeAleEmulator(library)
                let e = try emulator.LoadRom(tetrisRom (), 0, mode, difficulty); failtest "loaded" with :? AtariModeException as e -> e
                Expect.equal (e.Setting, e.Value, List.ofSeq e.Available, e.Game) (setting, value, [ 0 ], "tetris") "the fields"
                Expect.equal e.Message $"atari:tetris has no {setting} {value}; its {setting}s: 0 (-1 = the game's default)." "the message"
            let options = AtariOptions(AleLibrary = library, RomDirectory = romDir (), Mode = 4)
            let e = try AtariEnvironment.Create("atari:tetris", atari = options) |> ignore; failtest "created" with :? AtariModeException as e -> e
            Expect.equal (e.Setting, e.Value) ("mode", 4) "through AtariEnvironment.Create"
            let e = try AtariOptions(Difficulty = -2).Validate(); failtest "validated" with :? ArgumentException as e -> e
            Expect.stringContains e.Message "AtariOptions.Difficulty must be >= 0, or -1 for the game's default, got -2" "range")

        aleTest "the config keys atari-mode / atari-difficulty: the game's values pass, others are config errors" (fun _ _ ->
            // The shim from its default place (native/ale/out above the test binaries), as prox train finds
            // it.
            let env = TrainingEnvironments.Create(tetrisConfig 0 0, 3)
            use _ = env :?> IDisposable
            let pre = match env with :? FrameStack as s -> s.Inner :?> AtariPreprocessing | e -> e :?> AtariPreprocessing
            Expect.equal (pre.Options.Mode, pre.Options.Difficulty) (0, 0) "passed to the preprocessing"
            Expect.equal (pre.Emulator :?> NativeAleEmulator).CurrentMode (struct (0, 0)) "selected in the ALE"
            for mode, difficulty, key, value in [ 2, -1, "atari-mode", "2"; -1, 5, "atari-difficulty", "5" ] do
                let e = try TrainingEnvironments.Create(tetrisConfig mode difficulty, 0) |> ignore; failtest "created" with :? ConfigException as e -> e
                Expect.equal (e.Key, e.Value) (key, value) "key and value"
                Expect.stringContains e.Message "Allowed: one of 0 (the" "the ROM's values"
                Expect.stringContains e.Message "of atari:tetris), or -1 for the game's default" "the game and the default")

        test "atari-mode / atari-difficulty: -1 or more, and only for atari:<game>" {
            let fails config key =
                let e = try ConfigValidation.Validate config |> ignore; failtest "valid" with :? ConfigException as e -> e
                Expect.equal e.Key key "the key"
                e.Message
            Expect.stringContains (fails (withSets Presets.AtariPaper [ "atari-mode=-2" ]) "atari-mode") "'-2'" "below -1"
            Expect.stringContains (fails (withSets Presets.CartPole [ "atari-difficulty=1" ]) "atari-difficulty") "atari:<game> settings" "CartPole"
            Expect.stringContains (fails (withSets Presets.MinAtarDopamine [ "atariMode=0" ]) "atari-mode") "-1 for minatar" "MinAtar"
            // the ROM decides later
            let c = ConfigValidation.Validate(withSets Presets.AtariPaper [ "atari-mode=3"; "atari_difficulty=1" ])
            Expect.equal (c.AtariMode, c.AtariDifficulty) (3, 1) "parsed"
            Expect.equal (Presets.AtariPaper.AtariMode, Presets.AtariPaper.AtariDifficulty) (-1, -1) "default: the game's"
        }

        test "a backend without modes (the scripted one) has mode 0 and difficulty 0 only" {
            let s = AtariScript(AtariScript.Constant(fun _ -> 0uy), Func<_, _, _>(fun _ _ -> 0), Func<_, _>(fun _ -> 0), 50, [| 0; 1 |])
            use ok = new AtariPreprocessing(new ScriptedEmulator(s), "/roms/scripted.bin", AtariOptions(Mode = 0, Difficulty = 0))
            Expect.equal ok.ActionCount 2 "mode 0 loads"
            let e = try new AtariPreprocessing(new ScriptedEmulator(s), "/roms/scripted.bin", AtariOptions(Mode = 2)) |> ignore; failtest "loaded"
                    with :? AtariModeException as e -> e
            Expect.equal e.Message "atari:scripted has no mode 2; its modes: 0 (-1 = the game's default)." "message"
        }
    ]
