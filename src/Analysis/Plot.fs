/// Low-level figure building on Plotly.NET: traces and layout as plotly.js JSON properties (set through
/// Plotly.NET's DynamicObj), a paper-like house style, captions, and offline HTML (plotly.js inline).
module Research.Analysis.Plot

open System
open Plotly.NET
open DynamicObj

/// A nested plotly.js object from (key, value) pairs.
let obj (props: (string * objnull) list) : objnull =
    let o = DynamicObj()
    for k, v in props do
        match v with
        | null -> ()
        | v -> o.SetProperty(k, v)
    box o

let private apply (o: #DynamicObj) (props: (string * objnull) list) =
    for k, v in props do
        match v with
        | null -> ()
        | v -> o.SetProperty(k, v)
    o

/// A scatter/line trace (plotly.js `scatter`).
let scatter (props: (string * objnull) list) : Trace = apply (Trace2D.initScatter id) props :> Trace

/// A bar trace (plotly.js `bar`).
let bar (props: (string * objnull) list) : Trace = apply (Trace2D.initBar id) props :> Trace

/// A polar scatter trace (plotly.js `scatterpolar`).
let scatterPolar (props: (string * objnull) list) : Trace = apply (TracePolar.initScatterPolar id) props :> Trace

/// The house palette (Okabe-Ito, colour-blind safe), cycled.
let palette =
    [| "#0072B2"; "#D55E00"; "#009E73"; "#CC79A7"; "#E69F00"; "#56B4E9"; "#000000"; "#F0E442" |]

/// Colour i of the palette.
let colour (i: int) = palette[((i % palette.Length) + palette.Length) % palette.Length]

/// A hex colour with opacity, as rgba().
let withAlpha (alpha: float) (hex: string) =
    let v = Convert.ToInt32(hex.TrimStart('#'), 16)
    sprintf "rgba(%d,%d,%d,%g)" ((v >>> 16) &&& 255) ((v >>> 8) &&& 255) (v &&& 255) alpha

/// Default figure size in CSS pixels (the PNG export uses the same size).
let width, height = 1100, 700

/// Breaks text into lines of at most `chars` characters at spaces (plotly does not wrap annotations).
let wrap (chars: int) (text: string) =
    let lines = ResizeArray<string>()
    for paragraph in text.Split('\n') do
        let mutable line = ""
        for word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries) do
            if line.Length > 0 && line.Length + 1 + word.Length > chars then
                lines.Add line
                line <- word
            else line <- (if line.Length = 0 then word else line + " " + word)
        lines.Add line
    String.Join("<br>", lines)

/// An axis in the house style: title with units, outside ticks, light grid, a line on the axis.
let axis (title: string) (extra: (string * objnull) list) =
    obj (
        [ "title", obj [ "text", box title; "font", obj [ "size", box 15 ] ]
          "showline", box true; "linecolor", box "#444"; "linewidth", box 1; "mirror", box false
          "ticks", box "outside"; "tickcolor", box "#444"; "showgrid", box true; "gridcolor", box "#e6e6e6"
          "zeroline", box false; "automargin", box true ]
        @ extra)

/// Number of caption lines after wrapping (for the bottom margin).
let private captionLines (caption: string) = (wrap 150 caption).Split("<br>").Length

