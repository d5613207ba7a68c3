/// Tests of frame-stack-aware replay storage (Replay/FrameStackReplay.cs).
module FrameStackTests

open System
open System.IO
open Expecto
open Research.DeepAgents.Replay

/// A 2x3 frame whose bytes identify (episode, time): 10 * episode + time, then the pixel index.
let frame (episode: int) (t: int) = Array.init 6 (fun i -> byte ((40 * episode + 6 * t + i) % 251 + 1))

let stackOf (replay: FrameStackReplay) slot =
    let destination = Array.zeroCreate<byte> replay.ObservationSize
    replay.CopyStack(slot, Span destination)
    destination

/// The agent's own state (Dopamine): zeros at episode start, then shift left and append each new frame.
type AgentState(stack: int, frameSize: int) =
    let state = Array.zeroCreate<byte> (stack * frameSize)
    member _.Reset(first: byte[]) =
        Array.Clear state
        Array.blit first 0 state ((stack - 1) * frameSize) frameSize
    member _.Push(next: byte[]) =
        Array.blit state frameSize state 0 ((stack - 1) * frameSize)
        Array.blit next 0 state ((stack - 1) * frameSize) frameSize
    member _.Value = Array.copy state

/// Feeds episodes of the given lengths; checks after every write that the newest slot's stack equals the
/// agent's state; returns the expected stack of every (slot -> write) still stored.
let feed (replay: FrameStackReplay) (lengths: int list) (terminal: int -> bool) =
    let agent = AgentState(replay.Stack, replay.FrameSize)
    let expected = Collections.Generic.Dictionary<int, byte[]>()
    let newest () = (replay.Cursor + replay.Capacity - 1) % replay.Capacity
    lengths |> List.iteri (fun e length ->
        let first = frame e 0
        replay.BeginEpisode(ReadOnlySpan first)
        agent.Reset first
        expected.[newest ()] <- agent.Value
        Expect.equal (stackOf replay (newest ())) agent.Value $"episode {e} start"
        for t in 1 .. length do
            let next = frame e t
            replay.Add(t % 3, float32 t, (terminal e && t = length), ReadOnlySpan next)
            agent.Push next
            expected.[newest ()] <- agent.Value
            Expect.equal (stackOf replay (newest ())) agent.Value $"episode {e} step {t}")
    expected

