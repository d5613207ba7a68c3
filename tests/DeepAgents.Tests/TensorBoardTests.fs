/// TensorBoard output decoded (docs/run-format.md, "TensorBoard"): the events file of a tiny CartPole run is
/// read back through its TFRecord framing (length, masked CRC32C of the length, data, masked CRC32C of the
/// data) and the Event protobuf (wall time in Unix seconds, step, summary value tag and simple value), and
/// every scalar is checked against the CSV metrics of the same run.
module TensorBoardTests

open System
open System.IO
open Expecto
open Research.DeepAgents.Training
open TrainingTestSupport
open TrainingTests

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), table-driven.
let private crcTable =
    Array.init 256 (fun n ->
        let mutable c = uint32 n
        for _ in 1 .. 8 do c <- if c &&& 1u <> 0u then 0x82F63B78u ^^^ (c >>> 1) else c >>> 1
        c)

let crc32c (data: ReadOnlySpan<byte>) =
    let mutable c = 0xFFFFFFFFu
    for b in data do c <- crcTable[int ((c ^^^ uint32 b) &&& 0xFFu)] ^^^ (c >>> 8)
    c ^^^ 0xFFFFFFFFu

/// TFRecord's mask: rotate right by 15 bits and add 0xa282ead8.
let maskedCrc (data: ReadOnlySpan<byte>) =
    let c = crc32c data
    ((c >>> 15) ||| (c <<< 17)) + 0xa282ead8u

/// The records of a TFRecord file; fails on a bad length or data checksum or a truncated record.
let records (bytes: byte[]) =
    let span = ReadOnlySpan bytes
    let out = ResizeArray<byte[]>()
    let mutable at = 0
    while at < bytes.Length do
        if at + 12 > bytes.Length then failtestf "truncated record header at byte %d" at
        let length = BitConverter.ToUInt64(bytes, at)
        if BitConverter.ToUInt32(bytes, at + 8) <> maskedCrc (span.Slice(at, 8)) then failtestf "bad length CRC at byte %d" at
        let start = at + 12
        if uint64 start + length + 4UL > uint64 bytes.Length then failtestf "truncated record data at byte %d" at
        let data = span.Slice(start, int length)
        if BitConverter.ToUInt32(bytes, start + int length) <> maskedCrc data then failtestf "bad data CRC at byte %d" at
        out.Add(data.ToArray())
        at <- start + int length + 4
    List.ofSeq out

/// One protobuf field: number, wire type and payload (varint value, fixed bytes or length-delimited bytes).
type private Field = { Number: int; Wire: int; Varint: uint64; Bytes: byte[] }

let private fields (msg: byte[]) =
    let mutable at = 0
    let varint () =
        let mutable v = 0UL
        let mutable shift = 0
        let mutable go = true
        while go do
            let b = msg[at]
            at <- at + 1
            v <- v ||| (uint64 (b &&& 0x7Fuy) <<< shift)
            shift <- shift + 7
            go <- b &&& 0x80uy <> 0uy
        v
    [ while at < msg.Length do
        let key = varint ()
        let number, wire = int (key >>> 3), int (key &&& 7UL)
        match wire with
        | 0 -> { Number = number; Wire = 0; Varint = varint (); Bytes = [||] }
        | 1 -> at <- at + 8; { Number = number; Wire = 1; Varint = 0UL; Bytes = msg[at - 8 .. at - 1] }
        | 2 ->
            let n = int (varint ())
            at <- at + n
            { Number = number; Wire = 2; Varint = 0UL; Bytes = msg[at - n .. at - 1] }
        | 5 -> at <- at + 4; { Number = number; Wire = 5; Varint = 0UL; Bytes = msg[at - 4 .. at - 1] }
        | w -> failtestf "unexpected wire type %d" w ]

/// A decoded Event: wall_time (field 1, double), step (2, int64), and summary (5) values with a simple_value:
/// Value.tag (1) and Value.simple_value (2, float).
type Event = { WallTime: float; Step: int64; Scalars: (string * float32) list; FileVersion: string option }