/// The layout of a figure: title, caption as an annotation `gap` pixels under the plot area (room for
/// the x tick labels and axis title), legend, fonts, size.
let layoutWith (gap: int) (title: string) (caption: string) (extra: (string * objnull) list) : Layout =
    let lines = captionLines caption
    let bottom = gap + 8 + 18 * lines
    apply
        (Layout())
        ([ "title", obj [ "text", box (sprintf "<b>%s</b>" title); "x", box 0.01; "xanchor", box "left"; "font", obj [ "size", box 19 ] ]
           "font", obj [ "family", box "Helvetica, Arial, sans-serif"; "size", box 14; "color", box "#222" ]
           "paper_bgcolor", box "white"; "plot_bgcolor", box "white"
           "width", box width; "height", box height
           "margin", obj [ "l", box 80; "r", box 30; "t", box (if title.Contains "<br>" then 95 else 70); "b", box bottom ]
           "legend", obj [ "bgcolor", box "rgba(255,255,255,0.85)"; "bordercolor", box "#ccc"; "borderwidth", box 1 ]
           "annotations",
           box [| obj [ "text", box (wrap 150 caption); "xref", box "paper"; "yref", box "paper"
                        "x", box 0.0; "y", box 0.0; "xanchor", box "left"; "yanchor", box "top"
                        "yshift", box -(bottom - 18 * lines - 8); "align", box "left"; "showarrow", box false
                        "font", obj [ "size", box 12; "color", box "#555" ] ] |] ]
         @ extra)

/// `layoutWith 72`: the caption under x tick labels and an axis title.
let layout title caption extra = layoutWith 72 title caption extra

/// Display options that put the whole plotly.js into the HTML (renders offline; no CDN).
let offline = DisplayOptions.init (PlotlyJSReference = PlotlyJSReference.Full)

/// The interactive toolbar appears on hover only (never in PNGs), without the plotly logo.
let config =
    let c = Config()
    c.SetProperty("displayModeBar", "hover")
    c.SetProperty("displaylogo", false)
    c.SetProperty("responsive", false)
    c

/// A chart from traces and a layout, rendering offline.
let chart (traces: Trace list) (layout: Layout) : GenericChart =
    GenericChart.ofTraceObjects true traces
    |> GenericChart.setLayout layout
    |> GenericChart.setConfig config
    |> GenericChart.setDisplayOptions offline

/// A title with a smaller second line (the setting: MDP, gamma, noise, ...).
let titled (title: string) (subtitle: string) =
    sprintf "%s<br><span style=\"font-size:13px;font-weight:normal;color:#555\">%s</span>" title subtitle

/// A mean line with a +-band: the upper and lower edges (no legend entry) and the line, sharing a
/// legend group so that clicking the legend hides all three. `shape`: plotly line shape (`linear`, or
/// `hv` for step functions).
let bandShaped (shape: string) (name: string) (colourHex: string) (xs: float[]) (mean: float[]) (lower: float[]) (upper: float[]) (extra: (string * objnull) list) =
    let group = "g:" + name
    [ scatter [ "x", box xs; "y", box upper; "mode", box "lines"; "line", obj [ "width", box 0; "shape", box shape ]
                "showlegend", box false; "legendgroup", box group; "hoverinfo", box "skip"; "name", box (name + " (upper)") ]
      scatter [ "x", box xs; "y", box lower; "mode", box "lines"; "line", obj [ "width", box 0; "shape", box shape ]; "fill", box "tonexty"
                "fillcolor", box (withAlpha 0.2 colourHex); "showlegend", box false; "legendgroup", box group
                "hoverinfo", box "skip"; "name", box (name + " (lower)") ]
      scatter ([ "x", box xs; "y", box mean; "mode", box "lines"; "name", box name; "legendgroup", box group
                 "line", obj [ "color", box colourHex; "width", box 2.2; "shape", box shape ] ] @ extra) ]

/// `bandShaped "linear"`.
let band name colourHex xs mean lower upper extra = bandShaped "linear" name colourHex xs mean lower upper extra

/// Replaces the y axis title of a chart.
let withYTitle (title: string) (chart: GenericChart) =
    let layout = GenericChart.getLayout chart
    match layout.TryGetPropertyValue "yaxis" with
    | Some(:? DynamicObj as y) -> y.SetProperty("title", obj [ "text", box title; "font", obj [ "size", box 15 ] ] |> nonNull)
    | _ -> ()
    chart

/// The trace names of a chart (tests and reports).
let traceNames (chart: GenericChart) =
    GenericChart.getTraces chart
    |> List.map (fun t ->
        match t.TryGetPropertyValue "name" with
        | Some n -> string n
        | None -> "")
