using System.IO.Compression;

namespace Descent.Tests.Cli;

/// <summary>
/// Writes a small MNIST-format dataset (28×28 images, 4 classes, each class brightening one quadrant plus noise)
/// into a temporary directory, so the command line can be tested end to end without the real data.
/// </summary>
internal sealed class SyntheticMnist : IDisposable
{
    public SyntheticMnist(int trainCount = 600, int testCount = 200, bool gzip = true)
    {
        Directory = Path.Combine(Path.GetTempPath(), "descent-test-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        var rng = new Rng(123);
        Write("train", trainCount, rng, gzip);
        Write("t10k", testCount, rng, gzip);
    }

    public string Directory { get; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    private void Write(string prefix, int count, Rng rng, bool gzip)
    {
        var labels = new byte[count];
        var pixels = new byte[count * 784];
        for (int i = 0; i < count; i++)
        {
            int label = i % 4;
            labels[i] = (byte)label;
            for (int r = 0; r < 28; r++)
                for (int c = 0; c < 28; c++)
                {
                    int quadrant = (r / 14) * 2 + c / 14;
                    int value = (quadrant == label ? 160 : 40) + rng.NextInt(60);
                    pixels[i * 784 + r * 28 + c] = (byte)value;
                }
        }
        string suffix = gzip ? ".gz" : "";
        WriteIdx(PathOf($"{prefix}-images-idx3-ubyte{suffix}"), [count, 28, 28], pixels, gzip);
        WriteIdx(PathOf($"{prefix}-labels-idx1-ubyte{suffix}"), [count], labels, gzip);
    }

    public static void WriteIdx(string path, int[] dims, byte[] data, bool gzip)
    {
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        stream.Write([0, 0, 0x08, (byte)dims.Length]);
        foreach (int d in dims) stream.Write([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        stream.Write(data);
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
