namespace Descent.Data;

/// <summary>
/// Loads CIFAR-10 (Krizhevsky, 2009) from its binary version, the files of <c>cifar-10-batches-bin</c>:
/// <c>data_batch_1.bin</c> … <c>data_batch_5.bin</c> (training) and <c>test_batch.bin</c> (test).
/// </summary>
/// <remarks>
/// <para>
/// Each file is a sequence of 3073-byte records: one label byte (0–9), then 3072 pixel bytes, the 1024 red values
/// of the 32×32 image row by row, then the green and the blue ones. That is channel-major (CHW), so a sample
/// becomes [3, 32, 32] directly; pixels are divided by 255 into [0, 1], as torchvision's <c>ToTensor</c> does.
/// </para>
/// <para>
/// The official files hold 10,000 records each, but any non-empty file of whole records is read, so small files
/// in the same format can stand in for tests. A file that is empty, ends inside a record (truncated, or a
/// CIFAR-100 file, whose records carry two label bytes), or holds a label above 9 is a
/// <see cref="DataFormatException"/> naming the file and the problem.
/// </para>
/// </remarks>
public static class Cifar10Format
{
    /// <summary>Image height and width.</summary>
    public const int ImageSize = 32;

    /// <summary>Colour channels (red, green, blue).</summary>
    public const int Channels = 3;

    /// <summary>Pixel bytes per record: 3 × 32 × 32.</summary>
    public const int PixelBytes = Channels * ImageSize * ImageSize;

    /// <summary>Bytes per record: the label byte and the pixels.</summary>
    public const int RecordSize = 1 + PixelBytes;

    /// <summary>Records in each official file.</summary>
    public const int RecordsPerFile = 10000;

    /// <summary>The number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>The name of the directory the official archive extracts to.</summary>
    public const string DirectoryName = "cifar-10-batches-bin";

    /// <summary>The test file name.</summary>
    public const string TestFileName = "test_batch.bin";

    /// <summary>The class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>The five training file names, in order.</summary>
    public static IReadOnlyList<string> TrainFileNames { get; } =
        ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];

    /// <summary>All six file names: the training files, then the test file.</summary>
    public static IReadOnlyList<string> FileNames { get; } = [.. TrainFileNames, TestFileName];

    /// <summary>The file names of <paramref name="split"/>.</summary>
    public static IReadOnlyList<string> FileNamesOf(DataSplit split) => split switch
    {
        DataSplit.Train => TrainFileNames,
        DataSplit.Test => [TestFileName],
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown split."),
    };

    /// <summary>The names of the six files that <paramref name="directory"/> lacks (empty when it holds them all).</summary>
    public static IReadOnlyList<string> MissingFiles(string directory) =>
        Directory.Exists(directory) ? FileNames.Where(name => !File.Exists(Path.Combine(directory, name))).ToArray() : FileNames;

    /// <summary>Loads <paramref name="split"/> from <paramref name="directory"/>: the five training files in order, or the test file.</summary>
    /// <returns>A dataset with 3072 features per sample in [0, 1], sample shape [3, 32, 32] and 10 classes.</returns>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file of the split is missing.</exception>
    /// <exception cref="DataFormatException">A file is malformed.</exception>
    public static Dataset Load(string directory, DataSplit split)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Dataset directory not found: {directory}");
        var paths = FileNamesOf(split).Select(name => Path.Combine(directory, name)).ToArray();
        foreach (string path in paths)
        {
            if (!File.Exists(path))
                throw new FileNotFoundException($"{path}: file not found (CIFAR-10 binary version, {DirectoryName}).", path);
        }
        long records = 0;
        foreach (string path in paths) records += RecordCount(path);
        if (records * PixelBytes > Array.MaxLength)
            throw new DataFormatException(paths[^1], $"the files of the {split} split hold {records} records, more than one array can hold.");

        var features = new float[records * PixelBytes];
        var labels = new int[records];
        int at = 0;
        foreach (string path in paths) at += ReadInto(path, features, labels, at);
        return new Dataset(features, labels, PixelBytes, ClassCount, [Channels, ImageSize, ImageSize]);
    }

    /// <summary>Reads one batch file (any number of records) into a dataset.</summary>
    /// <exception cref="FileNotFoundException">No file exists at <paramref name="path"/>.</exception>
    /// <exception cref="DataFormatException">The file is malformed.</exception>
    public static Dataset ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"CIFAR-10 batch file not found: {path}", path);
        int records = RecordCount(path);
        var features = new float[(long)records * PixelBytes];
        var labels = new int[records];
        ReadInto(path, features, labels, 0);
        return new Dataset(features, labels, PixelBytes, ClassCount, [Channels, ImageSize, ImageSize]);
    }

    /// <summary>The number of records in the file, after checking that its length is a positive whole number of records.</summary>
    private static int RecordCount(string path)
    {
        long length = new FileInfo(path).Length;
        if (length == 0)
            throw new DataFormatException(path, $"the file is empty; a CIFAR-10 batch holds records of {RecordSize} bytes (1 label byte + {PixelBytes} pixel bytes).");
        if (length % RecordSize != 0)
        {
            string hint = length % (RecordSize + 1) == 0
                ? $" Its length is a whole number of {RecordSize + 1}-byte records: this looks like CIFAR-100 (two label bytes per record), not CIFAR-10."
                : length < RecordSize
                    ? ""
                    : $" It holds {length / RecordSize} whole records and {length % RecordSize} extra bytes: the file is truncated or has trailing data.";
            throw new DataFormatException(path,
                $"wrong size: {length} bytes is not a whole number of {RecordSize}-byte records (1 label byte + {PixelBytes} pixel bytes).{hint}");
        }
        if (length / RecordSize > Array.MaxLength / PixelBytes)
            throw new DataFormatException(path, $"the file holds {length / RecordSize} records, more than one array can hold.");
        return (int)(length / RecordSize);
    }

    /// <summary>Reads every record of <paramref name="path"/> into the arrays from sample <paramref name="start"/> on.</summary>
    private static int ReadInto(string path, float[] features, int[] labels, int start)
    {
        int records = RecordCount(path);
        Span<float> table = stackalloc float[256];
        for (int i = 0; i < table.Length; i++) table[i] = i / 255f;
        var record = new byte[RecordSize];
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        for (int r = 0; r < records; r++)
        {
            int got = file.ReadAtLeast(record, RecordSize, throwOnEndOfStream: false);
            if (got < RecordSize)
                throw new DataFormatException(path, $"truncated data: record {r} of {records} has only {got} of {RecordSize} bytes (the file changed while it was read).");
            int label = record[0];
            if (label >= ClassCount)
                throw new DataFormatException(path, $"bad label {label} in record {r} (byte offset {(long)r * RecordSize}): CIFAR-10 labels are 0 to {ClassCount - 1}.");
            labels[start + r] = label;
            var pixels = features.AsSpan((start + r) * PixelBytes, PixelBytes);
            for (int i = 0; i < PixelBytes; i++) pixels[i] = table[record[1 + i]];
        }
        return records;
    }
}
