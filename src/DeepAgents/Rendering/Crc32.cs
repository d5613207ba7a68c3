namespace Research.DeepAgents.Rendering;

/// <summary>
/// CRC-32 as used by PNG chunks (PNG spec, "CRC algorithm"; ISO 3309 / ITU-T V.42): reflected
/// polynomial 0xEDB88320, register preset to all ones, result complemented. Table-driven, one byte a step.
/// </summary>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>Initial register value.</summary>
    public const uint Initial = 0xFFFFFFFFu;

    /// <summary>Feeds <paramref name="data"/> into a running register (start from <see cref="Initial"/>).</summary>
    public static uint Update(uint register, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
            register = Table[(register ^ b) & 0xFF] ^ (register >> 8);
        return register;
    }

    /// <summary>The checksum of a register that has seen all the data.</summary>
    public static uint Finish(uint register) => register ^ 0xFFFFFFFFu;

    /// <summary>CRC-32 of <paramref name="data"/>; e.g. <c>Compute("IEND"u8) == 0xAE426082</c>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Initial, data));

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
