namespace Research.DeepAgents.Rendering;

/// <summary>
/// A palette image: one byte per pixel, row-major from the top-left, each byte an index into
/// <see cref="Palette"/> (at most 256 colours). This is what the GIF and indexed-PNG encoders take.
/// </summary>
public sealed class IndexedImage
{
    private readonly byte[] _pixels;

    /// <summary>Creates a <paramref name="width"/> x
    /// <paramref name="height"/> image filled with palette index 0.</summary>
    public IndexedImage(int width, int height, IReadOnlyList<Rgb> palette)
    {
        if (width < 1 || width > 65535)
            throw new ArgumentOutOfRangeException(nameof(width), width, "width must be in 1..65535 pixels.");
        if (height < 1 || height > 65535)
            throw new ArgumentOutOfRangeException(nameof(height), height, "height must be in 1..65535 pixels.");
        if (palette.Count is < 1 or > 256)
            throw new ArgumentException($"palette has {palette.Count} colours; allowed: 1..256.", nameof(palette));
        Width = width;
        Height = height;
        Palette = palette;
        _pixels = new byte[checked(width * height)];
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The colours the pixel bytes index.</summary>
    public IReadOnlyList<Rgb> Palette { get; }

    /// <summary>The pixel indices, row-major, <see cref="Width"/> bytes per row.</summary>
    public Span<byte> Pixels => _pixels;

    /// <summary>The palette index at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    public byte this[int x, int y]
    {
        get => _pixels[y * Width + x];
        set => _pixels[y * Width + x] = value;
    }

    /// <summary>Sets every pixel to <paramref name="index"/>.</summary>
    public void Fill(byte index) => _pixels.AsSpan().Fill(index);

    /// <summary>Fills a rectangle, clipped to the image.</summary>
    public void FillRect(int x, int y, int width, int height, byte index)
    {
        int x0 = Math.Max(x, 0), y0 = Math.Max(y, 0);
        int x1 = Math.Min(x + width, Width), y1 = Math.Min(y + height, Height);
        if (x1 <= x0) return;
        for (int row = y0; row < y1; row++)
            _pixels.AsSpan(row * Width + x0, x1 - x0).Fill(index);
    }

    /// <summary>The image as 8-bit RGB triples, row-major.</summary>
    public byte[] ToRgb()
    {
        var rgb = new byte[_pixels.Length * 3];
        for (int i = 0; i < _pixels.Length; i++)
        {
            var c = Palette[_pixels[i]];
            rgb[3 * i] = c.R;
            rgb[3 * i + 1] = c.G;
            rgb[3 * i + 2] = c.B;
        }
        return rgb;
    }
}
