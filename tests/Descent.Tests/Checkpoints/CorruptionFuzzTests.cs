using System.IO.Compression;
using Descent.Checkpoints;
using Descent.Data;
using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;
using Descent.Tests.Cli;

namespace Descent.Tests.Checkpoints;

/// <summary>
/// Feeds readers many generated corruptions of valid files — truncation at every offset, every single-bit flip (or
/// many random ones), random bytes, zeroed ranges, appended garbage — and requires each either to be read (only where
/// the format cannot notice, such as a flipped pixel) or to fail with the library's own exception naming the file:
/// never another exception type, and never a hang.
/// </summary>
public sealed class CorruptionFuzzTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("descent-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Every corruption of <paramref name="original"/> this test generates, with a label.</summary>
    private static IEnumerable<(string What, byte[] Bytes)> Corruptions(byte[] original, int randomFlips, ulong seed, bool everyBit)
    {
        var rng = new Rng(seed);
        // Every length for small files; for large ones the first bytes, the last bytes and 1000 lengths in between.
        var lengths = original.Length <= 4096
            ? Enumerable.Range(0, original.Length)
            : Enumerable.Range(0, 64).Concat(Enumerable.Range(original.Length - 64, 64)).Concat(Enumerable.Range(0, 1000).Select(_ => rng.NextInt(original.Length)));
        foreach (int length in lengths) yield return ($"truncated to {length} bytes", original[..length]);
        if (everyBit)
        {
            for (int i = 0; i < original.Length; i++)
                for (int bit = 0; bit < 8; bit++)
                    yield return ($"bit {bit} of byte {i} flipped", Flip(original, i, bit));
        }
        for (int k = 0; k < randomFlips; k++)
        {
            int i = rng.NextInt(original.Length), bit = rng.NextInt(8);
            yield return ($"bit {bit} of byte {i} flipped", Flip(original, i, bit));
        }
        for (int k = 0; k < 200; k++)
        {
            var copy = (byte[])original.Clone();
            int start = rng.NextInt(copy.Length), count = 1 + rng.NextInt(Math.Min(64, copy.Length - start));
            bool zero = k % 2 == 0;
            for (int i = start; i < start + count; i++) copy[i] = zero ? (byte)0 : (byte)rng.NextInt(256);
            yield return ($"{count} bytes at {start} {(zero ? "zeroed" : "randomized")}", copy);
        }
        foreach (int extra in new[] { 1, 7, 4096 })
        {
            var copy = new byte[original.Length + extra];
            original.CopyTo(copy, 0);
            for (int i = original.Length; i < copy.Length; i++) copy[i] = (byte)rng.NextInt(256);
            yield return ($"{extra} garbage bytes appended", copy);
        }
    }

    private static byte[] Flip(byte[] original, int index, int bit)
    {
        var copy = (byte[])original.Clone();
        copy[index] ^= (byte)(1 << bit);
        return copy;
    }

    /// <summary>
    /// Writes each corruption to <paramref name="path"/> and calls <paramref name="read"/>; the returned failures are
    /// cases that threw anything but <paramref name="allowed"/> naming the path (or did not throw when
    /// <paramref name="mustThrow"/>). Runs under a time limit.
    /// </summary>
    private static (int Cases, int Rejected, List<string> Failures) Fuzz<TException>(
        string path, IEnumerable<(string What, byte[] Bytes)> corruptions, Action<string> read, bool mustThrow, Func<TException, string> fileOf)
        where TException : Exception
    {
        int cases = 0, rejected = 0;
        var failures = new List<string>();
        var work = Task.Run(() =>
        {
            foreach (var (what, bytes) in corruptions)
            {
                cases++;
                File.WriteAllBytes(path, bytes);
                try
                {
                    read(path);
                    if (mustThrow) failures.Add($"{what}: accepted");
                }
                catch (TException e)
                {
                    rejected++;
                    if (fileOf(e) != path || !e.Message.StartsWith(path + ": ", StringComparison.Ordinal))
                        failures.Add($"{what}: {e.GetType().Name} does not name the file: {e.Message}");
                }
                catch (Exception e)
                {
                    failures.Add($"{what}: {e.GetType().Name}: {e.Message}");
                }
            }
        });
        Assert.True(work.Wait(Limit), $"reading corrupt files of {path} did not finish within {Limit.TotalSeconds} s (a hang?)");
        return (cases, rejected, failures);
    }

    private static string Report(List<string> failures) => $"{failures.Count} failures, e.g.:\n" + string.Join("\n", failures.Take(10));

    [Fact]
    public void EveryCorruptionOfACheckpointIsRefusedNamingTheFile()
    {
        var rng = new Rng(3);
        var model = new Sequential(new Linear(3, 4, rng), new ReLU(), new Linear(4, 2, rng));
        var optimizer = OptimizerCatalog.Create("adam", model.NamedParameters(), new TorchOptions(new Dictionary<string, object> { ["lr"] = 0.01 }));
        var loss = Losses.CrossEntropy(model.Forward(Tensor.Normal(rng, 0, 1, 2, 3)), [0, 1]);
        loss.Backward();
        optimizer.Step();
        string good = Path.Combine(_dir, "good.safetensors");
        Checkpoint.Save(good, model, optimizer, new Dictionary<string, string> { ["train.epoch"] = "2", ["train.rng"] = "0123456789abcdef" },
            new Dictionary<string, SafetensorsTensor> { ["loader_order"] = SafetensorsTensor.FromInt32s([2, 0, 1], 3) });
        byte[] original = File.ReadAllBytes(good);
        Checkpoint.Load(good); // the original is valid

        string path = Path.Combine(_dir, "corrupt.safetensors");
        var (cases, rejected, failures) = Fuzz<CheckpointFormatException>(path, Corruptions(original, 0, 11, everyBit: true),
            p => Checkpoint.Load(p), mustThrow: true, e => e.FilePath);
        Assert.True(failures.Count == 0, Report(failures));
        Assert.Equal(cases, rejected);
        Assert.True(cases > 8 * original.Length, $"only {cases} cases");
    }

    [Fact]
    public void CorruptIdxFilesGiveDataFormatErrorsNamingTheFile()
    {
        var rng = new Rng(5);
        var pixels = new byte[6 * 5 * 4];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)rng.NextInt(256);
        foreach (bool gzip in new[] { false, true })
        {
            string good = Path.Combine(_dir, gzip ? "good.gz" : "good");
            SyntheticMnist.WriteIdx(good, [6, 5, 4], pixels, gzip);
            byte[] original = File.ReadAllBytes(good);
            Assert.Equal([6, 5, 4], IdxReader.Read(good).Shape);

            string path = Path.Combine(_dir, gzip ? "corrupt-images.gz" : "corrupt-images");
            var (cases, rejected, failures) = Fuzz<DataFormatException>(path, Corruptions(original, 0, 13, everyBit: true),
                p => IdxReader.Read(p), mustThrow: false, e => e.FilePath);
            Assert.True(failures.Count == 0, (gzip ? "gzip: " : "raw: ") + Report(failures));
            Assert.True(rejected > original.Length, $"only {rejected} of {cases} corruptions were noticed");
        }
    }

    [Fact]
    public void CorruptCifarFilesGiveDataFormatErrorsNamingTheFile()
    {
        var rng = new Rng(6);
        var records = new byte[3 * Cifar10Format.RecordSize];
        for (int i = 0; i < records.Length; i++) records[i] = (byte)rng.NextInt(256);
        for (int r = 0; r < 3; r++) records[r * Cifar10Format.RecordSize] = (byte)(r + 7);
        string good = Path.Combine(_dir, "data_batch_1.bin");
        File.WriteAllBytes(good, records);
        Assert.Equal(3, Cifar10Format.ReadFile(good).Count);

        string path = Path.Combine(_dir, "corrupt_batch.bin");
        var labelFlips = Enumerable.Range(0, 3).SelectMany(r => Enumerable.Range(0, 8).Select(bit =>
            ($"label {r} bit {bit} flipped", Flip(records, r * Cifar10Format.RecordSize, bit))));
        var (cases, rejected, failures) = Fuzz<DataFormatException>(path, Corruptions(records, 2000, 17, everyBit: false).Concat(labelFlips),
            p => Cifar10Format.ReadFile(p), mustThrow: false, e => e.FilePath);
        Assert.True(failures.Count == 0, Report(failures));
        Assert.True(rejected >= 1000, $"only {rejected} of {cases} corruptions were noticed");
    }
}
