/// The third planning experiment of docs/planning.md ("Experiments"):
/// the measured contraction modulus against the bound of result 2, and the measured error under bounded
/// noise against the bound of result 3, from the errors.csv of a `prox plan` study (PVI target).
module Research.Analysis.PlanningBounds

open System
open System.Globalization
open Research.Theory
open Research.Analysis.Plot
open Research.Analysis.PlanningFiles

let private inv (x: float) = x.ToString("G4", CultureInfo.InvariantCulture)

/// Measured contraction of the runs of one c (noiseless study).
/// `Worst` = max over seeds and k of the per-iteration ratio e_{k+1} / e_k; `Mean` = their geometric mean;
/// `Bound` = rho = (1 + c gamma) / (1 + c) (result 2; gamma for VI); `Ratios` = number of ratios used.
type ContractionPoint = { C: float; Worst: float; Mean: float; Bound: float; Ratios: int }

/// Per c (ascending, VI last): the measured per-iteration ratios e_{k+1} / e_k with e = ||v_k - v*||_inf.
/// Ratios are taken only while e_k > `floor` e_0: v* is exact to ~1e-12, so at e_k ~ 1e-8 rounding alone
/// moves a ratio by ~1e-4; `contraction` uses floor = 1e-4 (ratios then carry errors below ~1e-8).
let contractionWith (floor: float) (errors: ErrorRow[]) : ContractionPoint[] =
    errors
    |> Array.groupBy (fun r -> r.C)
    |> Array.sortBy fst
    |> Array.map (fun (c, rows) ->
        let gamma = rows[0].Gamma
        let ratios =
            rows
            |> Array.groupBy (fun r -> r.Seed)
            |> Array.collect (fun (_, rs) ->
                let e = rs |> Array.sortBy (fun r -> r.Iteration) |> Array.map (fun r -> r.ErrorInf)
                let limit = floor * e[0]
                [| for k in 0 .. e.Length - 2 do
                     if e[k] > limit && e[k] > 0.0 then yield e[k + 1] / e[k] |])
        let worst = if ratios.Length = 0 then nan else Array.max ratios
        let mean = if ratios.Length = 0 then nan else exp (ratios |> Array.averageBy (fun r -> log (max r 1e-300)))
        { C = c; Worst = worst; Mean = mean; Bound = Contraction.pviModulus gamma c; Ratios = ratios.Length })

/// `contractionWith 1e-4`: ratios while the error exceeds 1e-4 of its initial value.
let contraction (errors: ErrorRow[]) = contractionWith 1e-4 errors

/// The bounded-noise setting of a study: Some e for `uniform:e` and `adversarial:e` (||eps||_inf <= e).
let noiseBound (noise: string) =
    match noiseScale noise with
    | ("uniform" | "adversarial"), e when Double.IsFinite e -> Some e
    | _ -> None

/// Per c (ascending, VI last): per k, the largest error over seeds and the bound of result 3,
/// rho^k e_0 + (1 - rho^k) e / (1 - gamma) with e_0 the run's initial error (NoiseBound.afterSteps).
let boundedNoise (e: float) (errors: ErrorRow[]) =
    errors
    |> Array.groupBy (fun r -> r.C)
    |> Array.sortBy fst
    |> Array.map (fun (c, rows) ->
        let gamma = rows[0].Gamma
        let e0 = rows |> Array.filter (fun r -> r.Iteration = 0) |> Array.map (fun r -> r.ErrorInf) |> Array.max
        let points =
            rows
            |> Array.groupBy (fun r -> r.Iteration)
            |> Array.sortBy fst
            |> Array.map (fun (k, rs) -> k, (rs |> Array.map (fun r -> r.ErrorInf) |> Array.max), NoiseBound.afterSteps gamma c k e0 e)
        c, points)

/// Largest measured / bound ratio over all c and k >= 1 (<= 1 when result 3 holds; at k = 0 both are e_0).
let worstBoundRatio (curves: (float * (int * float * float)[])[]) =
    curves |> Array.collect snd |> Array.filter (fun (k, _, _) -> k >= 1)
    |> Array.map (fun (_, m, b) -> if b > 0.0 then m / b else 0.0) |> Array.fold max 0.0

