// KaTeX (MIT; the minified build, its CSS and woff2 fonts, vendored in Notebooks/katex/ and embedded in
// this assembly) typesets the \(...\) / \[...\] that TexMath leaves in an exported page. The files are
// written to katex/ next to the page, so the page renders its maths offline.
using System.Reflection;

namespace Research.Notebooks;

/// <summary>The KaTeX files an exported page loads, and the tags that load them.</summary>
public static class Katex
{
    private const string Prefix = "katex/";

    /// <summary>The folder, next to the page, that holds the KaTeX files.</summary>
    public const string Folder = "katex";

    /// <summary>
    /// Head tags: KaTeX's CSS and script, and a script that typesets every markdown `math` element.
    /// </summary>
    public const string Head = """
        <link rel="stylesheet" href="katex/katex.min.css">
        <script src="katex/katex.min.js"></script>
        <script>
        document.addEventListener("DOMContentLoaded", function () {
          document.querySelectorAll(".markdown .math").forEach(function (el) {
            var tex = el.textContent.trim();
            var display = tex.startsWith("\\[");
            katex.render(tex.slice(2, -2), el, { displayMode: display, throwOnError: false });
          });
        });
        </script>

        """;

    /// <summary>Relative paths (under katex/) of the embedded files.</summary>
    public static IReadOnlyList<string> Files { get; } = typeof(Katex).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Select(n => n[Prefix.Length..]).Order().ToArray();

    /// <summary>
    /// Writes katex/ into <paramref name="directory"/> (files already there with the same size are kept).
    /// </summary>
    public static void CopyTo(string directory)
    {
        if (Files.Count == 0) throw new InvalidOperationException("the KaTeX files are not embedded in " + typeof(Katex).Assembly.GetName().Name);
        foreach (var file in Files)
        {
            using var source = typeof(Katex).Assembly.GetManifestResourceStream(Prefix + file)!;
            string target = Path.Combine(directory, Folder, file);
            if (File.Exists(target) && new FileInfo(target).Length == source.Length) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using var output = File.Create(target);
            source.CopyTo(output);
        }
    }
}
