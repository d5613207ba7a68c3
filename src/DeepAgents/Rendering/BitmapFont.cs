using System.Collections.Frozen;

namespace Research.DeepAgents.Rendering;

/// <summary>
/// A 5x7 pixel font drawn for this project: a-z (upper case is drawn as lower case), 0-9, space and
/// <c>_ . , : ; - + = / ( ) [ ] # % ! ? ' *</c>. Each glyph is 7 rows of 5 cells above the baseline
/// ('#' set, '.' clear); g j p q y , ; add 2 descender rows below it. Characters without a glyph draw
/// as '?'. Text is drawn at an integer <c>scale</c>; glyphs advance 6 cells (one blank column between
/// them) and a line is <see cref="LineHeight"/> cells tall.
/// </summary>
public static class BitmapFont
{
    /// <summary>Glyph width in font cells.</summary>
    public const int GlyphWidth = 5;

    /// <summary>Glyph height above the baseline in font cells.</summary>
    public const int GlyphHeight = 7;

    /// <summary>Rows below the baseline used by descenders.</summary>
    public const int Descent = 2;

    /// <summary>Height of one text line in font cells (glyph plus descender rows).</summary>
    public const int LineHeight = GlyphHeight + Descent;

    /// <summary>Horizontal advance per character in font cells.</summary>
    public const int Advance = GlyphWidth + 1;

    private static readonly FrozenDictionary<char, byte[]> Glyphs = Parse(new Dictionary<char, string>
    {
        ['a'] = "..... ..... .###. ....# .#### #...# .####",
        ['b'] = "#.... #.... #.##. ##..# #...# #...# ####.",
        ['c'] = "..... ..... .###. #.... #.... #...# .###.",
        ['d'] = "....# ....# .##.# #..## #...# #...# .####",
        ['e'] = "..... ..... .###. #...# ##### #.... .###.",
        ['f'] = "..##. .#..# .#... ###.. .#... .#... .#...",
        ['g'] = "..... ..... .#### #...# #...# #...# .#### ....# .###.",
        ['h'] = "#.... #.... #.##. ##..# #...# #...# #...#",
        ['i'] = "..#.. ..... .##.. ..#.. ..#.. ..#.. .###.",
        ['j'] = "...#. ..... ..##. ...#. ...#. ...#. ...#. #..#. .##..",
        ['k'] = "#.... #.... #..#. #.#.. ##... #.#.. #..#.",
        ['l'] = ".##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
        ['m'] = "..... ..... ##.#. #.#.# #.#.# #...# #...#",
        ['n'] = "..... ..... #.##. ##..# #...# #...# #...#",
        ['o'] = "..... ..... .###. #...# #...# #...# .###.",
        ['p'] = "..... ..... ####. #...# #...# #...# ####. #.... #....",
        ['q'] = "..... ..... .#### #...# #...# #...# .#### ....# ....#",
        ['r'] = "..... ..... #.##. ##..# #.... #.... #....",
        ['s'] = "..... ..... .###. #.... .###. ....# ####.",
        ['t'] = ".#... .#... ###.. .#... .#... .#..# ..##.",
        ['u'] = "..... ..... #...# #...# #...# #..## .##.#",
        ['v'] = "..... ..... #...# #...# #...# .#.#. ..#..",
        ['w'] = "..... ..... #...# #...# #.#.# #.#.# .#.#.",
        ['x'] = "..... ..... #...# .#.#. ..#.. .#.#. #...#",
        ['y'] = "..... ..... #...# #...# #...# #...# .#### ....# .###.",
        ['z'] = "..... ..... ##### ...#. ..#.. .#... #####",
        ['0'] = ".###. #...# #..## #.#.# ##..# #...# .###.",
        ['1'] = "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
        ['2'] = ".###. #...# ....# ...#. ..#.. .#... #####",
        ['3'] = "##### ...#. ..#.. ...#. ....# #...# .###.",
        ['4'] = "...#. ..##. .#.#. #..#. ##### ...#. ...#.",
        ['5'] = "##### #.... ####. ....# ....# #...# .###.",
        ['6'] = "..##. .#... #.... ####. #...# #...# .###.",
        ['7'] = "##### ....# ...#. ..#.. .#... .#... .#...",
        ['8'] = ".###. #...# #...# .###. #...# #...# .###.",
        ['9'] = ".###. #...# #...# .#### ....# ...#. .##..",
        [' '] = "..... ..... ..... ..... ..... ..... .....",
        ['_'] = "..... ..... ..... ..... ..... ..... #####",
        ['.'] = "..... ..... ..... ..... ..... .##.. .##..",
        [','] = "..... ..... ..... ..... ..... .##.. .##.. ..#.. .#...",
        [':'] = "..... .##.. .##.. ..... .##.. .##.. .....",
        [';'] = "..... .##.. .##.. ..... ..... .##.. .##.. ..#.. .#...",
        ['-'] = "..... ..... ..... .###. ..... ..... .....",
        ['+'] = "..... ..#.. ..#.. ##### ..#.. ..#.. .....",
        ['='] = "..... ..... ##### ..... ##### ..... .....",
        ['/'] = "..... ....# ...#. ..#.. .#... #.... .....",
        ['('] = "...#. ..#.. .#... .#... .#... ..#.. ...#.",
        [')'] = ".#... ..#.. ...#. ...#. ...#. ..#.. .#...",
        ['['] = ".###. .#... .#... .#... .#... .#... .###.",
        [']'] = ".###. ...#. ...#. ...#. ...#. ...#. .###.",
        ['#'] = ".#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.",
        ['%'] = "##... ##..# ...#. ..#.. .#... #..## ...##",
        ['!'] = "..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..",
        ['?'] = ".###. #...# ....# ...#. ..#.. ..... ..#..",
        ['\''] = "..#.. ..#.. .#... ..... ..... ..... .....",
        ['*'] = "..... #.#.# .###. ##### .###. #.#.# .....",
    });

