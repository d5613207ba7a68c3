namespace Research.DeepAgents.Rendering;

/// <summary>
/// Turns RGB screens (3 bytes a pixel) into palette indices for GIF and indexed-PNG frames, appending each
/// colour to the palette the first time it occurs. Atari screens use at most 128 colours (NTSC), so the
/// palette holds exactly the colours that occur (after any colours it was created with).
/// </summary>
public sealed class ScreenColours
{
    private readonly List<Rgb> _palette;
    private readonly Dictionary<int, byte> _index = [];

    /// <summary>Indexes into <paramref name="palette"/>; colours
    /// already in it keep their indices.</summary>
    public ScreenColours(List<Rgb> palette)
    {
        ArgumentNullException.ThrowIfNull(palette);
        _palette = palette;
        for (int i = 0; i < palette.Count; i++) _index.TryAdd(Key(palette[i].R, palette[i].G, palette[i].B), (byte)i);
    }

    /// <summary>Writes the index of every pixel of <paramref
    /// name="rgb"/> to <paramref name="destination"/>.</summary>
    /// <exception cref="InvalidOperationException">More than 256 colours in all.</exception>
    public void Map(ReadOnlySpan<byte> rgb, Span<byte> destination)
    {
        if (rgb.Length != 3 * destination.Length)
            throw new ArgumentException($"{rgb.Length} RGB bytes for {destination.Length} pixels; expected {3 * destination.Length}.", nameof(rgb));
        for (int i = 0; i < destination.Length; i++)
        {
            byte r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
            int key = Key(r, g, b);
            if (!_index.TryGetValue(key, out byte index))
            {
                if (_palette.Count == 256) throw new InvalidOperationException("The screens use more than 256 colours; a GIF cannot hold them.");
                index = (byte)_palette.Count;
                _index[key] = index;
                _palette.Add(new Rgb(r, g, b));
            }
            destination[i] = index;
        }
    }

    private static int Key(byte r, byte g, byte b) => r << 16 | g << 8 | b;
}
