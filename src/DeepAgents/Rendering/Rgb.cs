namespace Research.DeepAgents.Rendering;

/// <summary>An 8-bit-per-channel sRGB colour.</summary>
/// <param name="R">Red, 0..255.</param>
/// <param name="G">Green, 0..255.</param>
/// <param name="B">Blue, 0..255.</param>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    /// <summary>Parses <c>#RRGGBB</c>.</summary>
    public static Rgb FromHex(string hex)
    {
        if (hex is not { Length: 7 } || hex[0] != '#' || !uint.TryParse(hex.AsSpan(1), System.Globalization.NumberStyles.HexNumber, null, out var v))
            throw new ArgumentException($"invalid colour '{hex}': expected #RRGGBB (six hex digits).", nameof(hex));
        return new Rgb((byte)(v >> 16), (byte)(v >> 8), (byte)v);
    }

    /// <inheritdoc />
    public override string ToString() => $"#{R:X2}{G:X2}{B:X2}";
}
