module RenderingGridTests

open System
open Expecto
open Research.DeepAgents.Rendering
open RenderingDecoders

let private names = [| "paddle"; "ball"; "trail"; "brick" |] :> Collections.Generic.IReadOnlyList<string>

let private planes (cells: (int * int * int) list) =
    let p = Array.zeroCreate<byte> (4 * 100)
    for ch, r, c in cells do p[ch * 100 + r * 10 + c] <- 1uy
    p

let private cellPixels (renderer: GridRenderer) (image: IndexedImage) r c size =
    let x, y = renderer.CellOrigin(r, c).ToTuple()
    [| for dy in 0 .. size - 1 do for dx in 0 .. size - 1 -> image[x + dx, y + dy] |]

let private countIn (image: IndexedImage) (rect: PixelRect) (pred: byte -> bool) =
    let mutable n = 0
    for y in rect.Y .. rect.Y + rect.Height - 1 do
        for x in rect.X .. rect.X + rect.Width - 1 do
            if pred image[x, y] then n <- n + 1
    n

[<Tests>]
let gridTests =
    testList "Rendering.Grid" [
        test "a set cell is drawn in its channel's colour, every other cell stays empty" {
            let renderer = GridRenderer(names)
            let image = renderer.Render(ReadOnlySpan(planes [ 1, 4, 7 ]), ReadOnlySpan<char>.Empty)
            for r in 0..9 do
                for c in 0..9 do
                    let expected = if (r, c) = (4, 7) then GridRenderer.ChannelColour 1 else GridPalette.EmptyCell
                    Expect.allEqual (cellPixels renderer image r c 24) expected $"cell ({r},{c})"
        }
        test "several channels in one cell split it into stripes in channel order" {
            let renderer = GridRenderer(names, options = GridRenderOptions(CellSize = 24))
            let image = renderer.Render(ReadOnlySpan(planes [ 3, 2, 2; 0, 2, 2; 2, 2, 2 ]), ReadOnlySpan<char>.Empty)
            let x, y = renderer.CellOrigin(2, 2).ToTuple()
            let column dx = [ for dy in 0..23 -> image[x + dx, y + dy] ] |> List.distinct
            Expect.equal (column 0) [ GridRenderer.ChannelColour 0 ] "left stripe = channel 0"
            Expect.equal (column 7) [ GridRenderer.ChannelColour 0 ] "8 px per stripe"
            Expect.equal (column 8) [ GridRenderer.ChannelColour 2 ] "middle stripe = channel 2"
            Expect.equal (column 23) [ GridRenderer.ChannelColour 3 ] "right stripe = channel 3"
        }
        test "grid lines separate cells; the layout puts the legend right of the grid and the status below" {
            let renderer = GridRenderer(names)
            let image = renderer.Render(ReadOnlySpan(planes []), ReadOnlySpan<char>.Empty)
            let g = renderer.GridArea
            Expect.equal (g.Width, g.Height) (10 * 25 + 1, 10 * 25 + 1) "grid with 1-px lines"
            Expect.equal image[g.X, g.Y + 5] GridPalette.GridLine "left border"
            Expect.equal image[g.X + 25, g.Y + 5] GridPalette.GridLine "line between columns 0 and 1"
            Expect.isGreaterThan renderer.LegendArea.X (g.X + g.Width) "legend right of grid"
            Expect.isGreaterThan renderer.StatusArea.Y (g.Y + g.Height) "status below grid"
            Expect.equal (image.Width, image.Height) (renderer.ImageWidth, renderer.ImageHeight) "image size"
        }
        test "legend: each channel's swatch in its colour next to text pixels" {
            let renderer = GridRenderer(names)
            let image = renderer.Render(ReadOnlySpan(planes []), ReadOnlySpan<char>.Empty)
            let legend = renderer.LegendArea
            Expect.isGreaterThan (countIn image legend (fun p -> p = GridPalette.Text)) 200 "legend text drawn"
            for ch in 0 .. names.Count - 1 do
                let colour = GridRenderer.ChannelColour ch
                let rows = [ for y in legend.Y .. legend.Y + legend.Height - 1 do if image[legend.X + 5, y] = colour then y ]
                Expect.isNonEmpty rows $"swatch of channel {ch}"
                let y = List.head rows
                let label = PixelRect(legend.X + 20, y, legend.Width - 20, 14)
                Expect.isGreaterThan (countIn image label (fun p -> p = GridPalette.Text)) 20 $"label of channel {ch}"
            Expect.equal (countIn image legend (fun p -> p >= GridPalette.FirstChannel)) (4 * 12 * 12) "four 12x12 swatch interiors"
        }
        test "status text is drawn, in red with a red grid border on alert" {
            let renderer = GridRenderer(names)
            let quiet = renderer.Render(ReadOnlySpan(planes []), ReadOnlySpan<char>.Empty)
            let normal = renderer.Render(ReadOnlySpan(planes []), "breakout  step 3\nreturn 1".AsSpan())
            let alert = renderer.Render(ReadOnlySpan(planes []), "breakout  step 3\nreturn 1".AsSpan(), true)
            let status = renderer.StatusArea
            Expect.equal (countIn quiet status (fun p -> p <> GridPalette.Background)) 0 "empty status"
            let textPixels = countIn normal status (fun p -> p = GridPalette.Text)
            Expect.isGreaterThan textPixels 100 "status text"
            Expect.equal (countIn alert status (fun p -> p = GridPalette.Alert)) textPixels "same glyphs in red"
            Expect.equal alert[renderer.GridArea.X, renderer.GridArea.Y + 30] GridPalette.Alert "red border"
            let secondLine = PixelRect(status.X, status.Y + status.Height / 2, status.Width, status.Height / 2)
            Expect.isGreaterThan (countIn normal secondLine (fun p -> p = GridPalette.Text)) 30 "second status line"
        }
        test "rendering into an existing image allocates nothing per frame" {
            let renderer = GridRenderer(names)
            let image = renderer.CreateImage()
            let p = planes [ 0, 9, 4; 1, 5, 5; 3, 1, 1 ]
            let allocatedBy renders =
                let before = GC.GetAllocatedBytesForCurrentThread()
                for _ in 1..renders do renderer.Render(ReadOnlySpan p, "breakout  step 3".AsSpan(), image)
                GC.GetAllocatedBytesForCurrentThread() - before
            allocatedBy 500 |> ignore // warm up past tiered-JIT promotion
            // Any per-render allocation would make 201 renders cost more than 1 on every attempt (the
            // measurement overhead is constant); the runtime's own one-off allocations (JIT tiering under
            // load) show in one attempt at most, so the smallest difference of three attempts must be 0.
            let extra = [ for _ in 1..3 -> allocatedBy 201 - allocatedBy 1 ] |> List.min
            Expect.equal extra 0L "bytes allocated by 201 renders beyond those of 1"
        }
        test "bad input is rejected with the reason" {
            let renderer = GridRenderer(names)
            expectThrows<ArgumentException> (fun () -> renderer.Render(ReadOnlySpan(Array.zeroCreate<byte> 399), ReadOnlySpan<char>.Empty) |> ignore) "expected channels*height*width = 4*10*10 = 400"
            let tooMany = Array.init 13 string :> Collections.Generic.IReadOnlyList<string>
            expectThrows<ArgumentOutOfRangeException> (fun () -> GridRenderer(tooMany) |> ignore) "1..12"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> GridRenderer(names, options = GridRenderOptions(CellSize = 2)) |> ignore) "cell size"
        }
    ]

