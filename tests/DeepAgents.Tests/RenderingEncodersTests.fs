module RenderingEncodersTests

open System
open System.IO
open System.Text
open Expecto
open Research.DeepAgents.Rendering
open RenderingDecoders

let private palette n = [| for i in 0 .. n - 1 -> Rgb(byte (i * 37), byte (255 - i), byte (i * 11)) |] :> Collections.Generic.IReadOnlyList<Rgb>

let private imageOf w h (pal: Collections.Generic.IReadOnlyList<Rgb>) (pixels: byte[]) =
    let image = IndexedImage(w, h, pal)
    pixels.CopyTo(image.Pixels)
    image

let private randomPixels (rng: Random) n colours = Array.init n (fun _ -> byte (rng.Next colours))

let private gifBytes w h pal loop (frames: (byte[] * int) list) =
    use ms = new MemoryStream()
    (use gif = new GifWriter(ms, w, h, pal, loop, leaveOpen = true)
     for pixels, delay in frames do gif.AddFrame(ReadOnlySpan pixels, delay))
    ms.ToArray()

[<Tests>]
let crcTests =
    // PNG chunks use System.IO.Hashing.Crc32: the check values of the PNG spec's CRC and a bitwise reference.
    testList "Rendering.Crc32" [
        test "known values: IEND, 123456789, empty; equals the bitwise reference" {
            let crc (bytes: byte[]) = IO.Hashing.Crc32.HashToUInt32(ReadOnlySpan bytes)
            Expect.equal (crc (Encoding.ASCII.GetBytes "IEND")) 0xAE426082u "CRC32(IEND)"
            Expect.equal (crc (Encoding.ASCII.GetBytes "123456789")) 0xCBF43926u "CRC-32 check value"
            Expect.equal (crc [||]) 0u "CRC32 of nothing"
            let rng = Random 7
            for n in [ 1; 3; 64; 1000 ] do
                let data = Array.init n (fun _ -> byte (rng.Next 256))
                Expect.equal (crc data) (crc32Bitwise data) $"bitwise reference, n={n}"
        }
    ]

[<Tests>]
let pngTests =
    testList "Rendering.Png" [
        test "indexed PNG: signature, chunk order, CRCs, header, palette and pixels round-trip" {
            let pal = palette 13
            let pixels = randomPixels (Random 1) (37 * 23) 13
            use ms = new MemoryStream()
            PngEncoder.WriteIndexed(ms, imageOf 37 23 pal pixels)
            let bytes = ms.ToArray()
            Expect.equal bytes[0..7] pngSignature "signature"
            let chunks = pngChunks bytes
            Expect.equal (chunks |> List.map (fun c -> c.Type)) [ "IHDR"; "PLTE"; "IDAT"; "IEND" ] "chunk order"
            for c in chunks do
                Expect.equal c.Crc (crc32Bitwise (Array.append (Encoding.ASCII.GetBytes c.Type) c.Data)) $"CRC of {c.Type}"
            Expect.equal bytes[bytes.Length - 4 ..] [| 0xAEuy; 0x42uy; 0x60uy; 0x82uy |] "IEND CRC bytes"
            let png = decodePng bytes
            Expect.equal (png.Width, png.Height, png.BitDepth, png.ColourType) (37, 23, 8, 3) "IHDR"
            Expect.equal png.Palette [| for c in pal do yield! [ c.R; c.G; c.B ] |] "PLTE"
            Expect.equal png.Samples pixels "pixels"
        }
        test "RGB PNG round-trips the samples" {
            let rgb = randomPixels (Random 2) (5 * 4 * 3) 256
            use ms = new MemoryStream()
            PngEncoder.WriteRgb(ms, 5, 4, ReadOnlySpan rgb)
            let png = decodePng (ms.ToArray())
            Expect.equal (png.Width, png.Height, png.ColourType) (5, 4, 2) "IHDR"
            Expect.equal png.Samples rgb "samples"
            Expect.isFalse (png.Chunks |> List.exists (fun c -> c.Type = "PLTE")) "no PLTE in truecolour"
        }
        test "IndexedImage.ToRgb matches the palette lookup" {
            let pal = palette 4
            let image = imageOf 2 1 pal [| 3uy; 1uy |]
            Expect.equal (image.ToRgb()) [| pal[3].R; pal[3].G; pal[3].B; pal[1].R; pal[1].G; pal[1].B |] "rgb"
        }
        test "bad input names the problem" {
            expectThrows<ArgumentException> (fun () -> PngEncoder.WriteRgb(Stream.Null, 2, 2, ReadOnlySpan(Array.zeroCreate<byte> 11))) "needs width*height*3 = 12"
            let image = imageOf 2 1 (palette 2) [| 0uy; 5uy |]
            expectThrows<ArgumentException> (fun () -> PngEncoder.WriteIndexed(Stream.Null, image)) "pixel index 5 is outside the palette of 2"
            Expect.throwsT<ArgumentException> (fun () -> IndexedImage(1, 1, palette 257) |> ignore) "257 colours"
        }
    ]

