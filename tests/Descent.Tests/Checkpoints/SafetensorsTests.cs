using System.Buffers.Binary;
using System.Text;
using Descent.Checkpoints;

namespace Descent.Tests.Checkpoints;

public sealed class SafetensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("descent-st-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static SafetensorsFile Sample() => new(
    [
        new("layers.0.weight", SafetensorsTensor.FromFloats([1f, -2.5f, 3e-8f, float.MaxValue, 0f, -0f], 2, 3)),
        new("count", SafetensorsTensor.Scalar(1234567890123L)),
        new("ratio", SafetensorsTensor.Scalar(Math.PI)),
        new("order", SafetensorsTensor.FromInt32s([3, 1, 2, 0], 4)),
        new("empty", SafetensorsTensor.FromFloats([], 0, 5)),
        new("名前+<x>", SafetensorsTensor.FromFloats([7f], 1)),
    ], [new("note", "héllo \"quoted\" + <tag>"), new("step", "42")]);

    [Fact]
    public void WrittenFilesFollowTheFormatAsReadByAnIndependentReader()
    {
        string path = PathOf("a.safetensors");
        using (var f = File.Create(path)) SafetensorsWriter.Write(f, Sample());
        byte[] bytes = File.ReadAllBytes(path);

        var contents = MinimalSafetensors.Read(bytes);
        Assert.Equal(0, (8 + contents.HeaderLength) % 8); // data starts 8-byte aligned
        Assert.Equal("héllo \"quoted\" + <tag>", contents.Metadata["note"]);
        Assert.Equal("42", contents.Metadata["step"]);
        var w = contents.Tensors["layers.0.weight"];
        Assert.Equal("F32", w.DType);
        Assert.Equal([2L, 3L], w.Shape);
        Assert.Equal([1f, -2.5f, 3e-8f, float.MaxValue, 0f, -0f], MinimalSafetensors.Floats(w));
        Assert.Equal(1234567890123L, MinimalSafetensors.Int64(contents.Tensors["count"]));
        Assert.Empty(contents.Tensors["count"].Shape);
        Assert.Equal(Math.PI, MinimalSafetensors.Float64(contents.Tensors["ratio"]));
        Assert.Equal("I32", contents.Tensors["order"].DType);
        Assert.Equal([0L, 5L], contents.Tensors["empty"].Shape);
        Assert.Equal([7f], MinimalSafetensors.Floats(contents.Tensors["名前+<x>"]));
        // The tensors tile the data section exactly, in file order.
        var ranges = contents.Tensors.Values.OrderBy(e => e.Begin).ToList();
        Assert.Equal(0, ranges[0].Begin);
        for (int i = 1; i < ranges.Count; i++) Assert.Equal(ranges[i - 1].End, ranges[i].Begin);
        Assert.Equal(bytes.Length - 8 - contents.HeaderLength, ranges[^1].End);
        // The header is plain JSON padded with spaces; the length prefix is little-endian.
        Assert.Equal((ulong)contents.HeaderLength, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal((byte)'{', bytes[8]);
    }

    [Fact]
    public void ReadingBackGivesTheSameTensorsAndMetadata()
    {
        string path = PathOf("b.safetensors");
        var sample = Sample();
        using (var f = File.Create(path)) SafetensorsWriter.Write(f, sample);
        var read = SafetensorsReader.Read(path);
        Assert.Equal(sample.Names, read.Names);
        foreach (var name in sample.Names)
        {
            Assert.Equal(sample[name].DType, read[name].DType);
            Assert.Equal(sample[name].Shape, read[name].Shape);
            Assert.Equal(sample[name].Data.ToArray(), read[name].Data.ToArray());
        }
        Assert.Equal(sample.Metadata, read.Metadata);
        Assert.Equal(new FileInfo(path).Length, SafetensorsWriter.Size(sample));
    }

    [Fact]
    public void AFileWrittenByAnotherImplementationIsRead()
    {
        // Hand-built as the reference implementation writes it: metadata first, then entries sorted by name, data
        // in a different order from the JSON's, and no padding.
        string header = "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}," +
                        "\"b\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[0,8]}}";
        var bytes = new List<byte>();
        bytes.AddRange(BitConverter.GetBytes((ulong)Encoding.UTF8.GetByteCount(header)));
        bytes.AddRange(Encoding.UTF8.GetBytes(header));
        bytes.AddRange(new byte[8]);
        bytes.AddRange(BitConverter.GetBytes(1.5f));
        bytes.AddRange(BitConverter.GetBytes(-2f));
        string path = PathOf("torch.safetensors");
        File.WriteAllBytes(path, bytes.ToArray());

        var read = SafetensorsReader.Read(path);
        Assert.Equal([1.5f, -2f], read["a"].ToFloats());
        Assert.Equal(SafetensorsDType.BF16, read["b"].DType);
        Assert.Equal("pt", read.Metadata["format"]);
    }

    public static TheoryData<string, string> MalformedHeaders => new()
    {
        { "[1,2]", "does not start with '{'" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "two entries named 'a'" },
        { "{\"a\":{\"dtype\":\"F31\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "unknown dtype 'F31'" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "needs 12 bytes" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}", "overlaps 'a'" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "gap of 4 bytes" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "4 unexpected bytes after the last tensor" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", "integers >= 0" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", "end before they begin" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", "unexpected field 'x'" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}", "too many elements" },
        { "{\"__metadata__\":{\"k\":5}}", "metadata 'k' must be a string" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", "JSON header is invalid" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", "truncated: tensor 'a' ends at data offset 16" },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void MalformedHeadersAreNamedErrors(string header, string expected)
    {
        var bytes = new List<byte>();
        bytes.AddRange(BitConverter.GetBytes((ulong)Encoding.UTF8.GetByteCount(header)));
        bytes.AddRange(Encoding.UTF8.GetBytes(header));
        bytes.AddRange(new byte[8]); // two floats of data
        string path = PathOf("bad.safetensors");
        File.WriteAllBytes(path, bytes.ToArray());
        var e = Assert.Throws<CheckpointFormatException>(() => SafetensorsReader.Read(path));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Equal(path, e.FilePath);
    }

    [Theory]
    [InlineData(0xFFFF_FFFF_FFFF_FFFFUL, "exceeds the limit")]
    [InlineData(100_000_001UL, "exceeds the limit")]
    [InlineData(99_999_999UL, "truncated")]
    [InlineData(1UL, "too small")]
    public void AnAbsurdHeaderLengthIsRejectedBeforeAllocating(ulong length, string expected)
    {
        string path = PathOf("len.safetensors");
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
        bytes[8] = (byte)'{';
        File.WriteAllBytes(path, bytes);
        // this thread's allocations only: tests running in parallel allocate too
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CheckpointFormatException>(() => SafetensorsReader.Read(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ShortFilesAndDirectoriesAreNamedErrors()
    {
        string path = PathOf("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Contains("truncated", Assert.Throws<CheckpointFormatException>(() => SafetensorsReader.Read(path)).Message);
        Assert.Contains("is a directory", Assert.Throws<CheckpointFormatException>(() => SafetensorsReader.Read(_dir)).Message);
        Assert.Throws<FileNotFoundException>(() => SafetensorsReader.Read(PathOf("missing.safetensors")));
    }

    [Fact]
    public void TensorsCheckTheirTypeAndSize()
    {
        Assert.Throws<ArgumentException>(() => new SafetensorsTensor(SafetensorsDType.F32, [2], new byte[7]));
        Assert.Throws<InvalidOperationException>(() => SafetensorsTensor.Scalar(1L).ToFloats());
        Assert.Throws<ArgumentException>(() => new SafetensorsFile([new("x", SafetensorsTensor.Scalar(1L)), new("x", SafetensorsTensor.Scalar(2L))]));
        Assert.Throws<ArgumentException>(() => new SafetensorsFile([new("__metadata__", SafetensorsTensor.Scalar(1L))]));
    }
}