[<Tests>]
let frameStackTests =
    testList "Replay.FrameStack" [
        test "stacks are frames t-3..t, oldest first, zeroed before the episode start" {
            let replay = FrameStackReplay(2, 3, 4, 32)
            feed replay [ 5; 2 ] (fun _ -> true) |> ignore
            let zero = Array.zeroCreate<byte> 6
            Expect.equal (stackOf replay 0) (Array.concat [ zero; zero; zero; frame 0 0 ]) "first slot"
            Expect.equal (stackOf replay 2) (Array.concat [ zero; frame 0 0; frame 0 1; frame 0 2 ]) "third slot"
            Expect.equal (stackOf replay 5) (Array.concat [ frame 0 2; frame 0 3; frame 0 4; frame 0 5 ]) "full stack"
            // Episode 1 starts in slot 6: nothing of episode 0 leaks into its stacks.
            Expect.isTrue (replay.IsEpisodeStart 6) "marker"
            Expect.equal (stackOf replay 6) (Array.concat [ zero; zero; zero; frame 1 0 ]) "new episode, first slot"
            Expect.equal (stackOf replay 8) (Array.concat [ zero; frame 1 0; frame 1 1; frame 1 2 ]) "new episode, third slot"
        }
        test "round trip of a trajectory: every stored stack equals the agent's state, also after wrap-around and with small chunks" {
            let lengths = [ 7; 1; 3; 9; 2; 5; 4 ]
            let reference = FrameStackReplay(2, 3, 4, 13)
            let chunked = FrameStackReplay(2, 3, 4, 13, 4)
            let expected = feed reference lengths (fun e -> e % 2 = 0)
            feed chunked lengths (fun e -> e % 2 = 0) |> ignore
            Expect.equal reference.Count 13 "full"
            for slot in 0 .. 12 do
                let rebuilt = stackOf reference slot
                Expect.equal (stackOf chunked slot) rebuilt $"chunked slot {slot}"
                if reference.HasTransition slot || (slot = (reference.Cursor + 12) % 13) then
                    Expect.equal rebuilt expected.[slot] $"slot {slot}"
                let floats = Array.zeroCreate<float32> reference.ObservationSize
                reference.CopyObservation(slot, Span floats)
                Expect.equal floats (rebuilt |> Array.map float32) $"float copy of slot {slot}"
        }
        test "after wrap-around, slots whose older frames were overwritten are not sampleable unless their episode started in between" {
            let replay = FrameStackReplay(2, 3, 4, 6)
            // One long episode of 9 frames in 6 slots: frames 3..8 remain;
            // slots of frames 3, 4, 5 lack history.
            feed replay [ 8 ] (fun _ -> false) |> ignore
            // Cursor = 9 mod 6 = 3: slot 3 holds frame 3 (oldest), slot 2 frame 8 (newest).
            Expect.equal replay.Cursor 3 "cursor"
            Expect.isFalse (replay.HasTransition 3) "frame 3 needs frames 0..2"
            Expect.isFalse (replay.HasTransition 4) "frame 4 needs frames 1..2"
            Expect.isFalse (replay.HasTransition 5) "frame 5 needs frame 2"
            Expect.isTrue (replay.HasTransition 0) "frame 6 has frames 3..5"
            Expect.isTrue (replay.HasTransition 1) "frame 7"
            Expect.isFalse (replay.HasTransition 2) "newest: no transition yet"
            Expect.equal replay.TransitionCount 5 "stored transitions"
            // A new episode whose start is one of the oldest slots keeps its stacks.
            let replay2 = FrameStackReplay(2, 3, 4, 6)
            feed replay2 [ 3; 3 ] (fun _ -> false) |> ignore
            // Writes: e0 frames 0..3 in slots 0..3, e1 frames 0..3 in slots 4, 5, 0, 1.
            // Oldest is slot 2 (e0 frame 2).
            Expect.isFalse (replay2.HasTransition 2) "e0 frame 2 lost frames 0, 1"
            Expect.isTrue (replay2.HasTransition 4) "e1 start: no history needed"
            Expect.isTrue (replay2.HasTransition 5) "e1 frame 1: history from its start"
        }
        test "float overloads store the newest frame of a stack and reject other sizes" {
            let replay = FrameStackReplay(2, 3, 4, 8)
            let stack = Array.init 24 (fun i -> float32 (i * 10 % 256))
            replay.BeginEpisode(ReadOnlySpan stack)
            Expect.equal (replay.Frame(0).ToArray()) (stack.[18..] |> Array.map byte) "last frame of the stack"
            replay.Add(1, 0.5f, false, ReadOnlySpan [| 1f; 2f; 3f; 4f; 5f; 6f |])
            Expect.equal (replay.Frame(1).ToArray()) [| 1uy; 2uy; 3uy; 4uy; 5uy; 6uy |] "single frame"
            let e = Expect.throwsC (fun () -> replay.Add(0, 0f, false, ReadOnlySpan(Array.zeroCreate<float32> 7))) id
            Expect.stringContains e.Message "has 7 values; expected one frame (6) or a stack of 4 (24)" "message"
            Expect.throwsT<InvalidOperationException> (fun () -> FrameStackReplay(2, 3, 4, 8).Add(0, 0f, false, ReadOnlySpan(Array.zeroCreate<byte> 6))) "Add before BeginEpisode"
        }
        test "n-step returns and the sampler work on it (episode ends are respected)" {
            let replay = FrameStackReplay(2, 3, 4, 32)
            let nStep = NStepReturns(3, 0.5)
            feed replay [ 4; 2 ] (fun e -> e = 0) |> ignore
            // Episode 0: slots 0..4, rewards 1..4, terminal into slot 4.
            match nStep.TryGet(replay, 2) with
            | true, t -> Expect.equal (t.Steps, t.Terminated, t.Return) (2, true, 3.0 + 0.5 * 4.0) "slot 2"
            | _ -> failtest "slot 2 should be sampleable"
            let batch = NStepBatch(1, replay.ObservationSize)
            nStep.Fill(replay, ReadOnlySpan [| 1 |], batch)
            Expect.equal batch.Observations (stackOf replay 1 |> Array.map float32) "s_t stack"
            Expect.equal batch.BootstrapObservations (stackOf replay 4 |> Array.map float32) "s_{t+3} stack"
        }
        test "save and load round-trip (with chunks)" {
            let replay = FrameStackReplay(2, 3, 4, 11, 4)
            feed replay [ 6; 3; 4 ] (fun e -> e = 1) |> ignore
            use stream = new MemoryStream()
            replay.Save(new BinaryWriter(stream))
            stream.Position <- 0L
            let copy = FrameStackReplay(2, 3, 4, 11, 2)
            copy.Load(new BinaryReader(stream))
            Expect.equal (copy.Cursor, copy.Count, copy.TransitionCount, copy.AddCount) (replay.Cursor, replay.Count, replay.TransitionCount, replay.AddCount) "counters"
            for slot in 0 .. 10 do
                Expect.equal (stackOf copy slot) (stackOf replay slot) $"stack {slot}"
                Expect.equal (copy.HasTransition slot, copy.ActionAt slot, copy.RewardAt slot, copy.TerminatedAt slot)
                             (replay.HasTransition slot, replay.ActionAt slot, replay.RewardAt slot, replay.TerminatedAt slot) $"transition {slot}"
            stream.Position <- 0L
            Expect.throwsT<InvalidDataException> (fun () -> FrameStackReplay(2, 3, 3, 11).Load(new BinaryReader(stream))) "shape mismatch"
        }
    ]
