namespace Research.DeepAgents.Rendering;

/// <summary>
/// Streams an animated GIF89a (GIF89a specification): header, logical screen descriptor with a
/// global colour table (no local tables), the NETSCAPE2.0 application extension for looping, then per
/// frame a graphic control extension (delay, disposal "do not dispose") and an LZW-coded image.
/// After the first frame only the bounding box of the pixels that changed is stored (a 1x1 patch
/// when nothing changed), which keeps long renders of small grids small. <see cref="Dispose"/>
/// writes the trailer.
/// </summary>
public sealed class GifWriter : IDisposable
{
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly IReadOnlyList<Rgb> _palette;
    private readonly int _minCodeSize;
    private readonly byte[] _previous;
    private readonly byte[] _patch;
    private readonly GifLzwEncoder _lzw = new();
    private bool _finished;

    /// <summary>Writes the header, the global palette and the loop extension.</summary>
    /// <param name="output">Destination stream.</param>
    /// <param name="width">Frame width in pixels (1..65535).</param>
    /// <param name="height">Frame height in pixels (1..65535).</param>
    /// <param name="palette">Global colour table, 1..256
    /// colours (padded to a power of two with black).</param>
    /// <param name="loopCount">Times to repeat the animation; 0 loops forever.</param>
    /// <param name="leaveOpen">Leave <paramref name="output"/> open on dispose.</param>
    public GifWriter(Stream output, int width, int height, IReadOnlyList<Rgb> palette, int loopCount = 0, bool leaveOpen = false)
    {
        if (width is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(width), width, "width must be in 1..65535 pixels.");
        if (height is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(height), height, "height must be in 1..65535 pixels.");
        if (palette.Count is < 1 or > 256) throw new ArgumentException($"palette has {palette.Count} colours; allowed: 1..256.", nameof(palette));
        if (loopCount is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(loopCount), loopCount, "loopCount must be in 0..65535 (0 = forever).");
        _output = output;
        _leaveOpen = leaveOpen;
        _palette = palette;
        Width = width;
        Height = height;
        _previous = new byte[width * height];
        _patch = new byte[width * height];

        int tableBits = 1; // global colour table holds 2^tableBits entries
        while (1 << tableBits < palette.Count) tableBits++;
        _minCodeSize = Math.Max(2, tableBits);

        output.Write("GIF89a"u8);
        WriteUInt16(width);
        WriteUInt16(height);
        // Global colour table present, 8 bits per primary, not sorted, size 2^(n+1) with n = tableBits-1.
        output.WriteByte((byte)(0x80 | 0x70 | (tableBits - 1)));
        output.WriteByte(0); // background colour index
        output.WriteByte(0); // no aspect ratio
        for (int i = 0; i < 1 << tableBits; i++)
        {
            var c = i < palette.Count ? palette[i] : default;
            output.WriteByte(c.R);
            output.WriteByte(c.G);
            output.WriteByte(c.B);
        }
        output.Write([0x21, 0xFF, 11]);
        output.Write("NETSCAPE2.0"u8);
        output.Write([3, 1]);
        WriteUInt16(loopCount);
        output.WriteByte(0);
    }

    /// <summary>Frame width in pixels.</summary>
    public int Width { get; }

    /// <summary>Frame height in pixels.</summary>
    public int Height { get; }

    /// <summary>Frames written so far.</summary>
    public int FrameCount { get; private set; }

    /// <summary>Appends <paramref name="frame"/>, shown for
    /// <paramref name="delayCentiseconds"/> hundredths of a second.</summary>
    public void AddFrame(IndexedImage frame, int delayCentiseconds)
    {
        if (frame.Width != Width || frame.Height != Height)
            throw new ArgumentException($"frame is {frame.Width}x{frame.Height}; this GIF is {Width}x{Height}.", nameof(frame));
        if (!ReferenceEquals(frame.Palette, _palette) && !frame.Palette.SequenceEqual(_palette))
            throw new ArgumentException("frame palette differs from the GIF's global palette.", nameof(frame));
        AddFrame(frame.Pixels, delayCentiseconds);
    }

    /// <summary>Appends a frame given as row-major palette indices.</summary>
    public void AddFrame(ReadOnlySpan<byte> pixels, int delayCentiseconds)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (pixels.Length != _previous.Length)
            throw new ArgumentException($"frame has {pixels.Length} pixels; this GIF needs {Width}x{Height} = {_previous.Length}.", nameof(pixels));
        if (delayCentiseconds is < 0 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(delayCentiseconds), delayCentiseconds, "delay must be in 0..65535 centiseconds.");
        foreach (var p in pixels)
            if (p >= _palette.Count)
                throw new ArgumentException($"pixel index {p} is outside the palette of {_palette.Count} colours.", nameof(pixels));

        var (left, top, w, h) = FrameCount == 0 ? (0, 0, Width, Height) : ChangedRectangle(pixels);
        _output.Write([0x21, 0xF9, 4, 1 << 2]); // graphic control extension, disposal 1 = do not dispose
        WriteUInt16(delayCentiseconds);
        _output.Write([0, 0]);                  // transparent index (unused), block terminator
        _output.WriteByte(0x2C);                // image descriptor
        WriteUInt16(left);
        WriteUInt16(top);
        WriteUInt16(w);
        WriteUInt16(h);
        _output.WriteByte(0);                   // no local colour table, not interlaced
        for (int y = 0; y < h; y++)
            pixels.Slice((top + y) * Width + left, w).CopyTo(_patch.AsSpan(y * w, w));
        _lzw.Encode(_output, _patch.AsSpan(0, w * h), _minCodeSize);
        pixels.CopyTo(_previous);
        FrameCount++;
    }

    /// <summary>Writes the trailer (once) and closes the stream unless asked to leave it open.</summary>
    public void Dispose()
    {
        if (_finished) return;
        _finished = true;
        _output.WriteByte(0x3B);
        _output.Flush();
        if (!_leaveOpen) _output.Dispose();
    }

    /// <summary>Smallest rectangle holding every pixel that
    /// differs from the previous frame (1x1 if none).</summary>
    private (int Left, int Top, int Width, int Height) ChangedRectangle(ReadOnlySpan<byte> pixels)
    {
        int minX = Width, minY = Height, maxX = -1, maxY = -1;
        for (int y = 0; y < Height; y++)
        {
            var row = pixels.Slice(y * Width, Width);
            var before = _previous.AsSpan(y * Width, Width);
            int first = row.CommonPrefixLength(before);
            if (first == Width) continue;
            int last = Width - 1;
            while (row[last] == before[last]) last--;
            minY = Math.Min(minY, y);
            maxY = y;
            minX = Math.Min(minX, first);
            maxX = Math.Max(maxX, last);
        }
        return maxY < 0 ? (0, 0, 1, 1) : (minX, minY, maxX - minX + 1, maxY - minY + 1);
    }

    private void WriteUInt16(int value)
    {
        _output.WriteByte((byte)value);
        _output.WriteByte((byte)(value >> 8));
    }
}
