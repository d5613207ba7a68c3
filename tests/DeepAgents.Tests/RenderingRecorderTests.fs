module RenderingRecorderTests

open System
open System.IO
open Expecto
open Research.DeepAgents.Environments
open Research.DeepAgents.Environments.MinAtar
open Research.DeepAgents.Rendering
open RenderingDecoders

let private env game seed = new MinAtarEnvironment(game, EnvironmentOptions(Seed = seed))

let private gif game seed (options: RecordingOptions) =
    use ms = new MemoryStream()
    let summary = MinAtarRecorder.WriteGif(env game seed, options, ms)
    summary, ms.ToArray()

let private png game seed (options: RecordingOptions) =
    use ms = new MemoryStream()
    let summary = MinAtarRecorder.WritePng(env game seed, options, ms)
    summary, ms.ToArray()

/// Plays the same episode loop as the recorder (random policy) and
/// counts episodes that end before the last step.
let private endsBeforeLast game seed steps =
    let e = env game seed
    let policy = Research.Random.Mt19937(MinAtarRecorder.PolicyStreamSeed seed)
    let mutable ends = 0
    for t in 1..steps do
        let r = e.Step(policy.RandInt(0, e.ActionCount))
        if r.Done then
            if t < steps then ends <- ends + 1
            e.Reset()
    ends

[<Tests>]
let recorderTests =
    testList "Rendering.Recorder" [
        test "breakout GIF: steps + 1 + resets frames, terminal frames held longer, loops forever" {
            let options = RecordingOptions(Steps = 120, FramesPerSecond = 20)
            let summary, bytes = gif "breakout" 0 options
            let decoded = decodeGif bytes
            let resets = endsBeforeLast "breakout" 0 120
            Expect.isGreaterThan resets 0 "random breakout loses the ball within 120 steps"
            Expect.equal decoded.Frames.Length (120 + 1 + resets) "frame count"
            Expect.equal summary.Frames decoded.Frames.Length "summary frame count"
            Expect.equal decoded.LoopCount (Some 0) "loops"
            let delays = decoded.Frames |> List.map (fun f -> f.Delay) |> List.countBy id |> Map.ofList
            Expect.equal (Map.keys delays |> List.ofSeq) [ 5; 25 ] "5 cs per frame, 5x on episode ends"
            Expect.isGreaterThanOrEqual delays[25] resets "one held frame per episode end"
            Expect.equal (decoded.Width, decoded.Height) (summary.Width, summary.Height) "size"
        }
        test "frame 0 is the reset state; the PNG equals the GIF's last frame" {
            let options = RecordingOptions(Steps = 40)
            let _, gifBytes = gif "space_invaders" 3 options
            let frames = (decodeGif gifBytes).Frames
            let e = env "space_invaders" 3
            let obs = Array.zeroCreate<byte> e.Observation.Size
            e.Observe(Span obs)
            let renderer = GridRenderer(e.Game.Info.Channels)
            let first = renderer.Render(ReadOnlySpan obs, "space_invaders  episode 1  step 0\nreturn 0".AsSpan())
            Expect.equal frames.Head.Canvas (first.Pixels.ToArray()) "first frame"
            let _, pngBytes = png "space_invaders" 3 options
            let decoded = decodePng pngBytes
            Expect.equal (decoded.Width, decoded.Height) (renderer.ImageWidth, renderer.ImageHeight) "PNG size"
            Expect.equal decoded.Samples (List.last frames).Canvas "PNG = last GIF frame"
        }
        test "every game records; same seed gives identical bytes, another seed differs" {
            for game in MinAtarGames.Names do
                let options = RecordingOptions(Steps = 30, CellSize = 8)
                let _, a = gif game 1 options
                let _, b = gif game 1 options
                Expect.equal a b $"{game}: deterministic"
                let _, c = gif game 2 options
                Expect.notEqual a c $"{game}: seed changes the recording"
        }
        test "noop policy with no sticky actions only ever executes noop" {
            let e = new MinAtarEnvironment("freeway", EnvironmentOptions(Seed = 0, StickyActionProbability = 0.0))
            use ms = new MemoryStream()
            let summary = MinAtarRecorder.WritePng(e, RecordingOptions(Steps = 50, Policy = RenderPolicy.Noop), ms)
            Expect.equal e.LastAction MinAtarAction.Noop "last executed action"
            Expect.equal summary.Return 0f "a chicken that never moves scores nothing"
            Expect.equal summary.Frames 1 "one PNG frame"
        }
        test "invalid recording options name the field and allowed range" {
            expectThrows<ArgumentException> (fun () -> MinAtarRecorder.WriteGif(env "breakout" 0, RecordingOptions(Steps = 0), Stream.Null) |> ignore) "Steps must be >= 1, got 0"
            expectThrows<ArgumentException> (fun () -> MinAtarRecorder.WriteGif(env "breakout" 0, RecordingOptions(FramesPerSecond = 60), Stream.Null) |> ignore) "FramesPerSecond must be in 1..50, got 60"
        }
    ]
