// Which assemblies a notebook session references up front: the toolkit (Research.*.dll in the library
// directory, by default the folder of prox.dll, but not this engine, Research.Notebooks) and, transitively,
// every assembly they reference that sits in the same folder (TorchSharp, Plotly.NET, MathNet, ...).
// Read from metadata, nothing is loaded. The kernels reference the engine themselves (for `display`).
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Research.Notebooks;

/// <summary>Finds the toolkit assemblies notebooks can use without any <c>#r</c>.</summary>
public static class ToolkitAssemblies
{
    /// <summary>The default library directory: where the running prox.dll lives.</summary>
    public static string DefaultDirectory => AppContext.BaseDirectory;

    /// <summary>The engine's own assembly name, left out of the toolkit (no library for cells).</summary>
    public static string EngineName => typeof(ToolkitAssemblies).Assembly.GetName().Name!;

    /// <summary>
    /// Full paths of <c>Research.*.dll</c> (the engine excepted) in <paramref name="directory"/> and of
    /// their references (transitively) found in the same directory, sorted by file name.
    /// </summary>
    public static IReadOnlyList<string> Find(string directory)
    {
        if (!Directory.Exists(directory))
            throw new ArgumentException($"notebook library directory '{directory}' does not exist; allowed: a folder holding the built Research.*.dll assemblies");
        var found = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>(Directory.GetFiles(directory, "Research.*.dll")
            .Where(p => !Path.GetFileNameWithoutExtension(p).Equals(EngineName, StringComparison.OrdinalIgnoreCase)));
        while (pending.Count > 0)
        {
            var path = pending.Pop();
            var name = Path.GetFileNameWithoutExtension(path);
            if (!found.TryAdd(name, path))
                continue;
            foreach (var reference in ReferencedNames(path))
            {
                var candidate = Path.Combine(directory, reference + ".dll");
                if (!found.ContainsKey(reference) && File.Exists(candidate))
                    pending.Push(candidate);
            }
        }
        return [.. found.Values];
    }

    private static IEnumerable<string> ReferencedNames(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
            return [];
        var reader = pe.GetMetadataReader();
        return reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToList();
    }
}
