module TorchRuntimeTests

open System.Threading.Tasks
open Expecto
open TorchSharp
open Research.DeepAgents.Torch
open TorchTestSupport

[<Tests>]
let tests =
    testList "Torch.Runtime" [
        test "libtorch loads (patched libLibTorchSharp.so) and computes" {
            init ()
            use t = torch.tensor([| 1.0f; 2.0f; 3.5f |])
            use s = t.sum()
            Expect.equal (s.item<float32>()) 6.5f "sum of a tensor"
        }
        // Sequenced: libtorch's thread count is process-wide, and other tests compare runs byte for byte.
        testSequenced <| test "Initialize sets the intra-op thread count and is idempotent" {
            TorchRuntime.Initialize 2
            Expect.equal TorchRuntime.Threads 2 "two threads"
            TorchRuntime.Initialize 1
            TorchRuntime.Initialize 1
            Expect.equal TorchRuntime.Threads 1 "back to one thread"
        }
        test "Initialize is safe from many threads at once" {
            Parallel.For(0, 16, fun _ -> TorchRuntime.Initialize 1) |> ignore
            Expect.equal TorchRuntime.Threads 1 "one thread"
        }
        test "Initialize rejects fewer than one thread" {
            throwsWith [ "threads"; "at least 1" ] (fun () -> TorchRuntime.Initialize 0)
        }
    ]
