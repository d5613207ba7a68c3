namespace Research.DeepAgents.Rendering;

/// <summary>Layout options of <see cref="GridRenderer"/>.</summary>
/// <param name="CellSize">Side of one grid cell in pixels (4..128).</param>
/// <param name="GridLines">Draw 1-pixel lines between cells.</param>
/// <param name="StatusLines">Text lines reserved below the grid for the status (0..4).</param>
/// <param name="StatusColumns">The image is made wide enough
/// for status lines of this many characters (0..200).</param>
public sealed record GridRenderOptions(int CellSize = 24, bool GridLines = true, int StatusLines = 2, int StatusColumns = 34);

/// <summary>A rectangle in image pixels.</summary>
public readonly record struct PixelRect(int X, int Y, int Width, int Height)
{
    /// <summary>True when (<paramref name="x"/>, <paramref name="y"/>) lies inside.</summary>
    public bool Contains(int x, int y) => x >= X && x < X + Width && y >= Y && y < Y + Height;
}

/// <summary>
/// Draws channels-first binary planes <c>[C, H, W]</c> (e.g. a MinAtar observation) as a picture:
/// each grid cell is a <c>CellSize</c> square; a cell with one channel set takes that channel's
/// colour (<see cref="GridPalette"/>); a cell with several channels set is split into equal vertical
/// stripes, one per set channel, in channel order left to right, so no channel hides another; an
/// empty cell is near-black. Grid lines separate cells. To the right a legend lists every channel
/// (colour swatch, index and name); below the grid up to <see cref="GridRenderOptions.StatusLines"/>
/// lines of caller text (game, step, return; lines separated by '\n'). An "alert" render (e.g. a
/// terminal state) draws the grid's outer border and the status in red. The legend and grid lines are
/// drawn once into a template;
/// <see cref="Render(ReadOnlySpan{byte}, ReadOnlySpan{char}, IndexedImage, bool)"/>
/// copies it and fills cells, so it allocates nothing.
/// </summary>
public sealed class GridRenderer
{
    private readonly int _rows, _cols, _channels, _cell, _line, _fontScale, _statusLines;
    private readonly int _statusPitch;
    private readonly IndexedImage _template;

    /// <summary>Prepares the layout for planes of <paramref name="channelNames"/>.Count x
    /// <paramref name="height"/> x <paramref name="width"/>.</summary>
    public GridRenderer(IReadOnlyList<string> channelNames, int height = 10, int width = 10, GridRenderOptions? options = null)
    {
        options ??= new GridRenderOptions();
        if (options.CellSize is < 4 or > 128)
            throw new ArgumentOutOfRangeException(nameof(options), options.CellSize, "CellSize must be in 4..128 pixels.");
        if (options.StatusLines is < 0 or > 4)
            throw new ArgumentOutOfRangeException(nameof(options), options.StatusLines, "StatusLines must be in 0..4.");
        if (options.StatusColumns is < 0 or > 200)
            throw new ArgumentOutOfRangeException(nameof(options), options.StatusColumns, "StatusColumns must be in 0..200.");
        if (height is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(height), height, "grid height must be in 1..64 cells.");
        if (width is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(width), width, "grid width must be in 1..64 cells.");
        Palette = GridPalette.For(channelNames.Count);
        ChannelNames = channelNames;
        _rows = height;
        _cols = width;
        _channels = channelNames.Count;
        _cell = options.CellSize;
        _line = options.GridLines ? 1 : 0;
        _fontScale = Math.Max(1, _cell / 12);
        _statusLines = options.StatusLines;

        int margin = Math.Max(4, _cell / 2);
        int lineHeight = BitmapFont.MeasureHeight(_fontScale);
        int gap = 3 * _fontScale;
        GridArea = new PixelRect(margin, margin, _cols * (_cell + _line) + _line, _rows * (_cell + _line) + _line);

        var labels = channelNames.Select((name, i) => $"{i} {name}").ToArray();
        int swatch = BitmapFont.GlyphHeight * _fontScale;
        int legendWidth = swatch + gap + labels.Max(l => BitmapFont.MeasureWidth(l, _fontScale));
        int rowPitch = lineHeight + _fontScale;
        LegendArea = new PixelRect(GridArea.X + GridArea.Width + margin, margin, legendWidth, _channels * rowPitch - _fontScale);
        int bodyHeight = Math.Max(GridArea.Height, LegendArea.Height);
        ImageWidth = Math.Max(LegendArea.X + LegendArea.Width, margin + BitmapFont.MeasureWidth(options.StatusColumns, _fontScale)) + margin;
        _statusPitch = lineHeight + _fontScale;
        StatusArea = new PixelRect(margin, margin + bodyHeight + margin / 2, ImageWidth - 2 * margin, _statusLines * _statusPitch);
        ImageHeight = StatusArea.Y + StatusArea.Height + margin / 2;

        _template = new IndexedImage(ImageWidth, ImageHeight, Palette);
        _template.Fill(GridPalette.Background);
        _template.FillRect(GridArea.X, GridArea.Y, GridArea.Width, GridArea.Height, _line == 1 ? GridPalette.GridLine : GridPalette.EmptyCell);
        for (int r = 0; r < _rows; r++)
            for (int c = 0; c < _cols; c++)
            {
                var (x, y) = CellOrigin(r, c);
                _template.FillRect(x, y, _cell, _cell, GridPalette.EmptyCell);
            }
        for (int i = 0; i < _channels; i++)
        {
            int y = LegendArea.Y + i * rowPitch;
            _template.FillRect(LegendArea.X, y, swatch, swatch, GridPalette.GridLine);
            _template.FillRect(LegendArea.X + 1, y + 1, swatch - 2, swatch - 2, ChannelColour(i));
            BitmapFont.Draw(_template, labels[i], LegendArea.X + swatch + gap, y, _fontScale, GridPalette.Text);
        }
    }

