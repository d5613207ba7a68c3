using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Research.DeepAgents.Rendering;

/// <summary>
/// Writes PNG files (W3C PNG specification, 2nd/3rd edition): signature, IHDR, PLTE (indexed only),
/// one IDAT holding the zlib stream of all scanlines, IEND. 8 bits per sample, no interlace, and
/// filter type 0 (None) on every scanline, so each scanline in the inflated IDAT is a 0 byte followed
/// by the raw samples.
/// </summary>
public static class PngEncoder
{
    /// <summary>The 8-byte PNG signature.</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private const byte ColourTypeRgb = 2;
    private const byte ColourTypeIndexed = 3;

    /// <summary>Writes a truecolour (colour type 2) image from row-major RGB triples.</summary>
    public static void WriteRgb(Stream output, int width, int height, ReadOnlySpan<byte> rgb)
    {
        CheckSize(width, height);
        if (rgb.Length != checked(width * height * 3))
            throw new ArgumentException($"rgb has {rgb.Length} bytes; a {width}x{height} RGB image needs width*height*3 = {width * height * 3}.", nameof(rgb));
        WriteSignatureAndHeader(output, width, height, ColourTypeRgb);
        WriteChunk(output, "IDAT"u8, Deflate(rgb, width * 3, height));
        WriteChunk(output, "IEND"u8, []);
    }

    /// <summary>Writes a palette (colour type 3, bit depth 8) image.</summary>
    public static void WriteIndexed(Stream output, IndexedImage image)
    {
        WriteSignatureAndHeader(output, image.Width, image.Height, ColourTypeIndexed);
        var plte = new byte[image.Palette.Count * 3];
        for (int i = 0; i < image.Palette.Count; i++)
        {
            plte[3 * i] = image.Palette[i].R;
            plte[3 * i + 1] = image.Palette[i].G;
            plte[3 * i + 2] = image.Palette[i].B;
        }
        foreach (var p in image.Pixels)
            if (p >= image.Palette.Count)
                throw new ArgumentException($"pixel index {p} is outside the palette of {image.Palette.Count} colours.", nameof(image));
        WriteChunk(output, "PLTE"u8, plte);
        WriteChunk(output, "IDAT"u8, Deflate(image.Pixels, image.Width, image.Height));
        WriteChunk(output, "IEND"u8, []);
    }

    /// <summary>Writes <paramref name="image"/> as an indexed PNG to <paramref name="path"/>.</summary>
    public static void Save(string path, IndexedImage image)
    {
        using var file = File.Create(path);
        WriteIndexed(file, image);
    }

    private static void CheckSize(int width, int height)
    {
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "width must be at least 1 pixel.");
        if (height < 1) throw new ArgumentOutOfRangeException(nameof(height), height, "height must be at least 1 pixel.");
    }

    private static void WriteSignatureAndHeader(Stream output, int width, int height, byte colourType)
    {
        CheckSize(width, height);
        output.Write(Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr[4..], (uint)height);
        ihdr[8] = 8;          // bit depth
        ihdr[9] = colourType;
        ihdr[10] = 0;         // compression: deflate
        ihdr[11] = 0;         // filter method: adaptive (we always pick filter type 0)
        ihdr[12] = 0;         // no interlace
        WriteChunk(output, "IHDR"u8, ihdr);
    }

    /// <summary>zlib stream of the scanlines, each prefixed by filter type 0.</summary>
    private static byte[] Deflate(ReadOnlySpan<byte> samples, int rowBytes, int rows)
    {
        using var buffer = new MemoryStream();
        using (var zlib = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int y = 0; y < rows; y++)
            {
                zlib.WriteByte(0);
                zlib.Write(samples.Slice(y * rowBytes, rowBytes));
            }
        }
        return buffer.ToArray();
    }

    /// <summary>Length (big-endian), type, data, CRC-32 of type and data.</summary>
    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        var crc = new Crc32(); // PNG's CRC-32 (ISO 3309: reflected 0xEDB88320, preset and final xor all ones)
        crc.Append(type);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        output.Write(word);
    }
}
