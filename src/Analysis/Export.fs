/// Saving figures: a self-contained HTML file (plotly.js inline) and, when headless Chromium is
/// installed, a PNG screenshot of it.
module Research.Analysis.Export

open System
open System.Diagnostics
open System.IO
open Plotly.NET

/// What `save` wrote. `Png` is None when the PNG was skipped; `PngNote` says why (or where it went).
type SavedFigure = { Name: string; Html: string; Png: string option; PngNote: string }

/// The HTML of a chart (plotly.js inline, so it renders offline).
let html (chart: GenericChart) = chart |> GenericChart.setDisplayOptions Plot.offline |> GenericChart.toEmbeddedHTML

/// Where a figure's HTML gets plotly.js from. Both render offline.
type PlotlyJs =
    /// Inside every HTML file (~3.6 MB each): a single file can be mailed or moved alone.
    | Inline
    /// One `sharedPlotlyJsName` file in the figure's folder, referenced relatively by a
    /// `<script src>`: a report with many figures stays small; keep the folder together.
    | Shared

/// The plotly.js that Plotly.NET ships as an embedded resource (the version its HTML expects).
let private plotlyResource =
    lazy (let assembly = typeof<GenericChart>.Assembly
          assembly.GetManifestResourceNames()
          |> Array.tryFind (fun n -> n.StartsWith("Plotly.NET.plotly-") && n.EndsWith(".min.js"))
          |> Option.map (fun n -> assembly, n)
          |> Option.defaultWith (fun () -> failwith "Plotly.NET has no embedded plotly-*.min.js resource"))

/// File name of the shared plotly.js, e.g. `plotly-2.28.0.min.js`.
let sharedPlotlyJsName () = (snd plotlyResource.Value).Substring("Plotly.NET.".Length)

/// Writes DIR/plotly-X.Y.Z.min.js (when missing or of another size) and returns its path.
let writeSharedPlotlyJs (dir: string) : string =
    let assembly, resource = plotlyResource.Value
    Directory.CreateDirectory dir |> ignore
    let path = Path.Combine(dir, sharedPlotlyJsName ())
    use source = assembly.GetManifestResourceStream resource |> nonNull
    if not (File.Exists path && FileInfo(path).Length = source.Length) then
        let temp = path + ".tmp"
        (use target = File.Create temp
         source.CopyTo target)
        File.Move(temp, path, true)
    path

/// The HTML of a chart with plotly.js inline or referenced as `sharedPlotlyJsName` next to the file.
let htmlAs (plotly: PlotlyJs) (chart: GenericChart) =
    match plotly with
    | Inline -> html chart
    | Shared ->
        chart
        |> GenericChart.setDisplayOptions (DisplayOptions.init (PlotlyJSReference = PlotlyJSReference.CDN(sharedPlotlyJsName ())))
        |> GenericChart.toEmbeddedHTML

/// Headless Chromium: the environment variable PROX_CHROMIUM when set (a path, or `none` to disable
/// PNG export), else /usr/bin/chromium, else `chromium` or `chromium-browser` on PATH.
let findChromium () : string option =
    let onPath name =
        (Environment.GetEnvironmentVariable "PATH" |> Option.ofObj |> Option.defaultValue "").Split(Path.PathSeparator)
        |> Array.map (fun d -> Path.Combine(d, name))
        |> Array.tryFind File.Exists
    match Environment.GetEnvironmentVariable "PROX_CHROMIUM" with
    | "none" -> None
    | null | "" ->
        [ "/usr/bin/chromium" ] |> List.tryFind File.Exists
        |> Option.orElse (onPath "chromium")
        |> Option.orElse (onPath "chromium-browser")
    | path -> if File.Exists path then Some path else None

