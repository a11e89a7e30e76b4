using Descent.Data;
using static Descent.Tests.Data.IdxTestFiles;

namespace Descent.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private DataFormatException ReadFails(string name, byte[] contents)
    {
        string path = _dir.Write(name, contents);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path + ":", e.Message);
        return e;
    }

    [Theory]
    [InlineData(false, "images-idx3-ubyte")]
    [InlineData(true, "images-idx3-ubyte.gz")]
    [InlineData(true, "compressed-without-extension")]
    [InlineData(false, "raw-despite-extension.gz")]
    public void RoundTripsThreeDimensionalData(bool gzip, string name)
    {
        byte[] data = Bytes(5 * 4 * 3, 7);
        byte[] file = Idx(data, 5, 4, 3);
        IdxData read = IdxReader.Read(_dir.Write(name, gzip ? Gzip(file) : file));
        Assert.Equal([5, 4, 3], read.Shape);
        Assert.Equal(data, read.Data);
    }

    [Fact]
    public void ReadsOneAndFourDimensions()
    {
        IdxData labels = IdxReader.Read(_dir.Write("labels", Idx([9, 0, 255], 3)));
        Assert.Equal([3], labels.Shape);
        Assert.Equal(new byte[] { 9, 0, 255 }, labels.Data);

        byte[] data = Bytes(2 * 3 * 1 * 2, 3);
        IdxData four = IdxReader.Read(_dir.Write("four.gz", Gzip(Idx(data, 2, 3, 1, 2))));
        Assert.Equal([2, 3, 1, 2], four.Shape);
        Assert.Equal(data, four.Data);
    }

    [Fact]
    public void ReadsGzipLargerThanTheInitialBuffer()
    {
        byte[] data = new byte[20_000_001];
        data[^1] = 42;
        data[12_345_678] = 7;
        IdxData read = IdxReader.Read(_dir.Write("big.gz", Gzip(Idx(data, data.Length))));
        Assert.Equal(data.Length, read.Data.Length);
        Assert.Equal(42, read.Data[^1]);
        Assert.Equal(7, read.Data[12_345_678]);
    }

    [Fact]
    public void MissingFileThrowsFileNotFound()
    {
        string path = Path.Combine(_dir.Path, "nope-idx1-ubyte");
        var e = Assert.Throws<FileNotFoundException>(() => IdxReader.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Equal(path, e.FileName);
    }

    [Fact]
    public void BadMagic()
    {
        var e = ReadFails("magic", [.. Header(0x12, 0x34, 0x08, 1), 5]);
        Assert.Contains("bad magic", e.Message);
        Assert.Contains("0x12 0x34", e.Message);
    }

    [Fact]
    public void UnsupportedType()
    {
        var e = ReadFails("float", Idx(0x0D, [1], [0, 0, 0, 0]));
        Assert.Contains("0x0D", e.Message);
        Assert.Contains("32-bit float", e.Message);
        Assert.Contains("only 0x08", e.Message);
    }

    [Fact]
    public void UnknownType()
    {
        var e = ReadFails("unknown.gz", Gzip(Idx(0x42, [1], [0])));
        Assert.Contains("unknown data type code 0x42", e.Message);
    }

    [Fact]
    public void ZeroDimensionCount()
    {
        var e = ReadFails("rank0", Header(0, 0, 0x08));
        Assert.Contains("dimension count 0", e.Message);
    }

    [Fact]
    public void AbsurdDimensionCount()
    {
        var e = ReadFails("rank5", [0, 0, 0x08, 200, .. new byte[800]]);
        Assert.Contains("dimension count 200", e.Message);
    }

    [Fact]
    public void DimensionOfZero()
    {
        var e = ReadFails("zero-dim", Header(0, 0, 0x08, 3, 0, 2));
        Assert.Contains("dimension 2 of 3 has size 0", e.Message);
    }

    [Fact]
    public void SizeOverflow()
    {
        var e = ReadFails("overflow", Header(0, 0, 0x08, 65536, 65536, 2));
        Assert.Contains("overflow", e.Message);
    }

    [Fact]
    public void DimensionTooLargeForAnArray()
    {
        var e = ReadFails("huge-dim", Header(0, 0, 0x08, uint.MaxValue));
        Assert.Contains("4294967295", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void TruncatedFixedHeader(int length)
    {
        var e = ReadFails("short", Idx([1, 2], 2)[..length]);
        Assert.Contains("truncated header", e.Message);
        Assert.Contains($"only {length}", e.Message);
    }

    [Fact]
    public void TruncatedDimensions()
    {
        var e = ReadFails("short-dims.gz", Gzip(Header(0, 0, 0x08, 10, 28, 28)[..10]));
        Assert.Contains("truncated header", e.Message);
        Assert.Contains("16-byte header", e.Message);
        Assert.Contains("only 10 bytes", e.Message);
    }

    [Fact]
    public void TruncatedDataRaw()
    {
        byte[] file = Idx(Bytes(12, 1), 3, 4);
        var e = ReadFails("short-data", file[..^2]);
        Assert.Contains("truncated data", e.Message);
        Assert.Contains("announces 12 data bytes", e.Message);
        Assert.Contains("only 10", e.Message);
    }

    [Fact]
    public void TruncatedDataGzip()
    {
        byte[] file = Idx(Bytes(12, 1), 3, 4);
        var e = ReadFails("short-data.gz", Gzip(file[..^5]));
        Assert.Contains("truncated data", e.Message);
        Assert.Contains("announces 12 data bytes", e.Message);
        Assert.Contains("only 7", e.Message);
    }

    [Fact]
    public void HugeAnnouncedSizeInTinyGzipFailsAsTruncated()
    {
        var e = ReadFails("tiny.gz", Gzip([.. Header(0, 0, 0x08, 1000, 1000, 1000), 1, 2, 3]));
        Assert.Contains("announces 1000000000 data bytes", e.Message);
        Assert.Contains("only 3", e.Message);
    }

    [Fact]
    public void TruncatedGzipFile()
    {
        byte[] compressed = Gzip(Idx(Bytes(5000, 4), 5000));
        var e = ReadFails("cut.gz", compressed[..(compressed.Length / 2)]);
        Assert.True(e.Message.Contains("truncated data") || e.Message.Contains("corrupt gzip"), e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TrailingGarbage(bool gzip)
    {
        byte[] file = [.. Idx(Bytes(6, 2), 2, 3), 0xDE, 0xAD, 0xBE];
        var e = ReadFails(gzip ? "trailing.gz" : "trailing", gzip ? Gzip(file) : file);
        Assert.Contains("trailing garbage: 3 unexpected byte(s) after the 6 data bytes", e.Message);
    }

    [Fact]
    public void CorruptGzipHeader()
    {
        var e = ReadFails("corrupt.gz", [0x1F, 0x8B, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        Assert.Contains("corrupt gzip stream", e.Message);
        Assert.IsType<InvalidDataException>(e.InnerException);
    }

    [Fact]
    public void CorruptGzipBody()
    {
        byte[] compressed = Gzip(Idx(Bytes(5000, 5), 5000));
        for (int i = 20; i < 60; i++) compressed[i] ^= 0xFF;
        var e = ReadFails("flipped.gz", compressed);
        Assert.Contains("corrupt gzip stream", e.Message);
    }
}
