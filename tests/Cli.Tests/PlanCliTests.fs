/// `prox plan` and `prox theory`: run as a real process (exit codes, output, CSV files) and once
/// in-process through the public entry point `Research.Cli.ProxApp.Run`.
module PlanCliTests

open System
open System.Globalization
open System.IO
open Expecto
open CliTestSupport

let private tempDir () =
    let d = Path.Combine(Path.GetTempPath(), $"prox-plan-test-{Guid.NewGuid():N}")
    Directory.CreateDirectory d |> ignore
    d

/// Splits one CSV line, honouring double quotes.
let private fields (line: string) =
    let out = Collections.Generic.List<string>()
    let sb = Text.StringBuilder()
    let mutable quoted = false
    for ch in line do
        if ch = '"' then quoted <- not quoted
        elif ch = ',' && not quoted then
            out.Add(sb.ToString())
            sb.Clear() |> ignore
        else sb.Append ch |> ignore
    out.Add(sb.ToString())
    out.ToArray()

/// "key=value key=value" -> map.
let private keyValues (line: string) =
    line.Trim().Split(' ') |> Array.map (fun kv -> let i = kv.IndexOf '=' in kv.[.. i - 1], kv.[i + 1 ..]) |> Map.ofArray

let private num (s: string) = Double.Parse(s, CultureInfo.InvariantCulture)

