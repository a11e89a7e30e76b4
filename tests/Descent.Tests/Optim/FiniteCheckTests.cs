using Descent.Optim.Kernels;
using Descent.Simd;

namespace Descent.Tests.Optim;

/// <summary>The gradient scan finds a single NaN or ±∞ at any position, on every vector width.</summary>
public class FiniteCheckTests
{
    [Fact]
    public void ASingleNonFiniteValueIsFoundAtEveryPositionOnEveryWidth()
    {
        foreach (var width in RuleTestKit.VectorWidths.Prepend(SimdWidth.Scalar))
            using (SimdPath.Force(width))
                for (int n = 0; n <= 130; n++)
                {
                    var values = Enumerable.Range(0, n).Select(i => i % 2 == 0 ? 3.4e38f : -1e-40f).ToArray();
                    Assert.True(FiniteCheck.AllFinite(values), $"width {width}, n = {n}: finite values reported non-finite");
                    for (int at = 0; at < n; at++)
                        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
                        {
                            values[at] = bad;
                            Assert.False(FiniteCheck.AllFinite(values), $"width {width}, n = {n}: {bad} at {at} was missed");
                            values[at] = 1f;
                        }
                }
    }
}
