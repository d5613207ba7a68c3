namespace Research.DeepAgents.Rendering;

/// <summary>
/// The variable-code-size LZW coder of GIF89a (GIF89a specification, Appendix F): codes start at
/// <c>minCodeSize + 1</c> bits and grow to at most 12; the stream begins with a clear code, a clear
/// code is sent again whenever the 4096-entry table fills, and it ends with the end-of-information
/// code. Codes are packed least-significant bit first into data sub-blocks of at most 255 bytes.
/// One instance is reused for every frame of a file (its buffers are allocated once).
/// </summary>
internal sealed class GifLzwEncoder
{
    private const int MaxCodes = 4096;   // 12-bit codes
    private const int TableSize = 8192;  // open-addressing hash of (prefix code, pixel) -> code, load <= 1/2

    private readonly int[] _keys = new int[TableSize];
    private readonly short[] _codes = new short[TableSize];
    private readonly byte[] _block = new byte[256];
    private int _blockLength;
    private ulong _bitBuffer;
    private int _bitCount;
    private int _codeSize;
    private Stream _output = Stream.Null;

    /// <summary>Writes the LZW minimum code size byte, the
    /// data sub-blocks and the block terminator.</summary>
    public void Encode(Stream output, ReadOnlySpan<byte> pixels, int minCodeSize)
    {
        if (pixels.IsEmpty) throw new ArgumentException("a GIF image needs at least one pixel.", nameof(pixels));
        _output = output;
        _blockLength = 0;
        _bitBuffer = 0;
        _bitCount = 0;
        output.WriteByte((byte)minCodeSize);

        int clear = 1 << minCodeSize, endOfInformation = clear + 1;
        int next = StartTable(minCodeSize);
        Emit(clear);
        int prefix = pixels[0];
        for (int i = 1; i < pixels.Length; i++)
        {
            int pixel = pixels[i];
            int key = (prefix << 8) | pixel;
            int slot = Find(key);
            if (_keys[slot] == key)
            {
                prefix = _codes[slot];   // the string prefix+pixel is known: extend it
                continue;
            }
            Emit(prefix);
            if (next == MaxCodes)
            {
                Emit(clear);             // table full: start over
                next = StartTable(minCodeSize);
            }
            else
            {
                _keys[slot] = key;
                _codes[slot] = (short)next;
                // The decoder learns code `next` one code later, so the width grows once `next`
                // itself no longer fits in the current width.
                if (next == 1 << _codeSize && _codeSize < 12) _codeSize++;
                next++;
            }
            prefix = pixel;
        }
        Emit(prefix);
        // Reading that last code, the decoder learns code next-1; if that fills the width, it reads
        // the end-of-information code one bit wider.
        if (next == 1 << _codeSize && _codeSize < 12) _codeSize++;
        Emit(endOfInformation);
        if (_bitCount > 0) PutByte((byte)_bitBuffer);
        FlushBlock();
        output.WriteByte(0); // block terminator
        _output = Stream.Null;
    }

    private int StartTable(int minCodeSize)
    {
        Array.Fill(_keys, -1);
        _codeSize = minCodeSize + 1;
        return (1 << minCodeSize) + 2;
    }

    private int Find(int key)
    {
        int slot = (int)(((uint)key * 2654435761u) >> 19); // Fibonacci hashing into 13 bits
        while (_keys[slot] != -1 && _keys[slot] != key)
            slot = (slot + 1) & (TableSize - 1);
        return slot;
    }

    private void Emit(int code)
    {
        _bitBuffer |= (ulong)code << _bitCount;
        _bitCount += _codeSize;
        while (_bitCount >= 8)
        {
            PutByte((byte)_bitBuffer);
            _bitBuffer >>= 8;
            _bitCount -= 8;
        }
    }

    private void PutByte(byte value)
    {
        _block[_blockLength++] = value;
        if (_blockLength == 255) FlushBlock();
    }

    private void FlushBlock()
    {
        if (_blockLength == 0) return;
        _output.WriteByte((byte)_blockLength);
        _output.Write(_block, 0, _blockLength);
        _blockLength = 0;
    }
}