[<Tests>]
let tests =
    testList "prox plan and theory" [
        test "plan writes errors.csv, summary.csv and config.json with the documented columns" {
            let dir = tempDir ()
            let code, out, err =
                prox [ "plan"; "--mdp"; "garnet:states=20,actions=3,branching=4"; "--gamma"; "0.9"; "--noise"; "gaussian:1.0"
                       "--c"; "0.2,1,inf"; "--iterations"; "30"; "--seeds"; "4"; "--out"; dir ]
            Expect.equal code 0 $"exit code; stderr: {err}"
            Expect.stringContains out "inf (VI)" "table printed"
            let errors = File.ReadAllLines(Path.Combine(dir, "errors.csv"))
            Expect.equal errors.[0] "mdp,gamma,noise,c,seed,iteration,error_inf,error_l2" "errors header"
            Expect.equal errors.Length (1 + 3 * 4 * 31) "one row per (c, seed, iteration 0..K)"
            let row = fields errors.[1]
            Expect.equal row.Length 8 "8 fields (the mdp field is quoted)"
            Expect.equal row.[0] "garnet:states=20,actions=3,branching=4,seed=0,storage=sparse" "resolved mdp"
            Expect.equal (row.[1], row.[2], row.[3], row.[4], row.[5]) ("0.9", "gaussian:1", "0.2", "0", "0") "keys"
            Expect.isGreaterThanOrEqual (num row.[7]) (num row.[6]) "||e||_2 >= ||e||_inf"
            let summary = File.ReadAllLines(Path.Combine(dir, "summary.csv"))
            Expect.equal (fields summary.[0]).[0..8]
                [| "mdp"; "gamma"; "noise"; "c"; "beta"; "modulus"; "runs"; "mean_final_error_inf"; "se_final_error_inf" |] "summary header"
            Expect.equal summary.Length 4 "one row per c"
            Expect.equal (fields summary.[3]).[3] "inf" "VI row"
            // The summary's mean equals the mean of the final rows of errors.csv.
            let finals =
                errors.[1..] |> Array.map fields |> Array.filter (fun f -> f.[3] = "0.2" && f.[5] = "30") |> Array.map (fun f -> num f.[6])
            Expect.floatClose Accuracy.high (num (fields summary.[1]).[7]) (Array.average finals) "mean final error"
            let config = File.ReadAllText(Path.Combine(dir, "config.json"))
            Expect.stringContains config "\"iterations\": 30" "config iterations"
            Expect.stringContains config "\"noise\": \"gaussian:1\"" "config noise"
            Directory.Delete(dir, true)
        }
        test "plan accepts gridworld, chain, uniform/adversarial/no noise and PMPI steps" {
            for mdp, noise in [ "gridworld:size=4,slip=0.2", "uniform:0.5"; "chain:states=8", "adversarial:0.1"; "garnet:states=10,actions=2,branching=3,storage=dense", "none" ] do
                let dir = tempDir ()
                let code, _, err = prox [ "plan"; "--mdp"; mdp; "--noise"; noise; "--iterations"; "20"; "--seeds"; "2"; "--pmpi-steps"; "3"; "--out"; dir ]
                Expect.equal code 0 $"{mdp} {noise}: {err}"
                Expect.isTrue (File.Exists(Path.Combine(dir, "summary.csv"))) "summary written"
                Directory.Delete(dir, true)
        }
        test "bad flags exit 2 with a message naming the flag, the value and what is allowed" {
            for args, expected in
                [ [ "plan"; "--gamma"; "1.2" ], "invalid value for --gamma: '1.2'. Allowed: a number with 0 <= gamma < 1"
                  [ "plan"; "--c"; "0,-1" ], "invalid value for --c: '0,-1'. Allowed: numbers > 0 or inf (VI)"
                  [ "plan"; "--mdp"; "garnet:states=0" ], "invalid value for --mdp: 'garnet:states=0'. Allowed: garnet states an integer in 1..100000"
                  [ "plan"; "--noise"; "foo:1" ], "invalid value for --noise: 'foo:1'. Allowed: none | gaussian:SIGMA"
                  [ "plan"; "--mdp"; "garnet:states=5,branching=9" ], "garnet branching an integer in 1..states (= 5)"
                  [ "plan"; "--iterations"; "0" ], "invalid value for --iterations: '0'. Allowed: an integer >= 1"
                  [ "theory"; "modulus"; "--c"; "-3" ], "invalid value for --c: '-3'. Allowed: a number > 0, or inf for VI"
                  [ "theory"; "optimal-c"; "--sigma"; "-1" ], "invalid value for --sigma: '-1'. Allowed: a finite number >= 0" ] do
                let code, _, err = prox args
                Expect.equal code 2 $"exit code for {args}"
                Expect.stringContains err expected $"message for {args}"
        }
        test "theory optimal-c prints the check values of result 5 (gamma 0.9, K 200: beta 0.166, c 0.198, MSE 0.96, VI 5.26)" {
            let code, out, _ = prox [ "theory"; "optimal-c"; "--gamma"; "0.9"; "--iterations"; "200"; "--e0"; "10"; "--sigma"; "1" ]
            Expect.equal code 0 "exit code"
            let kv = keyValues out
            Expect.equal (Math.Round(num kv.["beta"], 3)) 0.166 "beta*"
            Expect.equal (Math.Round(num kv.["c"], 3)) 0.198 "c*"
            Expect.equal (Math.Round(num kv.["mse"], 2)) 0.96 "MSE at c*"
            Expect.equal (Math.Round(num kv.["mse_vi"], 2)) 5.26 "MSE of VI"
        }
        test "theory modulus and bound print the closed forms" {
            let _, out, _ = prox [ "theory"; "modulus"; "--gamma"; "0.9"; "--c"; "0.5" ]
            Expect.floatClose Accuracy.medium (num (keyValues out).["rho"]) ((1.0 + 0.5 * 0.9) / 1.5) "rho"
            let _, out, _ = prox [ "theory"; "bound"; "--gamma"; "0.9"; "--c"; "0.5"; "--iterations"; "100"; "--e0"; "10"; "--noise-bound"; "0.1" ]
            let rhoK = Math.Pow((1.0 + 0.5 * 0.9) / 1.5, 100.0)
            Expect.floatClose Accuracy.medium (num (keyValues out).["bound"]) (rhoK * 10.0 + (1.0 - rhoK) * 0.1 / 0.1) "bound"
            let _, out, _ = prox [ "theory"; "modulus"; "--gamma"; "0.9"; "--c"; "inf" ]
            Expect.equal (keyValues out).["rho"] "0.9" "VI modulus is gamma"
        }
        test "in-process entry point ProxApp.Run returns 2 for a bad flag and 0 for a small plan" {
            Expect.equal (Research.Cli.ProxApp.Run [| "plan"; "--noise"; "gaussian:-1" |]) 2 "bad noise"
            let dir = tempDir ()
            Expect.equal (Research.Cli.ProxApp.Run [| "plan"; "--iterations"; "5"; "--seeds"; "2"; "--out"; dir |]) 0 "plan"
            Expect.isTrue (File.Exists(Path.Combine(dir, "errors.csv"))) "errors.csv"
            Directory.Delete(dir, true)
        }
    ]