    /// <summary>True when <paramref name="c"/> (or its lower-case form) has its own glyph.</summary>
    public static bool HasGlyph(char c) => Glyphs.ContainsKey(char.ToLowerInvariant(c));

    /// <summary>The row bit masks of <paramref name="c"/> (7,
    /// or 9 with descender; bit 4 = leftmost column).</summary>
    public static ReadOnlySpan<byte> Glyph(char c) =>
        Glyphs.TryGetValue(char.ToLowerInvariant(c), out var rows) ? rows : Glyphs['?'];

    /// <summary>Width in pixels of <paramref name="text"/> drawn
    /// at <paramref name="scale"/> (no trailing gap).</summary>
    public static int MeasureWidth(ReadOnlySpan<char> text, int scale) => MeasureWidth(text.Length, scale);

    /// <summary>Width in pixels of <paramref name="characters"/>
    /// characters at <paramref name="scale"/> (no trailing gap).</summary>
    public static int MeasureWidth(int characters, int scale) =>
        characters <= 0 ? 0 : (characters * Advance - 1) * scale;

    /// <summary>Height in pixels of one line (including
    /// descender rows) at <paramref name="scale"/>.</summary>
    public static int MeasureHeight(int scale) => LineHeight * scale;

    /// <summary>Draws <paramref name="text"/> with its top-left corner at (<paramref name="x"/>,
    /// <paramref name="y"/>), clipped to the image.</summary>
    public static void Draw(IndexedImage image, ReadOnlySpan<char> text, int x, int y, int scale, byte colour)
    {
        if (scale < 1) throw new ArgumentOutOfRangeException(nameof(scale), scale, "font scale must be at least 1.");
        foreach (var c in text)
        {
            var rows = Glyph(c);
            for (int row = 0; row < rows.Length; row++)
                for (int col = 0; col < GlyphWidth; col++)
                    if ((rows[row] >> (GlyphWidth - 1 - col) & 1) != 0)
                        image.FillRect(x + col * scale, y + row * scale, scale, scale, colour);
            x += Advance * scale;
        }
    }

    private static FrozenDictionary<char, byte[]> Parse(Dictionary<char, string> art) =>
        art.ToFrozenDictionary(kv => kv.Key, kv =>
        {
            var rows = kv.Value.Split(' ');
            if ((rows.Length != GlyphHeight && rows.Length != LineHeight) || rows.Any(r => r.Length != GlyphWidth))
                throw new InvalidOperationException($"glyph '{kv.Key}' must be {GlyphHeight} or {LineHeight} rows of {GlyphWidth} cells.");
            return rows.Select(r => (byte)r.Aggregate(0, (bits, cell) => bits << 1 | (cell == '#' ? 1 : 0))).ToArray();
        });
}
