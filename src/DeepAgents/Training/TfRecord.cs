using System.Buffers.Binary;

namespace Research.DeepAgents.Training;

/// <summary>
/// TFRecord framing as TensorBoard reads it (docs/run-format.md, "TensorBoard"): per record the length
/// (uint64 LE), the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data.
/// </summary>
internal static class TfRecord
{
    static readonly uint[] Table = BuildTable();

    static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            // CRC-32C, reflected
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    /// <summary>masked = rotr15(crc32c(data)) + 0xa282ead8.</summary>
    public static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        c ^= 0xFFFFFFFFu;
        return ((c >> 15) | (c << 17)) + 0xa282ead8u;
    }

    /// <summary>One framed record holding <paramref name="data"/>.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> data)
    {
        var record = new byte[12 + data.Length + 4];
        BinaryPrimitives.WriteUInt64LittleEndian(record, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), MaskedCrc(record.AsSpan(0, 8)));
        data.CopyTo(record.AsSpan(12));
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12 + data.Length), MaskedCrc(data));
        return record;
    }
}