[<Tests>]
let gifTests =
    testList "Rendering.Gif" [
        test "header, padded global palette, NETSCAPE2.0 loop, frame count, delays, trailer" {
            let pal = palette 5
            let frames = [ for k in 0..3 -> randomPixels (Random k) (9 * 6) 5, 7 + k ]
            let gif = decodeGif (gifBytes 9 6 pal 0 frames)
            Expect.equal (gif.Width, gif.Height) (9, 6) "logical screen"
            Expect.equal gif.Palette.Length (8 * 3) "5 colours padded to 8"
            Expect.equal gif.Palette[0 .. 14] [| for c in pal do yield! [ c.R; c.G; c.B ] |] "palette"
            Expect.equal gif.LoopCount (Some 0) "loop forever"
            Expect.equal gif.Frames.Length 4 "frames"
            Expect.equal (gif.Frames |> List.map (fun f -> f.Delay)) [ 7; 8; 9; 10 ] "delays"
            Expect.allEqual (gif.Frames |> List.map (fun f -> f.Disposal)) 1 "do not dispose"
            Expect.isTrue gif.EndsWithTrailer "trailer 0x3B is the last byte"
            let bytes = gifBytes 9 6 pal 3 frames
            Expect.equal (decodeGif bytes).LoopCount (Some 3) "loop count 3"
        }
        test "pixels round-trip exactly for palette sizes 2..256 and image sizes 1x1..300x200" {
            for colours, w, h, seed in [ 1, 1, 1, 0; 2, 7, 3, 1; 3, 16, 16, 2; 16, 64, 40, 3; 100, 50, 50, 4; 256, 300, 200, 5 ] do
                let pal = palette colours
                let frames = [ for k in 0..2 -> randomPixels (Random(seed * 10 + k)) (w * h) colours, 5 ]
                let gif = decodeGif (gifBytes w h pal 0 frames)
                for (pixels, _), frame in List.zip frames gif.Frames do
                    Expect.equal frame.Canvas pixels $"{colours} colours, {w}x{h}"
        }
        test "short images of every length round-trip (code-width growth right before end-of-information)" {
            // 1 0 0 0 1 0 0 0 0 1 0 1 1 1 0 1 1 makes the decoder widen
            // codes just before reading the end code.
            let tail = [| 1uy; 0uy; 0uy; 0uy; 1uy; 0uy; 0uy; 0uy; 0uy; 1uy; 0uy; 1uy; 1uy; 1uy; 0uy; 1uy; 1uy |]
            let cases = [ yield tail; for n in 1..48 do for seed in 0..15 do yield randomPixels (Random(n * 100 + seed)) n (1 + seed % 4) ]
            for pixels in cases do
                let gif = decodeGif (gifBytes pixels.Length 1 (palette 4) 0 [ pixels, 1 ])
                Expect.equal gif.Frames.Head.Canvas pixels $"%A{pixels}"
        }
        test "a full code table forces clear codes and still round-trips" {
            // 256 colours of noise fill the 4096-entry table after ~3800 codes.
            let pixels = randomPixels (Random 11) (200 * 200) 256
            let gif = decodeGif (gifBytes 200 200 (palette 256) 0 [ pixels, 1 ])
            Expect.isGreaterThan gif.Frames.Head.LzwClears 2 "clear codes beyond the first"
            Expect.equal gif.Frames.Head.Canvas pixels "pixels"
        }
        test "long runs reach 12-bit codes and round-trip" {
            let pixels = Array.init (400 * 400) (fun i -> byte ((i / 5000) % 3))
            let gif = decodeGif (gifBytes 400 400 (palette 3) 0 [ pixels, 1 ])
            Expect.equal gif.Frames.Head.Canvas pixels "pixels"
        }
        test "later frames store only the changed rectangle (1x1 when nothing changed)" {
            let pal = palette 4
            let a = Array.zeroCreate<byte> (20 * 10)
            let b = Array.copy a
            b[3 * 20 + 5] <- 2uy
            b[6 * 20 + 12] <- 3uy
            let gif = decodeGif (gifBytes 20 10 pal 0 [ a, 1; a, 1; b, 1 ])
            let rects = gif.Frames |> List.map (fun f -> f.Left, f.Top, f.Width, f.Height)
            Expect.equal rects [ 0, 0, 20, 10; 0, 0, 1, 1; 5, 3, 8, 4 ] "stored rectangles"
            Expect.equal (gif.Frames |> List.map (fun f -> f.Canvas)) [ a; a; b ] "composited frames"
        }
        test "bad frames are rejected with the reason" {
            use gif = new GifWriter(Stream.Null, 3, 2, palette 3, leaveOpen = true)
            expectThrows<ArgumentException> (fun () -> gif.AddFrame(ReadOnlySpan(Array.zeroCreate<byte> 5), 1)) "needs 3x2 = 6"
            expectThrows<ArgumentException> (fun () -> gif.AddFrame(ReadOnlySpan [| 0uy; 1uy; 2uy; 3uy; 0uy; 0uy |], 1)) "pixel index 3 is outside the palette of 3"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> gif.AddFrame(ReadOnlySpan(Array.zeroCreate<byte> 6), 70000)) "delay"
            expectThrows<ArgumentException> (fun () -> gif.AddFrame(IndexedImage(3, 2, palette 4), 1)) "palette differs"
        }
    ]
