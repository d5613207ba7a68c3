/// `prox env render`, run as a real process: files written, frame counts, image sizes, legend, errors.
module RenderCliTests

open System
open System.IO
open Expecto
open CliTestSupport
open RenderingDecoders

let private tempFile (extension: string) =
    Path.Combine(Path.GetTempPath(), $"prox-render-test-{Guid.NewGuid():N}{extension}")

/// Index of the palette entry with this RGB colour (the GIF/PNG palette is the renderer's).
let private colourIndex (palette: byte[]) (r, g, b) =
    [ 0 .. palette.Length / 3 - 1 ] |> List.find (fun i -> palette[3 * i] = r && palette[3 * i + 1] = g && palette[3 * i + 2] = b)

[<Tests>]
let tests =
    testList "prox env render" [
        test "GIF of breakout: one frame per step plus the reset frames, written and reported" {
            let path = tempFile ".gif"
            let code, out, err = prox [ "env"; "render"; "--game"; "breakout"; "--seed"; "0"; "--steps"; "60"; "--policy"; "random"; "--out"; path; "--scale"; "12" ]
            Expect.equal code 0 $"exit code (stderr: {err})"
            let gif = decodeGif (File.ReadAllBytes path)
            File.Delete path
            // The summary line reports the episodes that ended; each one
            // before the last step adds a reset frame.
            let ended = Text.RegularExpressions.Regex.Match(out, @"\((\d+) episodes ended\)").Groups[1].Value |> int
            let lastWasTerminal = (List.last gif.Frames).Delay = 5 * (List.head gif.Frames).Delay
            let resets = if lastWasTerminal then ended - 1 else ended
            Expect.isGreaterThan ended 0 "a random breakout policy loses the ball in 60 steps"
            Expect.equal gif.Frames.Length (60 + 1 + resets) "frames = steps + 1 + resets"
            Expect.stringContains out $"{gif.Frames.Length} frames" "summary"
            Expect.equal gif.LoopCount (Some 0) "loops forever"
            Expect.equal (List.head gif.Frames).Delay 10 "default 10 fps = 10 cs"
        }
        test "PNG of seaquest decodes to the layout size and shows a legend" {
            let path = tempFile ".png"
            let code, out, err = prox [ "env"; "render"; "--game"; "seaquest"; "--steps"; "25"; "--out"; path ]
            Expect.equal code 0 $"exit code (stderr: {err})"
            let png = decodePng (File.ReadAllBytes path)
            File.Delete path
            Expect.stringContains out $"{png.Width}x{png.Height} PNG of seaquest after 25 steps" "summary"
            // 24-px cells: grid 251 px at x=12; the legend starts at x=275 and lists 10 channels.
            Expect.equal (png.Width, png.Height) (509, 315) "image size"
            let background = colourIndex png.Palette (0x1Buy, 0x1Duy, 0x23uy)
            let legendPixels = [ for y in 12 .. 200 do for x in 275 .. png.Width - 13 do if png.Samples[y * png.Width + x] <> byte background then 1 ] |> List.length
            Expect.isGreaterThan legendPixels 2000 "legend drawn right of the grid"
            let oxygen = colourIndex png.Palette (0xFFuy, 0x9Duy, 0xA7uy) // channel 7, oxygen_gauge
            Expect.contains (Set.ofArray png.Samples) (byte oxygen) "oxygen gauge colour present"
        }
        test "--fps, --scale, --sticky, --ramping and noop policy are accepted" {
            let path = tempFile ".gif"
            let code, _, err = prox [ "env"; "render"; "--game"; "minatar:freeway"; "--steps"; "5"; "--policy"; "noop"; "--fps"; "25"; "--scale"; "8"; "--sticky"; "0"; "--ramping"; "false"; "--out"; path ]
            Expect.equal code 0 $"exit code (stderr: {err})"
            let gif = decodeGif (File.ReadAllBytes path)
            File.Delete path
            Expect.equal gif.Frames.Length 6 "freeway never ends in 5 steps: steps + 1 frames"
            Expect.allEqual (gif.Frames |> List.map (fun f -> f.Delay)) 4 "25 fps = 4 cs"
        }
        test "bad values exit 2 naming the flag, the value and what is allowed" {
            let cases =
                [ [ "--game"; "pong"; "--out"; "x.gif" ], "--game: 'pong'. Allowed: asterix, breakout, freeway, seaquest, space_invaders"
                  [ "--game"; "breakout"; "--out"; "x.jpg" ], "--out: 'x.jpg'. Allowed: a file name ending in .gif"
                  [ "--game"; "breakout"; "--steps"; "0"; "--out"; "x.gif" ], "--steps: '0'. Allowed: an integer >= 1"
                  [ "--game"; "breakout"; "--policy"; "greedy"; "--out"; "x.gif" ], "--policy: 'greedy'. Allowed: random, noop"
                  [ "--game"; "breakout"; "--fps"; "0"; "--out"; "x.gif" ], "--fps: '0'. Allowed: an integer in 1..50"
                  [ "--game"; "breakout"; "--sticky"; "2"; "--out"; "x.gif" ], "--sticky: '2'. Allowed: a probability in [0, 1]" ]
            for args, message in cases do
                let code, _, err = prox ("env" :: "render" :: args)
                Expect.equal code 2 $"exit code for %A{args}"
                Expect.stringContains err message $"message for %A{args}"
            Expect.isFalse (File.Exists "x.gif" || File.Exists "x.jpg") "nothing written on error"
        }
    ]
