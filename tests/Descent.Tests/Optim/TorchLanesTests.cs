using Descent.Optim;
using Descent.Optim.Kernels;
using Descent.Simd;

namespace Descent.Tests.Optim;

/// <summary>The lane forms of torch's elementwise formulas give their scalar forms' bits on every width.</summary>
public class TorchLanesTests
{
    /// <summary>Bit patterns around every case of the bfloat16 rounding: ties to even both ways, carries into the exponent, overflow, subnormals, ±0, ±∞, NaN.</summary>
    private static float[] BFloat16Cases()
    {
        uint[] bits =
        [
            0x3F808000, 0x3F818000, 0x3F807FFF, 0x3F808001, 0x3F80FFFF, 0x3FFF8000, 0x3FFFFFFF, 0xBF808000, 0xBF818000,
            0x7F7F7FFF, 0x7F7F8000, 0x7F7FFFFF, 0xFF7FFFFF, 0x00008000, 0x00018000, 0x007FFFFF, 0x80008000, 0x00000001,
            0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00001, 0x7F800001, 0x3EAAAAAB, 0x40490FDB,
        ];
        var rng = new Rng(41);
        return [.. bits.Select(BitConverter.UInt32BitsToSingle), .. Enumerable.Range(0, 101).Select(_ => rng.NextNormal() * 100f)];
    }

    [Fact]
    public void RoundToBFloat16MatchesTheScalarRoundingOnEveryWidth()
    {
        var x = BFloat16Cases();
        var expected = x.Select(NewtonSchulz.Bf16).ToArray();
        AssertSameBits(expected, Round<Lane1>(x), "scalar");
        AssertSameBits(expected, Round<Lanes128>(x), "Vector128");
        AssertSameBits(expected, Round<Lanes256>(x), "Vector256");
        AssertSameBits(expected, Round<Lanes512>(x), "Vector512");
    }

    private static float[] Round<L>(float[] x) where L : struct, ILanes<L>
    {
        var result = (float[])x.Clone();
        for (int i = 0; i + L.Count <= x.Length; i += L.Count)
            TorchLanes.RoundToBFloat16(L.Load(ref x[0], (nuint)i)).Store(ref result[0], (nuint)i);
        for (int i = x.Length - x.Length % L.Count; i < x.Length; i++) result[i] = NewtonSchulz.Bf16(x[i]);
        return result;
    }

    private static void AssertSameBits(float[] expected, float[] actual, string width)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToUInt32Bits(expected[i]) == BitConverter.SingleToUInt32Bits(actual[i]),
                $"{width}: element {i} ({BitConverter.SingleToUInt32Bits(expected[i]):X8} expected, {BitConverter.SingleToUInt32Bits(actual[i]):X8} got)");
    }
}
