using System.Buffers.Binary;
using System.IO.Compression;

namespace Descent.Tests.Lab;

/// <summary>Decodes the PNG files browsers write for screenshots (8-bit RGB or RGBA, not interlaced) into gray levels.</summary>
internal static class Png
{
    public sealed record Image(int Width, int Height, byte[] Gray)
    {
        /// <summary>The variance of the gray levels.</summary>
        public double Variance()
        {
            double mean = Gray.Average(v => (double)v);
            return Gray.Average(v => (v - mean) * (v - mean));
        }

        /// <summary>The fraction of pixels darker than <paramref name="threshold"/>.</summary>
        public double DarkFraction(int threshold = 200) => Gray.Count(v => v < threshold) / (double)Gray.Length;
    }

    public static Image Decode(byte[] png)
    {
        if (png.Length < 8 || !png.AsSpan(0, 8).SequenceEqual(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }))
            throw new InvalidDataException("not a PNG");
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (int at = 8; at + 8 <= png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                if (data[8] != 8 || data[12] != 0) throw new InvalidDataException("only 8-bit, non-interlaced PNGs are supported");
                channels = data[9] switch { 2 => 3, 6 => 4, _ => throw new InvalidDataException($"colour type {data[9]} is not supported") };
            }
            else if (type == "IDAT") idat.Write(data);
            else if (type == "IEND") break;
            at += 12 + length;
        }
        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.CopyTo(inflated);
        byte[] raw = inflated.ToArray();
        int stride = width * channels;
        var previous = new byte[stride];
        var current = new byte[stride];
        var gray = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[y * (stride + 1)];
            Array.Copy(raw, y * (stride + 1) + 1, current, 0, stride);
            for (int i = 0; i < stride; i++)
            {
                int a = i >= channels ? current[i - channels] : 0, b = previous[i], c = i >= channels ? previous[i - channels] : 0;
                int predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"unknown filter {filter}"),
                };
                current[i] = (byte)(current[i] + predictor);
            }
            for (int x = 0; x < width; x++)
                gray[y * width + x] = (byte)((current[x * channels] * 299 + current[x * channels + 1] * 587 + current[x * channels + 2] * 114) / 1000);
            (previous, current) = (current, previous);
        }
        return new Image(width, height, gray);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