    /// <summary>The palette of every image this renderer draws.</summary>
    public IReadOnlyList<Rgb> Palette { get; }

    /// <summary>The channel names shown in the legend, channel index order.</summary>
    public IReadOnlyList<string> ChannelNames { get; }

    /// <summary>Image width in pixels.</summary>
    public int ImageWidth { get; }

    /// <summary>Image height in pixels.</summary>
    public int ImageHeight { get; }

    /// <summary>Where the grid (including its outer grid lines) is drawn.</summary>
    public PixelRect GridArea { get; }

    /// <summary>Where the legend (swatches and labels) is drawn.</summary>
    public PixelRect LegendArea { get; }

    /// <summary>Where the status lines are drawn; longer text is clipped at the image edge.</summary>
    public PixelRect StatusArea { get; }

    /// <summary>Palette index used for channel <paramref name="channel"/>.</summary>
    public static byte ChannelColour(int channel) => (byte)(GridPalette.FirstChannel + channel);

    /// <summary>Top-left pixel of cell (<paramref name="row"/>, <paramref name="col"/>).</summary>
    public (int X, int Y) CellOrigin(int row, int col) =>
        (GridArea.X + _line + col * (_cell + _line), GridArea.Y + _line + row * (_cell + _line));

    /// <summary>A blank image of the right size and palette to pass to
    /// <see cref="Render(ReadOnlySpan{byte}, ReadOnlySpan{char}, IndexedImage, bool)"/>.</summary>
    public IndexedImage CreateImage() => new(ImageWidth, ImageHeight, Palette);

    /// <summary>
    /// Draws <paramref name="planes"/> (channels-first, nonzero = set) with <paramref name="status"/>
    /// ('\n' separates lines; lines past <see cref="GridRenderOptions.StatusLines"/> are dropped)
    /// below the grid; with <paramref name="alert"/> (e.g. a terminal state) the grid border and the
    /// status are red.
    /// </summary>
    public void Render(ReadOnlySpan<byte> planes, ReadOnlySpan<char> status, IndexedImage target, bool alert = false)
    {
        int plane = _rows * _cols;
        if (planes.Length != _channels * plane)
            throw new ArgumentException($"planes has {planes.Length} values; expected channels*height*width = {_channels}*{_rows}*{_cols} = {_channels * plane}.", nameof(planes));
        if (target.Width != ImageWidth || target.Height != ImageHeight)
            throw new ArgumentException($"target is {target.Width}x{target.Height}; this layout needs {ImageWidth}x{ImageHeight} (use CreateImage).", nameof(target));
        _template.Pixels.CopyTo(target.Pixels);

        Span<byte> set = stackalloc byte[_channels];
        for (int r = 0; r < _rows; r++)
            for (int c = 0; c < _cols; c++)
            {
                int count = 0;
                for (int ch = 0; ch < _channels; ch++)
                    if (planes[ch * plane + r * _cols + c] != 0)
                        set[count++] = (byte)ch;
                if (count == 0) continue;
                var (x, y) = CellOrigin(r, c);
                for (int k = 0; k < count; k++)
                {
                    int left = k * _cell / count, right = (k + 1) * _cell / count;
                    target.FillRect(x + left, y, right - left, _cell, ChannelColour(set[k]));
                }
            }
        byte textColour = alert ? GridPalette.Alert : GridPalette.Text;
        if (alert) DrawBorder(target, GridArea, Math.Max(1, _line) * Math.Max(1, _cell / 12), GridPalette.Alert);
        for (int line = 0; line < _statusLines && !status.IsEmpty; line++)
        {
            int end = status.IndexOf('\n');
            var text = end < 0 ? status : status[..end];
            BitmapFont.Draw(target, text, StatusArea.X, StatusArea.Y + line * _statusPitch, _fontScale, textColour);
            status = end < 0 ? [] : status[(end + 1)..];
        }
    }

    private static void DrawBorder(IndexedImage image, PixelRect r, int thickness, byte colour)
    {
        image.FillRect(r.X - thickness + 1, r.Y - thickness + 1, r.Width + 2 * thickness - 2, thickness, colour);
        image.FillRect(r.X - thickness + 1, r.Y + r.Height - 1, r.Width + 2 * thickness - 2, thickness, colour);
        image.FillRect(r.X - thickness + 1, r.Y, thickness, r.Height, colour);
        image.FillRect(r.X + r.Width - 1, r.Y, thickness, r.Height, colour);
    }

    /// <summary>Renders into a new image.</summary>
    public IndexedImage Render(ReadOnlySpan<byte> planes, ReadOnlySpan<char> status, bool alert = false)
    {
        var image = CreateImage();
        Render(planes, status, image, alert);
        return image;
    }
}
