using System.Runtime.InteropServices;
using TorchSharp;

namespace Research.DeepAgents.Torch;

/// <summary>
/// One place that brings libtorch up for this process: loads the native library (through the CPU
/// device type), sets the inter-op pool to one thread once (nothing here runs independent graph
/// branches) and sets the intra-op thread count. On CPU, results are then reproducible for a given
/// seed and thread count (TorchSharp 0.107 does not implement <c>use_deterministic_algorithms</c>;
/// the CPU kernels used here are deterministic at a fixed thread count). Call <see cref="Initialize"/> before
/// creating tensors; it is idempotent and thread-safe (the only
/// state is libtorch's own and one <see cref="Lazy{T}"/>).
/// </summary>
public static class TorchRuntime
{
    // Loading libtorch and sizing the inter-op pool may happen only once per process.
    private static readonly Lazy<bool> Loaded = new(LoadOnce, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Ensures libtorch is loaded and sets <c>torch.set_num_threads(threads)</c> (intra-op threads).
    /// The first call also loads libtorch and sets one inter-op thread. Later calls only change the
    /// intra-op thread count.
    /// </summary>
    /// <param name="threads">Intra-op threads, at least 1 (1 is fastest for MinAtar-size networks).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is below 1.</exception>
    public static void Initialize(int threads = 1)
    {
        if (threads < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1.");
        _ = Loaded.Value;
        if (torch.get_num_threads() != threads) torch.set_num_threads(threads);
    }

    /// <summary>The intra-op thread count libtorch currently uses (after <see cref="Initialize"/>).</summary>
    public static int Threads
    {
        get
        {
            _ = Loaded.Value;
            return torch.get_num_threads();
        }
    }

    private static bool LoadOnce()
    {
        PreloadPackagedLibTorch();
        if (!torch.TryInitializeDeviceType(DeviceType.CPU))
            throw new InvalidOperationException(
                "libtorch could not be loaded. On Linux, check `ldd` on runtimes/linux-x64/native/libLibTorchSharp.so " +
                "next to the application: the build patches it (build/TorchSharpFix.targets); see docs/agents.md.");
        try
        {
            torch.set_num_interop_threads(1);
        }
        catch (Exception)
        {
            // libtorch refuses once inter-op work has started (e.g. a host initialised it first).
        }
        return true;
    }

    // In hosts without a deps.json (dotnet fsi, notebooks) TorchSharp looks for its native library
    // by name, fails, copies ~500 MB of natives into a "cpu" folder and may still pick up Debian's
    // python3-torch libtorch 1.13 by name. Loading the packaged libtorch_cpu.so and libLibTorchSharp.so
    // by full path first makes every later by-name request resolve to them (the loader matches
    // already-loaded libraries by soname). Built apps find the same files through their deps.json.
    private static void PreloadPackagedLibTorch()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return;
        var torchSharp = typeof(torch).Assembly.Location;
        if (string.IsNullOrEmpty(torchSharp)) return;
        var dir = Path.GetDirectoryName(torchSharp)!;
        var native = Path.Combine("runtimes", "linux-x64", "native");
        // A build output (bin/...), or the NuGet cache (<packages>/torchsharp/<version>/lib/<tfm>/).
        var packageRoot = Path.GetFullPath(Path.Combine(dir, "..", ".."));
        var packages = Path.GetFullPath(Path.Combine(packageRoot, "..", ".."));
        var libtorchDirs = new List<string> { Path.Combine(dir, native) };
        var libtorchPackage = Path.Combine(packages, "libtorch-cpu-linux-x64");
        if (Directory.Exists(libtorchPackage))
            libtorchDirs.AddRange(Directory.GetDirectories(libtorchPackage).OrderDescending(StringComparer.Ordinal).Select(v => Path.Combine(v, native)));
        var torchSharpDirs = new[] { Path.Combine(dir, native), Path.Combine(packageRoot, native) };
        // LibTorchSharp's NEEDED libtorch.so / libc10.so resolve through $ORIGIN only when everything
        // sits in one folder (build outputs); from the NuGet cache they would fall through to the system
        // paths, so load the libtorch trio from one folder first.
        var libtorch = libtorchDirs.FirstOrDefault(d => File.Exists(Path.Combine(d, "libtorch_cpu.so")));
        if (libtorch is null) return;
        foreach (var file in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" })
        {
            var path = Path.Combine(libtorch, file);
            if (!File.Exists(path) || !NativeLibrary.TryLoad(path, out _)) return;
        }
        TryLoadFirst(torchSharpDirs, "libLibTorchSharp.so");
    }

    private static bool TryLoadFirst(IEnumerable<string> directories, string file)
    {
        foreach (var directory in directories)
        {
            var path = Path.Combine(directory, file);
            if (File.Exists(path) && NativeLibrary.TryLoad(path, out _)) return true;
        }
        return false;
    }
}
