/// Minimal PNG and GIF decoders written for the tests (from the PNG and GIF89a specifications), so the
/// encoders are checked by decoding their output back to the exact pixels, not by inspecting bytes.
module RenderingDecoders

open System
open System.IO
open System.IO.Compression
open System.Text

let private be32 (b: byte[]) i =
    (uint32 b[i] <<< 24) ||| (uint32 b[i + 1] <<< 16) ||| (uint32 b[i + 2] <<< 8) ||| uint32 b[i + 3]

let private le16 (b: byte[]) i = int b[i] ||| (int b[i + 1] <<< 8)

/// Reference CRC-32 (bitwise, no table) for checking the encoder's table-driven one.
let crc32Bitwise (data: byte[]) =
    let mutable c = 0xFFFFFFFFu
    for b in data do
        c <- c ^^^ uint32 b
        for _ in 1..8 do
            c <- if c &&& 1u <> 0u then 0xEDB88320u ^^^ (c >>> 1) else c >>> 1
    c ^^^ 0xFFFFFFFFu

type PngChunk = { Type: string; Data: byte[]; Crc: uint32 }

type PngImage =
    { Width: int
      Height: int
      ColourType: int
      BitDepth: int
      Palette: byte[]
      /// Samples per pixel row-major: 1 byte (indexed) or 3 bytes (RGB) per pixel.
      Samples: byte[]
      Chunks: PngChunk list }

let pngSignature = [| 0x89uy; 0x50uy; 0x4Euy; 0x47uy; 0x0Duy; 0x0Auy; 0x1Auy; 0x0Auy |]

/// Splits a PNG into chunks (checking the signature) without validating CRCs.
let pngChunks (bytes: byte[]) =
    if bytes.Length < 8 || bytes[0..7] <> pngSignature then failwith "not a PNG signature"
    let rec go i acc =
        if i >= bytes.Length then List.rev acc
        else
            let len = int (be32 bytes i)
            let typ = Encoding.ASCII.GetString(bytes, i + 4, 4)
            let data = bytes[i + 8 .. i + 8 + len - 1]
            let crc = be32 bytes (i + 8 + len)
            go (i + 12 + len) ({ Type = typ; Data = data; Crc = crc } :: acc)
    go 8 []

/// Decodes an 8-bit, non-interlaced PNG whose scanlines all use filter type 0 (what PngEncoder writes).
let decodePng (bytes: byte[]) =
    let chunks = pngChunks bytes
    let ihdr = (chunks |> List.find (fun c -> c.Type = "IHDR")).Data
    let w, h = int (be32 ihdr 0), int (be32 ihdr 4)
    let colourType, depth = int ihdr[9], int ihdr[8]
    let bpp = if colourType = 3 then 1 elif colourType = 2 then 3 else failwithf "colour type %d" colourType
    let idat = chunks |> List.filter (fun c -> c.Type = "IDAT") |> List.collect (fun c -> List.ofArray c.Data) |> Array.ofList
    use z = new ZLibStream(new MemoryStream(idat), CompressionMode.Decompress)
    use raw = new MemoryStream()
    z.CopyTo raw
    let raw = raw.ToArray()
    if raw.Length <> h * (1 + w * bpp) then failwithf "inflated %d bytes, expected %d" raw.Length (h * (1 + w * bpp))
    let samples = Array.zeroCreate (w * h * bpp)
    for y in 0 .. h - 1 do
        let rowStart = y * (1 + w * bpp)
        if raw[rowStart] <> 0uy then failwithf "row %d uses filter %d" y raw[rowStart]
        Array.blit raw (rowStart + 1) samples (y * w * bpp) (w * bpp)
    let palette = chunks |> List.tryFind (fun c -> c.Type = "PLTE") |> Option.map (fun c -> c.Data) |> Option.defaultValue [||]
    { Width = w; Height = h; ColourType = colourType; BitDepth = depth; Palette = palette; Samples = samples; Chunks = chunks }

/// GIF LZW decoder (GIF89a Appendix F): variable code width from minCodeSize+1 up to 12, clear and
/// end-of-information codes, the KwKwK case. Fails on any code the table cannot hold yet.
let lzwDecode (minCodeSize: int) (data: byte[]) (pixelCount: int) =
    let clear, eoi = 1 <<< minCodeSize, (1 <<< minCodeSize) + 1
    let prefix = Array.zeroCreate<int> 4096
    let suffix = Array.zeroCreate<byte> 4096
    let first = Array.zeroCreate<byte> 4096
    for i in 0 .. clear - 1 do
        prefix[i] <- -1; suffix[i] <- byte i; first[i] <- byte i
    let output = ResizeArray<byte>(pixelCount)
    let emit code =
        let stack = Collections.Generic.Stack<byte>()
        let mutable c = code
        while c <> -1 do
            stack.Push suffix[c]; c <- prefix[c]
        for b in stack do output.Add b
    let mutable codeSize = minCodeSize + 1
    let mutable next = eoi + 1
    let mutable previous = -1
    let mutable bitPos = 0
    let mutable finished = false
    let mutable sawClear = false
    let mutable clears = 0
    while not finished do
        if bitPos + codeSize > data.Length * 8 then failwith "LZW data ended without an end-of-information code"
        let mutable code = 0
        for k in 0 .. codeSize - 1 do
            let bit = (int data[(bitPos + k) / 8] >>> ((bitPos + k) % 8)) &&& 1
            code <- code ||| (bit <<< k)
        bitPos <- bitPos + codeSize
        if code = clear then
            sawClear <- true; clears <- clears + 1
            codeSize <- minCodeSize + 1; next <- eoi + 1; previous <- -1
        elif code = eoi then finished <- true
        else
            if not sawClear then failwith "LZW stream does not start with a clear code"
            if previous = -1 then
                if code >= clear then failwithf "first code after clear is %d (not a pixel)" code
                emit code
            else
                if code > next then failwithf "code %d not yet defined (next %d)" code next
                let newFirst = if code < next then first[code] else first[previous]
                if next < 4096 then
                    prefix[next] <- previous; suffix[next] <- newFirst; first[next] <- first[previous]
                    next <- next + 1
                emit code
            if next = (1 <<< codeSize) && codeSize < 12 then codeSize <- codeSize + 1
            previous <- code
    if output.Count <> pixelCount then failwithf "LZW produced %d pixels, expected %d" output.Count pixelCount
    output.ToArray(), clears, codeSize

