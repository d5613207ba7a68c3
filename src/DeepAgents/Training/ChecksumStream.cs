using System.IO.Hashing;

namespace Research.DeepAgents.Training;

/// <summary>A write-only stream that forwards every byte to
/// <paramref name="inner"/> and into an XxHash128.</summary>
internal sealed class ChecksumStream(Stream inner) : Stream
{
    readonly XxHash128 _hash = new();

    /// <summary>Bytes written so far.</summary>
    public long Written { get; private set; }

    /// <summary>XxHash128 of every byte written so far (16 bytes, big-endian).</summary>
    public byte[] Hash() => _hash.GetCurrentHash();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        _hash.Append(buffer);
        Written += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override void WriteByte(byte value) => Write([value]);
    public override void Flush() => inner.Flush();
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Written;
    public override long Position { get => Written; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
