/// The batched Bellman backup Q = R + gamma P V for many runs at once (V holds one value vector
/// per run as its columns): one matrix-matrix product per iteration instead of one matrix-vector
/// product per run. Hand-written SIMD kernel over float[] (measured faster than MathNet's managed
/// provider, see docs/performance.md).
///
/// Layout: a rows x runs matrix is stored as column panels of `panelWidth` runs; element (i, r) is
/// at `index rows i r`. A panel row is two SIMD vectors, so the kernel reads V and writes Q with
/// aligned vector loads, and a 6-row x 2-vector register block does 12 fused multiply-adds per
/// next state (12 independent accumulators hide the FMA latency). Sums over next states run in ascending
/// order with FMAs, exactly like `Bellman.expectedNext`, so
/// results are bit-identical to the single-run reference.
module Research.Tabular.BatchKernel

open System
open System.Numerics
open System.Runtime.InteropServices
open System.Threading.Tasks
open Research.Tabular.Mdp

/// Runs per panel: two SIMD vectors of doubles.
let panelWidth = 2 * Vector<float>.Count

/// Number of panels needed for `runs` columns.
let panels (runs: int) = (runs + panelWidth - 1) / panelWidth

/// Offset of element (i, r) in a rows x runs panel matrix.
let inline index (rows: int) (i: int) (r: int) =
    (r / panelWidth) * rows * panelWidth + i * panelWidth + r % panelWidth

/// Allocates a zeroed rows x runs panel matrix (padded to whole panels).
let allocate (rows: int) (runs: int) : float[] = Array.zeroCreate (rows * panels runs * panelWidth)

/// Dense rows [i0, i1) of Q = R + gamma P V.
let private denseRows (p: float[]) (rewards: float[]) (gamma: float) (states: int) (rows: int) (npanels: int)
                      (v: float[]) (q: float[]) (i0: int) (i1: int) =
    let vv = MemoryMarshal.Cast<float, Vector<float>>(Span<float>(v))
    let qv = MemoryMarshal.Cast<float, Vector<float>>(Span<float>(q))
    let g = Vector<float>(gamma)
    let mutable i = i0
    while i + 6 <= i1 do
        let o0 = i * states
        let o1 = o0 + states
        let o2 = o1 + states
        let o3 = o2 + states
        let o4 = o3 + states
        let o5 = o4 + states
        for jb in 0 .. npanels - 1 do
            let vb = jb * states * 2
            let mutable a00 = Vector<float>.Zero
            let mutable a01 = Vector<float>.Zero
            let mutable a10 = Vector<float>.Zero
            let mutable a11 = Vector<float>.Zero
            let mutable a20 = Vector<float>.Zero
            let mutable a21 = Vector<float>.Zero
            let mutable a30 = Vector<float>.Zero
            let mutable a31 = Vector<float>.Zero
            let mutable a40 = Vector<float>.Zero
            let mutable a41 = Vector<float>.Zero
            let mutable a50 = Vector<float>.Zero
            let mutable a51 = Vector<float>.Zero
            for k in 0 .. states - 1 do
                let x0 = vv.[vb + 2 * k]
                let x1 = vv.[vb + 2 * k + 1]
                let p0 = Vector<float>(p.[o0 + k])
                a00 <- Vector.FusedMultiplyAdd(p0, x0, a00)
                a01 <- Vector.FusedMultiplyAdd(p0, x1, a01)
                let p1 = Vector<float>(p.[o1 + k])
                a10 <- Vector.FusedMultiplyAdd(p1, x0, a10)
                a11 <- Vector.FusedMultiplyAdd(p1, x1, a11)
                let p2 = Vector<float>(p.[o2 + k])
                a20 <- Vector.FusedMultiplyAdd(p2, x0, a20)
                a21 <- Vector.FusedMultiplyAdd(p2, x1, a21)
                let p3 = Vector<float>(p.[o3 + k])
                a30 <- Vector.FusedMultiplyAdd(p3, x0, a30)
                a31 <- Vector.FusedMultiplyAdd(p3, x1, a31)
                let p4 = Vector<float>(p.[o4 + k])
                a40 <- Vector.FusedMultiplyAdd(p4, x0, a40)
                a41 <- Vector.FusedMultiplyAdd(p4, x1, a41)
                let p5 = Vector<float>(p.[o5 + k])
                a50 <- Vector.FusedMultiplyAdd(p5, x0, a50)
                a51 <- Vector.FusedMultiplyAdd(p5, x1, a51)
            let qb = (jb * rows + i) * 2
            let r0 = Vector<float>(rewards.[i])
            qv.[qb + 0] <- r0 + g * a00
            qv.[qb + 1] <- r0 + g * a01
            let r1 = Vector<float>(rewards.[i + 1])
            qv.[qb + 2] <- r1 + g * a10
            qv.[qb + 3] <- r1 + g * a11
            let r2 = Vector<float>(rewards.[i + 2])
            qv.[qb + 4] <- r2 + g * a20
            qv.[qb + 5] <- r2 + g * a21
            let r3 = Vector<float>(rewards.[i + 3])
            qv.[qb + 6] <- r3 + g * a30
            qv.[qb + 7] <- r3 + g * a31
            let r4 = Vector<float>(rewards.[i + 4])
            qv.[qb + 8] <- r4 + g * a40
            qv.[qb + 9] <- r4 + g * a41
            let r5 = Vector<float>(rewards.[i + 5])
            qv.[qb + 10] <- r5 + g * a50
            qv.[qb + 11] <- r5 + g * a51
        i <- i + 6
    while i < i1 do
        let o = i * states
        for jb in 0 .. npanels - 1 do
            let vb = jb * states * 2
            let mutable a0 = Vector<float>.Zero
            let mutable a1 = Vector<float>.Zero
            for k in 0 .. states - 1 do
                let pk = Vector<float>(p.[o + k])
                a0 <- Vector.FusedMultiplyAdd(pk, vv.[vb + 2 * k], a0)
                a1 <- Vector.FusedMultiplyAdd(pk, vv.[vb + 2 * k + 1], a1)
            let qb = (jb * rows + i) * 2
            let r = Vector<float>(rewards.[i])
            qv.[qb] <- r + g * a0
            qv.[qb + 1] <- r + g * a1
        i <- i + 1

