using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Descent.Data;
using Descent.Lab.Problems;

namespace Descent.Lab.Training;

/// <summary>
/// A cheap fingerprint of a run's data, recorded in its checkpoints so that a resume on other data is refused: the
/// sizes of both splits and a SHA-256 of every label and of 64 evenly spaced samples' features of each split, such
/// as "train 60000×784, test 10000×784, sha256 3f9a…". Computed in milliseconds from the data in memory.
/// </summary>
public static class DataFingerprint
{
    private const int Samples = 64;

    /// <summary>The fingerprint of <paramref name="data"/>.</summary>
    public static string Of(ProblemData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Add(hash, data.Train);
        Add(hash, data.Test);
        string digest = Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
        return string.Create(CultureInfo.InvariantCulture,
            $"train {data.Train.Count}×{data.Train.FeatureSize}, test {data.Test.Count}×{data.Test.FeatureSize}, sha256 {digest}");
    }

    private static void Add(IncrementalHash hash, Dataset set)
    {
        hash.AppendData(BitConverter.GetBytes(set.Count));
        hash.AppendData(BitConverter.GetBytes(set.FeatureSize));
        hash.AppendData(MemoryMarshal.AsBytes(set.Labels.AsSpan()));
        if (set.Count == 0) return;
        int taken = Math.Min(Samples, set.Count);
        for (int i = 0; i < taken; i++)
            hash.AppendData(MemoryMarshal.AsBytes(set.GetFeatures((int)((long)i * set.Count / taken))));
    }
}
