using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Descent.Checkpoints;

/// <summary>
/// The checksum stored in a checkpoint's metadata under "checksum": "sha256:" and 64 lowercase hex digits.
/// </summary>
/// <remarks>
/// <para>
/// It covers everything the file means, not only the data section: the SHA-256 is taken over the tensors sorted by
/// name (each as its name, dtype, shape and data bytes) and then the metadata entries sorted by key (except
/// "checksum" itself), every string and array preceded by its length as a little-endian 64-bit integer. So a flipped
/// bit anywhere — in a weight, a shape, an offset or a metadata value such as the epoch — is detected, while the
/// checksum does not depend on the JSON's formatting or the order of the entries.
/// </para>
/// </remarks>
public static class CheckpointChecksum
{
    /// <summary>The metadata key of the checksum.</summary>
    public const string MetadataKey = "checksum";

    /// <summary>The prefix of the value, naming the algorithm.</summary>
    public const string Prefix = "sha256:";

    /// <summary>The checksum of <paramref name="tensors"/> and <paramref name="metadata"/> ("checksum" itself is skipped).</summary>
    public static string Compute(IEnumerable<KeyValuePair<string, SafetensorsTensor>> tensors, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendString(hash, "descent-checkpoint-checksum-v1");
        foreach (var (name, tensor) in tensors.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            AppendString(hash, name);
            AppendString(hash, tensor.DType.HeaderName());
            AppendLong(hash, tensor.Shape.Count);
            foreach (long d in tensor.Shape) AppendLong(hash, d);
            AppendLong(hash, tensor.ByteLength);
            hash.AppendData(tensor.Data);
        }
        foreach (var (key, value) in metadata.Where(m => m.Key != MetadataKey).OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            AppendString(hash, key);
            AppendString(hash, value);
        }
        return Prefix + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void AppendString(IncrementalHash hash, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        AppendLong(hash, bytes.LongLength);
        hash.AppendData(bytes);
    }

    private static void AppendLong(IncrementalHash hash, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        hash.AppendData(bytes);
    }
}