[<Tests>]
let fontTests =
    testList "Rendering.Font" [
        test "every glyph is distinct, 5 wide, and a-z, 0-9 and _ all have one" {
            let chars = [ 'a' .. 'z' ] @ [ '0' .. '9' ] @ [ '_'; '.'; ':'; '-'; '+'; '='; '/'; '('; ')'; '?' ]
            for c in chars do Expect.isTrue (BitmapFont.HasGlyph c) $"glyph for {c}"
            let shapes = chars |> List.map (fun c -> BitmapFont.Glyph(c).ToArray())
            Expect.equal (List.distinct shapes).Length chars.Length "distinct glyphs"
            for c, rows in List.zip chars shapes do
                Expect.isTrue (rows.Length = 7 || rows.Length = 9) $"{c}: 7 rows (+2 descender)"
                Expect.isTrue (rows |> Array.forall (fun r -> r < 32uy)) $"{c}: 5 columns"
                Expect.isTrue (rows |> Array.exists (fun r -> r <> 0uy)) $"{c}: not blank"
        }
        test "drawing is clipped to the image (rectangles and text past any edge)" {
            let image = IndexedImage(10, 8, GridPalette.For 1)
            image.FillRect(-3, 6, 5, 10, 2uy)     // covers x 0..1, y 6..7
            image.FillRect(12, 0, 4, 4, 2uy)      // entirely right of the image
            image.FillRect(0, -9, 4, 4, 2uy)      // entirely above
            Expect.equal (image.Pixels.ToArray() |> Array.filter ((=) 2uy) |> Array.length) 4 "2x2 visible"
            BitmapFont.Draw(image, "hi there".AsSpan(), 6, 5, 2, 3uy)  // only the top-left of the h is inside
            // 'h' starts "#...." "#....": at scale 2 its column 0 covers x 6..7,
            // rows 0 and 1 cover y 5..8 (8 is clipped).
            Expect.equal (image.Pixels.ToArray() |> Array.filter ((=) 3uy) |> Array.length) 6 "the visible part of the h"
        }
        test "upper case draws as lower case; unknown characters draw as '?'" {
            Expect.equal (BitmapFont.Glyph('Q').ToArray()) (BitmapFont.Glyph('q').ToArray()) "Q"
            Expect.equal (BitmapFont.Glyph('~').ToArray()) (BitmapFont.Glyph('?').ToArray()) "~"
        }
        test "text occupies exactly the measured box" {
            let image = IndexedImage(100, 40, GridPalette.For 1)
            BitmapFont.Draw(image, "hi 42".AsSpan(), 3, 4, 2, GridPalette.Text)
            let xs = [ for y in 0..39 do for x in 0..99 do if image[x, y] = GridPalette.Text then x ]
            let ys = [ for y in 0..39 do for x in 0..99 do if image[x, y] = GridPalette.Text then y ]
            Expect.equal (List.min xs, List.max xs + 1) (3, 3 + BitmapFont.MeasureWidth("hi 42".AsSpan(), 2)) "horizontal extent"
            Expect.equal (List.min ys, List.max ys + 1) (4, 4 + 7 * 2) "vertical extent (no descenders)"
        }
    ]
