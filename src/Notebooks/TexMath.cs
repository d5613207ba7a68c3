// TeX in markdown cells, kept intact for KaTeX: Markdig's mathematics extension takes `$...$` and `$$...$$`
// out of Markdown's hands (no emphasis, sub/superscripts or escapes inside), and this renderer writes
// each formula as \(...\) (inline) or \[...\] (display) in a `math` element. See docs/notebooks.md, "Maths".
using Markdig;
using Markdig.Extensions.Mathematics;
using Markdig.Renderers;
using Markdig.Renderers.Html;

namespace Research.Notebooks;

/// <summary>
/// Writes `$$...$$` inside a paragraph as display maths (Markdig's own renderer makes it inline).
/// </summary>
public sealed class TexMathInlineRenderer : HtmlObjectRenderer<MathInline>
{
    protected override void Write(HtmlRenderer renderer, MathInline math)
    {
        bool display = math.DelimiterCount >= 2;
        renderer.Write(display ? "<span class=\"math display\">\\[" : "<span class=\"math\">\\(");
        renderer.WriteEscape(math.Content);
        renderer.Write(display ? "\\]</span>" : "\\)</span>");
    }
}

/// <summary>Registers <see cref="TexMathInlineRenderer"/>; add after <c>UseMathematics()</c>.</summary>
public sealed class TexMathExtension : IMarkdownExtension
{
    public void Setup(MarkdownPipelineBuilder pipeline) { }

    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
        if (renderer is HtmlRenderer html)
            html.ObjectRenderers.ReplaceOrAdd<HtmlMathInlineRenderer>(new TexMathInlineRenderer());
    }
}
