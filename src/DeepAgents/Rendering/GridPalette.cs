namespace Research.DeepAgents.Rendering;

/// <summary>
/// The colours of a grid render: a few fixed interface colours followed by one qualitative colour
/// per channel (channel i -> <see cref="ChannelColours"/>[i], the same in every game). The channel
/// colours are Tableau 10 followed by two d3 category colours, chosen to be distinguishable on the dark
/// background.
/// </summary>
public static class GridPalette
{
    /// <summary>Palette index of the margin background.</summary>
    public const byte Background = 0;
    /// <summary>Palette index of an empty grid cell.</summary>
    public const byte EmptyCell = 1;
    /// <summary>Palette index of grid lines and swatch outlines.</summary>
    public const byte GridLine = 2;
    /// <summary>Palette index of legend and status text.</summary>
    public const byte Text = 3;
    /// <summary>Palette index of the status text on a terminal frame.</summary>
    public const byte Alert = 4;
    /// <summary>Palette index of channel 0; channel i is <c>FirstChannel + i</c>.</summary>
    public const byte FirstChannel = 5;

    /// <summary>Interface colours, in palette order.</summary>
    public static IReadOnlyList<Rgb> InterfaceColours { get; } =
        [Rgb.FromHex("#1B1D23"), Rgb.FromHex("#08090B"), Rgb.FromHex("#3A3F4B"), Rgb.FromHex("#E6E6E6"), Rgb.FromHex("#FF4D4D")];

    /// <summary>Channel colours, channel index -> colour.</summary>
    public static IReadOnlyList<Rgb> ChannelColours { get; } =
    [
        Rgb.FromHex("#4E79A7"), // blue
        Rgb.FromHex("#F28E2B"), // orange
        Rgb.FromHex("#E15759"), // red
        Rgb.FromHex("#76B7B2"), // teal
        Rgb.FromHex("#59A14F"), // green
        Rgb.FromHex("#EDC948"), // yellow
        Rgb.FromHex("#B07AA1"), // purple
        Rgb.FromHex("#FF9DA7"), // pink
        Rgb.FromHex("#9C755F"), // brown
        Rgb.FromHex("#BAB0AC"), // grey
        Rgb.FromHex("#17BECF"), // cyan
        Rgb.FromHex("#BCBD22"), // olive
    ];

    /// <summary>Most channels one render can colour.</summary>
    public static int MaxChannels => ChannelColours.Count;

    /// <summary>The palette for <paramref name="channels"/>
    /// channels: interface colours, then channel colours.</summary>
    public static IReadOnlyList<Rgb> For(int channels)
    {
        if (channels < 1 || channels > MaxChannels)
            throw new ArgumentOutOfRangeException(nameof(channels), channels, $"channel count must be in 1..{MaxChannels} (one distinct colour each).");
        return [.. InterfaceColours, .. ChannelColours.Take(channels)];
    }
}
