namespace Descent.Data;

/// <summary>
/// Loads datasets distributed like MNIST and Fashion-MNIST: four IDX files with standard names, images as
/// 3-D unsigned bytes (count × rows × columns) and labels as 1-D unsigned bytes.
/// </summary>
/// <remarks>
/// Each file may be gzip-compressed (<c>name.gz</c>) or raw (<c>name</c>); when both exist the raw file is used.
/// Pixels become floats in [0, 1] by dividing by 255, as torchvision's <c>ToTensor</c> does; each sample has
/// shape [1, rows, columns].
/// </remarks>
public static class MnistFormat
{
    /// <summary>The class count reported for a dataset whose labels all lie below 10.</summary>
    public const int StandardClassCount = 10;

    /// <summary>The base names (without .gz) of the four files, training images and labels first.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
    [
        ImagesFileName(DataSplit.Train), LabelsFileName(DataSplit.Train),
        ImagesFileName(DataSplit.Test), LabelsFileName(DataSplit.Test),
    ];

    /// <summary>The base name (without .gz) of the image file of <paramref name="split"/>.</summary>
    public static string ImagesFileName(DataSplit split) => $"{Prefix(split)}-images-idx3-ubyte";

    /// <summary>The base name (without .gz) of the label file of <paramref name="split"/>.</summary>
    public static string LabelsFileName(DataSplit split) => $"{Prefix(split)}-labels-idx1-ubyte";

    /// <summary>The path of <paramref name="baseName"/> in <paramref name="directory"/>, raw or with .gz, or null.</summary>
    public static string? FindFile(string directory, string baseName)
    {
        string raw = Path.Combine(directory, baseName);
        if (File.Exists(raw)) return raw;
        string gz = raw + ".gz";
        return File.Exists(gz) ? gz : null;
    }

    /// <summary>The base names of the four standard files that <paramref name="directory"/> lacks (empty if it holds all).</summary>
    public static IReadOnlyList<string> MissingFiles(string directory) =>
        Directory.Exists(directory) ? FileNames.Where(name => FindFile(directory, name) is null).ToArray() : FileNames;

    /// <summary>Loads the images and labels of <paramref name="split"/> from <paramref name="directory"/>.</summary>
    /// <param name="directory">The directory holding the files.</param>
    /// <param name="split">Which split to load.</param>
    /// <returns>
    /// A dataset with <c>rows × columns</c> features per sample, scaled to [0, 1], and sample shape
    /// [1, rows, columns]. Its class count is 10, or the largest label + 1 if that is larger, so both splits of
    /// the standard datasets agree even on a subset that lacks some class.
    /// </returns>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException">The image or label file is missing.</exception>
    /// <exception cref="DataFormatException">A file is malformed, or the files disagree on the sample count.</exception>
    public static Dataset Load(string directory, DataSplit split) => Load(directory, split, classCount: null);

    /// <summary>
    /// Loads one split like <see cref="Load(string, DataSplit)"/>, and with <paramref name="classCount"/> checks
    /// every label to be below it: a label out of range is a <see cref="DataFormatException"/> naming the label
    /// file, the record and the valid range, raised at load time rather than in the middle of training.
    /// </summary>
    public static Dataset Load(string directory, DataSplit split, int? classCount)
    {
        if (classCount is { } k) ArgumentOutOfRangeException.ThrowIfLessThan(k, 1, nameof(classCount));
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Dataset directory not found: {directory}");
        string imagesPath = Require(directory, ImagesFileName(split));
        string labelsPath = Require(directory, LabelsFileName(split));

        IdxData images = IdxReader.Read(imagesPath);
        if (images.Shape.Count != 3)
            throw new DataFormatException(imagesPath,
                $"expected 3 dimensions (count × rows × columns) for images but found {images.Shape.Count} ({string.Join("×", images.Shape)}).");
        IdxData labels = IdxReader.Read(labelsPath);
        if (labels.Shape.Count != 1)
            throw new DataFormatException(labelsPath,
                $"expected 1 dimension for labels but found {labels.Shape.Count} ({string.Join("×", labels.Shape)}).");
        if (images.Shape[0] != labels.Shape[0])
            throw new DataFormatException(imagesPath,
                $"holds {images.Shape[0]} images but the label file {labelsPath} holds {labels.Shape[0]} labels; the counts must agree.");

        if (classCount is { } classes)
            for (int i = 0; i < labels.Data.Length; i++)
                if (labels.Data[i] >= classes)
                    throw new DataFormatException(labelsPath,
                        $"record {i} has label {labels.Data[i]}; expected a label from 0 to {classes - 1} ({classes} classes).");

        int rows = images.Shape[1], columns = images.Shape[2];
        return new Dataset(ToUnitFloats(images.Data), ToLabels(labels.Data, out int maxLabel), rows * columns,
            Math.Max(StandardClassCount, maxLabel + 1), [1, rows, columns]);
    }

    /// <summary>
    /// Loads the training and test splits of <paramref name="directory"/> with labels checked against
    /// <paramref name="classCount"/>; test images of another shape than the training images are a
    /// <see cref="DataFormatException"/> naming the test image file, its shape and the expected one.
    /// </summary>
    /// <param name="directory">The directory of the four files.</param>
    /// <param name="classCount">The number of classes: every label must be below it.</param>
    /// <param name="sampleShape">The shape every image must have, such as [1, 28, 28] for a model with 784 inputs; null: any, the same for both splits.</param>
    public static (Dataset Train, Dataset Test) LoadTrainAndTest(string directory, int classCount, IReadOnlyList<int>? sampleShape = null)
    {
        var train = Load(directory, DataSplit.Train, classCount);
        if (sampleShape is not null && !train.SampleShape!.SequenceEqual(sampleShape))
            throw new DataFormatException(FindFile(directory, ImagesFileName(DataSplit.Train)) ?? Path.Combine(directory, ImagesFileName(DataSplit.Train)),
                $"record 0 is a {Dims(train.SampleShape!)} image; expected {Dims(sampleShape)}.");
        var test = Load(directory, DataSplit.Test, classCount);
        if (!train.SampleShape!.SequenceEqual(test.SampleShape!))
            throw new DataFormatException(FindFile(directory, ImagesFileName(DataSplit.Test)) ?? Path.Combine(directory, ImagesFileName(DataSplit.Test)),
                $"record 0 is a {Dims(test.SampleShape!)} image; expected {Dims(train.SampleShape!)} like the training images.");
        return (train, test);
    }

    private static string Dims(IReadOnlyList<int> shape) => string.Join("×", shape.Skip(1));

    private static string Require(string directory, string baseName) =>
        FindFile(directory, baseName)
        ?? throw new FileNotFoundException(
            $"{Path.Combine(directory, baseName)}: file not found (looked for '{baseName}' and '{baseName}.gz' in {directory}).",
            Path.Combine(directory, baseName));

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static float[] ToUnitFloats(byte[] pixels)
    {
        Span<float> table = stackalloc float[256];
        for (int i = 0; i < table.Length; i++) table[i] = i / 255f;
        float[] result = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++) result[i] = table[pixels[i]];
        return result;
    }

    /// <remarks>Labels are bytes, so every label is below 256 by construction.</remarks>
    private static int[] ToLabels(byte[] bytes, out int maxLabel)
    {
        int[] result = new int[bytes.Length];
        maxLabel = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            result[i] = bytes[i];
            if (bytes[i] > maxLabel) maxLabel = bytes[i];
        }
        return result;
    }

    private static string Prefix(DataSplit split) => split switch
    {
        DataSplit.Train => "train",
        DataSplit.Test => "t10k",
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown split."),
    };
}