let decodeEvent (msg: byte[]) =
    let fs = fields msg
    let one n = fs |> List.tryFind (fun f -> f.Number = n)
    let scalars =
        [ for s in fs |> List.filter (fun f -> f.Number = 5) do
            for v in fields s.Bytes |> List.filter (fun f -> f.Number = 1) do
                let vf = fields v.Bytes
                let tag = vf |> List.find (fun f -> f.Number = 1)
                // values without simple_value are the run's config (text and hparams plugins, at step 0)
                match vf |> List.tryFind (fun f -> f.Number = 2 && f.Wire = 5) with
                | Some simple -> yield Text.Encoding.UTF8.GetString tag.Bytes, BitConverter.ToSingle(simple.Bytes, 0)
                | None -> () ]
    { WallTime = (match one 1 with Some f -> BitConverter.ToDouble(f.Bytes, 0) | None -> 0.0)
      Step = (match one 2 with Some f -> int64 f.Varint | None -> 0L)
      Scalars = scalars
      FileVersion = one 3 |> Option.map (fun f -> Text.Encoding.UTF8.GetString f.Bytes) }

/// (step, value) rows of one column of a metrics CSV.
let private csv dir file column =
    let lines = File.ReadAllLines(Path.Combine(dir, "metrics", file))
    let i = lines[0].Split(',') |> Array.findIndex ((=) column)
    [ for l in lines[1..] -> let c = l.Split(',') in int64 c[0], float c[i] ]

[<Tests>]
let tests =
    testList "TensorBoard" [
        test "CRC-32C check values (RFC 3720 B.4: 32 zero bytes, 32 0xFF bytes; \"123456789\")" {
            Expect.equal (crc32c (ReadOnlySpan(Array.zeroCreate<byte> 32))) 0x8A9136AAu "zeros"
            Expect.equal (crc32c (ReadOnlySpan(Array.create 32 0xFFuy))) 0x62A8AB43u "ones"
            Expect.equal (crc32c (ReadOnlySpan("123456789"B))) 0xE3069283u "check string"
        }
        test "a run's events file decodes and matches its CSV metrics tag by tag" {
            let dir = tempRun "tensorboard"
            let before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() |> float |> fun ms -> ms / 1000.0
            train (configWith tiny [ "TotalSteps", box 1500L; "TensorBoard", box true; "CheckpointPeriod", box 0L ]) dir |> ignore
            let after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() |> float |> fun ms -> ms / 1000.0
            let files = Directory.GetFiles(dir, "events.out.tfevents.*", SearchOption.AllDirectories)
            Expect.equal files.Length 1 "one events file"
            let events = records (File.ReadAllBytes files[0]) |> List.map decodeEvent
            Expect.equal events.Head.FileVersion (Some "brain.Event:2") "the first event names the file version"
            for e in events do
                Expect.isTrue (e.WallTime >= before - 1.0 && e.WallTime <= after + 1.0)
                    (sprintf "wall time %f (step %d, %A) is Unix seconds within the run [%f, %f]" e.WallTime e.Step e.FileVersion before after)
            let scalars tag = [ for e in events do for t, v in e.Scalars do if t = tag then e.Step, v ]
            let expectTag tag (rows: (int64 * float) list) =
                Expect.isNonEmpty rows $"{tag}: the CSV has rows"
                let expected = rows |> List.map (fun (s, v) -> s, float32 v)
                Expect.equal (scalars tag) expected $"{tag}: the same steps and values as the CSV"
            expectTag "train/episode_return" (csv dir "episodes.csv" "return")
            expectTag "eval/mean_return" (csv dir "evaluations.csv" "mean_return")
            expectTag "train/loss" (csv dir "updates.csv" "loss")
            expectTag "train/mean_q" (csv dir "updates.csv" "mean_q")
            expectTag "train/epsilon" (csv dir "updates.csv" "epsilon")
            expectTag "train/target_norm_difference" (csv dir "target_syncs.csv" "norm")
            expectTag "perf/steps_per_second" (csv dir "throughput.csv" "steps_per_second")
            let tags = events |> List.collect (fun e -> e.Scalars |> List.map fst) |> List.distinct |> List.sort
            Expect.equal tags (List.sort [ "train/episode_return"; "eval/mean_return"; "train/loss"; "train/mean_q"; "train/epsilon"
                                           "train/target_norm_difference"; "perf/steps_per_second" ]) "no other tags"
            deleteRuns [ dir ]
        }
    ]