/// Screenshots an HTML file to a PNG with headless Chromium (window width x height). Error text on failure.
let screenshot (chromium: string) (htmlPath: string) (pngPath: string) (width: int) (height: int) : Result<string, string> =
    let profile = Path.Combine(Path.GetTempPath(), "prox-chromium-" + Guid.NewGuid().ToString("N"))
    Directory.CreateDirectory profile |> ignore
    try
        let args =
            [ "--headless"; "--no-sandbox"; "--disable-gpu"; "--disable-quic"; "--no-first-run"
              "--disable-background-networking"; "--disable-component-update"; "--disable-sync"
              "--hide-scrollbars"; "--virtual-time-budget=5000"
              $"--user-data-dir={profile}"; $"--screenshot={Path.GetFullPath pngPath}"
              $"--window-size={width},{height}"; Uri(Path.GetFullPath htmlPath).AbsoluteUri ]
        let psi = ProcessStartInfo(chromium, args, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
        use p = Process.Start psi |> nonNull
        let stderr = p.StandardError.ReadToEndAsync()
        p.StandardOutput.ReadToEnd() |> ignore
        if not (p.WaitForExit 120_000) then
            p.Kill true
            Error "chromium did not finish within 120 s"
        elif File.Exists pngPath && FileInfo(pngPath).Length > 0L then Ok pngPath
        else Error(sprintf "chromium exited with %d and wrote no PNG: %s" p.ExitCode (stderr.Result.Trim()))
    finally
        try Directory.Delete(profile, true) with _ -> ()

/// Writes DIR/NAME.html (plotly.js per `plotly`; `Shared` also writes DIR/plotly-X.Y.Z.min.js once) and,
/// when `png` is true and Chromium is available, DIR/NAME.png (the layout's size). The result says where
/// the PNG went or why it was skipped.
let saveAs (plotly: PlotlyJs) (png: bool) (dir: string) (name: string) (chart: GenericChart) : SavedFigure =
    Directory.CreateDirectory dir |> ignore
    if plotly = Shared then writeSharedPlotlyJs dir |> ignore
    let html = htmlAs plotly
    let htmlPath = Path.Combine(dir, name + ".html")
    File.WriteAllText(htmlPath, html chart)
    let pngPath = Path.Combine(dir, name + ".png")
    let layout = GenericChart.getLayout chart
    let size key fallback =
        match layout.TryGetPropertyValue key with
        | Some(:? int as v) -> v
        | _ -> fallback
    let w, h = size "width" Plot.width + 40, size "height" Plot.height + 40
    match (if png then findChromium () else None) with
    | None when not png -> { Name = name; Html = htmlPath; Png = None; PngNote = "PNG skipped: not requested" }
    | None ->
        { Name = name; Html = htmlPath; Png = None
          PngNote = "PNG skipped: headless Chromium not found (PROX_CHROMIUM, /usr/bin/chromium or chromium on PATH; Debian package 'chromium')" }
    | Some chromium ->
        // The PNG is taken from a copy without the toolbar (headless Chromium counts as hovering).
        let staticHtml = Path.Combine(dir, "." + name + ".static.html")
        let staticConfig = Config()
        staticConfig.SetProperty("displayModeBar", false)
        staticConfig.SetProperty("staticPlot", true)
        File.WriteAllText(staticHtml, html (GenericChart.setConfig staticConfig chart))
        let shot = try screenshot chromium staticHtml pngPath w h finally File.Delete staticHtml
        match shot with
        | Ok p -> { Name = name; Html = htmlPath; Png = Some p; PngNote = "PNG written by " + chromium }
        | Error e -> { Name = name; Html = htmlPath; Png = None; PngNote = "PNG skipped: " + e }

/// `saveAs Inline`: DIR/NAME.html with plotly.js inside (see `saveAs`).
let saveWith (png: bool) (dir: string) (name: string) (chart: GenericChart) : SavedFigure = saveAs Inline png dir name chart

/// Writes DIR/NAME.html and, when Chromium is available, DIR/NAME.png (see `saveWith`).
let save (dir: string) (name: string) (chart: GenericChart) : SavedFigure = saveWith true dir name chart