/// Measured contraction modulus vs the bound rho(c) = (1 + c gamma) / (1 + c) (log c axis), from a
/// noiseless study: the worst and the geometric-mean per-iteration ratio per c, the bound as a curve,
/// gamma (VI's modulus) as a dashed line.
let contractionFigure (caption: string) (errors: ErrorRow[]) : Plotly.NET.GenericChart =
    if errors.Length = 0 then invalidArg "errors" "errors is empty; contractionFigure needs the rows of errors.csv"
    let points = contraction errors
    let gamma = errors[0].Gamma
    let finite = points |> Array.filter (fun p -> Double.IsFinite p.C)
    let cMin, cMax =
        if finite.Length > 0 then (finite |> Array.map (fun p -> p.C) |> Array.min) / 2.0, (finite |> Array.map (fun p -> p.C) |> Array.max) * 2.0
        else 0.01, 100.0
    let grid = Array.init 200 (fun i -> cMin * Math.Pow(cMax / cMin, float i / 199.0))
    let marker i symbol (name: string) (ys: float[]) =
        scatter [ "x", box (finite |> Array.map (fun p -> p.C)); "y", box ys; "mode", box "markers"; "name", box name
                  "marker", obj [ "size", box 11; "symbol", box symbol; "color", box (colour i) ] ]
    let traces =
        [ scatter [ "x", box grid; "y", box (grid |> Array.map (Contraction.pviModulus gamma)); "mode", box "lines"
                    "name", box "bound ρ(c) = (1 + cγ)/(1 + c) (result 2)"; "line", obj [ "color", box (colour 1); "width", box 2.4 ] ]
          marker 0 "circle" "measured: worst e<sub>k+1</sub>/e<sub>k</sub> over seeds and k" (finite |> Array.map (fun p -> p.Worst))
          marker 2 "diamond" "measured: geometric mean of e<sub>k+1</sub>/e<sub>k</sub>" (finite |> Array.map (fun p -> p.Mean))
          scatter [ "x", box [| cMin; cMax |]; "y", box [| gamma; gamma |]; "mode", box "lines"
                    "name", box (sprintf "γ = %s (VI's modulus, c → ∞)" (inv gamma))
                    "line", obj [ "color", box "#000000"; "dash", box "dash"; "width", box 1.6 ] ] ]
    let vi =
        points |> Array.tryFind (fun p -> Double.IsPositiveInfinity p.C)
        |> Option.map (fun p -> sprintf "; VI measured worst %s" (inv p.Worst)) |> Option.defaultValue ""
    let title = titled "Empirical contraction modulus vs the bound" (sprintf "%s, γ = %s, noise %s%s" errors[0].Mdp (inv gamma) errors[0].Noise vi)
    chart traces
        (layout title caption
            [ "xaxis", axis "proximal weight c (log scale)" [ "type", box "log"; "tickvals", box (finite |> Array.map (fun p -> p.C)); "ticktext", box (finite |> Array.map (fun p -> inv p.C)) ]
              "yaxis", axis "per-iteration ratio ‖v<sub>k+1</sub> − v*‖<sub>∞</sub> / ‖v<sub>k</sub> − v*‖<sub>∞</sub>" []
              "legend", obj [ "x", box 0.99; "xanchor", box "right"; "y", box 0.99; "yanchor", box "top"
                              "bgcolor", box "rgba(255,255,255,0.85)"; "bordercolor", box "#ccc"; "borderwidth", box 1 ] ])

/// Measured error under bounded noise (largest over seeds, solid) vs the bound of result 3 (dotted,
/// same colour) per c, against k on a log y axis.
let boundedNoiseFigure (caption: string) (e: float) (errors: ErrorRow[]) : Plotly.NET.GenericChart =
    if errors.Length = 0 then invalidArg "errors" "errors is empty; boundedNoiseFigure needs the rows of errors.csv"
    let curves = boundedNoise e errors
    let traces =
        curves
        |> Array.toList
        |> List.mapi (fun i (c, pts) ->
            let col = if Double.IsPositiveInfinity c then "#000000" else colour i
            let ks = pts |> Array.map (fun (k, _, _) -> float k)
            let group = "b:" + Figures.cLabel c
            [ scatter [ "x", box ks; "y", box (pts |> Array.map (fun (_, m, _) -> max m 1e-12)); "mode", box "lines"; "name", box (Figures.cLabel c + ": measured (max over seeds)")
                        "legendgroup", box group; "line", obj [ "color", box col; "width", box 2.2 ] ]
              scatter [ "x", box ks; "y", box (pts |> Array.map (fun (_, _, b) -> b)); "mode", box "lines"; "name", box (Figures.cLabel c + ": bound")
                        "legendgroup", box group; "line", obj [ "color", box col; "width", box 1.6; "dash", box "dot" ] ] ])
        |> List.concat
    let gamma = errors[0].Gamma
    let title =
        titled "Error under bounded noise vs the bound ρ^k e₀ + (1 − ρ^k) e/(1 − γ)"
            (sprintf "%s, γ = %s, noise %s (|ε| ≤ %s); worst measured/bound = %s" errors[0].Mdp (inv gamma) errors[0].Noise (inv e) (inv (worstBoundRatio curves)))
    chart traces
        (layout title caption
            [ "xaxis", axis "iteration k" []
              "yaxis", axis "‖v<sub>k</sub> − v*‖<sub>∞</sub> (log scale)" [ "type", box "log"; "dtick", box "D2" ]
              "legend", obj [ "font", obj [ "size", box 11 ]; "bgcolor", box "rgba(255,255,255,0.85)"; "bordercolor", box "#ccc"; "borderwidth", box 1 ] ])