/// Sparse (CSR) rows [i0, i1) of Q = R + gamma P V.
let private sparseRows (start: int[]) (next: int[]) (prob: float[]) (rewards: float[]) (gamma: float) (states: int)
                       (rows: int) (npanels: int) (v: float[]) (q: float[]) (i0: int) (i1: int) =
    let vv = MemoryMarshal.Cast<float, Vector<float>>(Span<float>(v))
    let qv = MemoryMarshal.Cast<float, Vector<float>>(Span<float>(q))
    let g = Vector<float>(gamma)
    for i in i0 .. i1 - 1 do
        let r = Vector<float>(rewards.[i])
        for jb in 0 .. npanels - 1 do
            let vb = jb * states * 2
            let mutable a0 = Vector<float>.Zero
            let mutable a1 = Vector<float>.Zero
            for j in start.[i] .. start.[i + 1] - 1 do
                let pk = Vector<float>(prob.[j])
                let k = next.[j]
                a0 <- Vector.FusedMultiplyAdd(pk, vv.[vb + 2 * k], a0)
                a1 <- Vector.FusedMultiplyAdd(pk, vv.[vb + 2 * k + 1], a1)
            let qb = (jb * rows + i) * 2
            qv.[qb] <- r + g * a0
            qv.[qb + 1] <- r + g * a1

/// Rows per parallel work item (a multiple of the 6-row register block).
let private rowsPerTask = 96

/// Q = R + gamma P V for all runs: `v` is an S x runs panel matrix, `q` an (S*A) x runs panel
/// matrix (both from `allocate`). Work is split over row blocks on up to `threads` threads; every
/// output element is computed by one thread in a fixed order, so results do not depend on `threads`.
let backup (mdp: Mdp) (runs: int) (threads: int) (v: float[]) (q: float[]) =
    let rows = mdp.S * mdp.A
    let npanels = panels runs
    let blocks = (rows + rowsPerTask - 1) / rowsPerTask
    let body (b: int) =
        let i0 = b * rowsPerTask
        let i1 = min rows (i0 + rowsPerTask)
        match mdp.P with
        | Dense p -> denseRows p mdp.R mdp.G mdp.S rows npanels v q i0 i1
        | Sparse(start, next, prob) -> sparseRows start next prob mdp.R mdp.G mdp.S rows npanels v q i0 i1
    if threads <= 1 || blocks = 1 then
        for b in 0 .. blocks - 1 do body b
    else
        Parallel.For(0, blocks, ParallelOptions(MaxDegreeOfParallelism = threads), body) |> ignore