type GifFrame =
    { Delay: int
      Disposal: int
      Left: int
      Top: int
      Width: int
      Height: int
      LzwClears: int
      /// The whole canvas after this frame is drawn (palette indices).
      Canvas: byte[] }

type GifImage =
    { Width: int
      Height: int
      /// Global colour table as RGB triples (padded to a power of two).
      Palette: byte[]
      LoopCount: int option
      Frames: GifFrame list
      EndsWithTrailer: bool }

let private subBlocks (b: byte[]) (start: int) =
    let data = ResizeArray<byte>()
    let mutable i = start
    while b[i] <> 0uy do
        let n = int b[i]
        data.AddRange(b[i + 1 .. i + n])
        i <- i + 1 + n
    data.ToArray(), i + 1

/// Decodes a GIF89a with a global colour table, compositing frames with disposal "do not dispose".
let decodeGif (b: byte[]) =
    if Encoding.ASCII.GetString(b, 0, 6) <> "GIF89a" then failwith "not GIF89a"
    let w, h = le16 b 6, le16 b 8
    let packed = int b[10]
    if packed &&& 0x80 = 0 then failwith "no global colour table"
    let tableSize = 1 <<< ((packed &&& 7) + 1)
    let palette = b[13 .. 13 + 3 * tableSize - 1]
    let canvas = Array.create (w * h) b[11]
    let frames = ResizeArray<GifFrame>()
    let mutable loop = None
    let mutable delay, disposal = 0, 0
    let mutable i = 13 + 3 * tableSize
    let mutable trailer = false
    while not trailer && i < b.Length do
        match b[i] with
        | 0x21uy when b[i + 1] = 0xFFuy ->
            let id = Encoding.ASCII.GetString(b, i + 3, int b[i + 2])
            let data, after = subBlocks b (i + 3 + int b[i + 2])
            if id = "NETSCAPE2.0" && data.Length = 3 && data[0] = 1uy then loop <- Some(le16 data 1)
            i <- after
        | 0x21uy when b[i + 1] = 0xF9uy ->
            if b[i + 2] <> 4uy then failwith "graphic control extension size is not 4"
            disposal <- (int b[i + 3] >>> 2) &&& 7
            delay <- le16 b (i + 4)
            if b[i + 7] <> 0uy then failwith "graphic control extension not terminated"
            i <- i + 8
        | 0x21uy -> i <- snd (subBlocks b (i + 2))
        | 0x2Cuy ->
            let left, top, fw, fh = le16 b (i + 1), le16 b (i + 3), le16 b (i + 5), le16 b (i + 7)
            if int b[i + 9] &&& 0x80 <> 0 then failwith "unexpected local colour table"
            if left + fw > w || top + fh > h then failwith "frame outside the logical screen"
            let minCodeSize = int b[i + 10]
            let data, after = subBlocks b (i + 11)
            let pixels, clears, _ = lzwDecode minCodeSize data (fw * fh)
            for y in 0 .. fh - 1 do
                Array.blit pixels (y * fw) canvas ((top + y) * w + left) fw
            frames.Add { Delay = delay; Disposal = disposal; Left = left; Top = top; Width = fw; Height = fh; LzwClears = clears; Canvas = Array.copy canvas }
            i <- after
        | 0x3Buy -> trailer <- true
        | x -> failwithf "unexpected block 0x%02x at %d" x i
    { Width = w; Height = h; Palette = palette; LoopCount = loop; Frames = List.ofSeq frames; EndsWithTrailer = trailer && i = b.Length - 1 }

/// Runs f, expecting an exception of type 'e whose message contains fragment.
let expectThrows<'e when 'e :> exn> (f: unit -> unit) (fragment: string) =
    let thrown =
        try
            f ()
            None
        with
        | :? 'e as e -> Some e.Message
    match thrown with
    | None -> failwithf "expected %s containing '%s', nothing was thrown" typeof<'e>.Name fragment
    | Some message ->
        if not (message.Contains fragment) then
            failwithf "expected %s containing '%s', got '%s'" typeof<'e>.Name fragment message
