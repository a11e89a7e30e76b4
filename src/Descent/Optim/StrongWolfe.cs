namespace Descent.Optim;

/// <summary>
/// A scalar as torch's LBFGS holds it: either a Python float (double) or a 0-dimensional float32 tensor. Mixed
/// arithmetic follows torch: when either side is a float32 tensor the other is rounded to float32 and the result is
/// float32; a Python number divided by a tensor is the tensor's reciprocal times the number (Tensor.__rtruediv__).
/// </summary>
internal readonly record struct Num(double V, bool F)
{
    public static Num D(double v) => new(v, false);
    public static Num F32(float v) => new(v, true);
    public float F32Value => (float)V;

    public static Num operator +(Num a, Num b) => a.F || b.F ? F32((float)a.V + (float)b.V) : D(a.V + b.V);
    public static Num operator -(Num a, Num b) => a.F || b.F ? F32((float)a.V - (float)b.V) : D(a.V - b.V);
    public static Num operator *(Num a, Num b) => a.F || b.F ? F32((float)a.V * (float)b.V) : D(a.V * b.V);
    public static Num operator /(Num a, Num b) =>
        !a.F && b.F ? F32(1f / (float)b.V * (float)a.V) : a.F || b.F ? F32((float)a.V / (float)b.V) : D(a.V / b.V);
    public static Num operator -(Num a) => new(-a.V, a.F);
    public static bool operator <(Num a, Num b) => a.F || b.F ? (float)a.V < (float)b.V : a.V < b.V;
    public static bool operator >(Num a, Num b) => b < a;
    public static bool operator <=(Num a, Num b) => a.F || b.F ? (float)a.V <= (float)b.V : a.V <= b.V;
    public static bool operator >=(Num a, Num b) => b <= a;
    public static implicit operator Num(double v) => D(v);
    public Num Abs() => new(Math.Abs(V), F);
    public Num Sqrt() => F ? F32(MathF.Sqrt((float)V)) : D(Math.Sqrt(V));

    /// <summary>Python's min(a, b): b only when b &lt; a.</summary>
    public static Num Min(Num a, Num b) => b < a ? b : a;

    /// <summary>Python's max(a, b): b only when b &gt; a.</summary>
    public static Num Max(Num a, Num b) => b > a ? b : a;
}

/// <summary>torch.optim.lbfgs's _cubic_interpolate and _strong_wolfe (PyTorch 1.13), with torch's precisions.</summary>
internal static class StrongWolfe
{
    /// <summary>The minimizer of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to the bounds.</summary>
    public static Num CubicInterpolate(Num x1, Num f1, Num g1, Num x2, Num f2, Num g2, (Num Min, Num Max)? bounds = null)
    {
        var (xminBound, xmaxBound) = bounds ?? (x1 <= x2 ? (x1, x2) : (x2, x1));
        var d1 = g1 + g2 - (Num)3 * (f1 - f2) / (x1 - x2);
        var d2Square = d1 * d1 - g1 * g2;
        if (d2Square >= 0)
        {
            var d2 = d2Square.Sqrt();
            var minPos = x1 <= x2
                ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + (Num)2 * d2))
                : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + (Num)2 * d2));
            return Num.Min(Num.Max(minPos, xminBound), xmaxBound);
        }
        return (xminBound + xmaxBound) / (Num)2.0;
    }

    /// <summary>
    /// Searches along <paramref name="d"/> from step <paramref name="t"/> for a point satisfying the strong Wolfe
    /// conditions; returns its loss, flat gradient, step and the number of evaluations.
    /// </summary>
    public static (double Loss, float[] Grad, Num T, int Evals) Search(Func<Num, float[], (double, float[])> objFunc,
        Num t, float[] d, double f, float[] g, Num gtd, double toleranceChange, double c1 = 1e-4, double c2 = 0.9, int maxLs = 25)
    {
        var dNorm = Num.F32(LBFGS.AbsMax(d));
        g = (float[])g.Clone();
        var (fNew, gNew) = objFunc(t, d);
        int lsFuncEvals = 1;
        var gtdNew = Num.F32(LBFGS.Dot(gNew, d));

        Num tPrev = 0;
        double fPrev = f;
        var gPrev = g;
        var gtdPrev = gtd;
        bool done = false;
        int lsIter = 0;
        Num[] bracket = [], bracketGtd = [];
        double[] bracketF = [];
        float[][] bracketG = [];
        while (lsIter < maxLs)
        {
            if (Num.D(fNew) > Num.D(f) + (Num)c1 * t * gtd || (lsIter > 1 && fNew >= fPrev))
            {
                bracket = [tPrev, t]; bracketF = [fPrev, fNew]; bracketG = [gPrev, (float[])gNew.Clone()]; bracketGtd = [gtdPrev, gtdNew];
                break;
            }
            if (gtdNew.Abs() <= -(Num)c2 * gtd)
            {
                bracket = [t]; bracketF = [fNew]; bracketG = [gNew];
                done = true;
                break;
            }
            if (gtdNew >= 0)
            {
                bracket = [tPrev, t]; bracketF = [fPrev, fNew]; bracketG = [gPrev, (float[])gNew.Clone()]; bracketGtd = [gtdPrev, gtdNew];
                break;
            }
            var minStep = t + (Num)0.01 * (t - tPrev);
            var maxStep = t * (Num)10;
            var tmp = t;
            t = CubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, (minStep, maxStep));
            tPrev = tmp;
            fPrev = fNew;
            gPrev = (float[])gNew.Clone();
            gtdPrev = gtdNew;
            (fNew, gNew) = objFunc(t, d);
            lsFuncEvals++;
            gtdNew = Num.F32(LBFGS.Dot(gNew, d));
            lsIter++;
        }
        if (lsIter == maxLs)
        {
            bracket = [0, t]; bracketF = [f, fNew]; bracketG = [g, gNew];
        }

        bool insufProgress = false;
        var (lowPos, highPos) = bracketF[0] <= bracketF[^1] ? (0, 1) : (1, 0);
        while (!done && lsIter < maxLs)
        {
            if ((bracket[1] - bracket[0]).Abs() * dNorm < (Num)toleranceChange) break;
            t = CubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
            var bMax = Num.Max(bracket[0], bracket[1]);
            var bMin = Num.Min(bracket[0], bracket[1]);
            var eps = (Num)0.1 * (bMax - bMin);
            if (Num.Min(bMax - t, t - bMin) < eps)
            {
                if (insufProgress || t >= bMax || t <= bMin)
                {
                    t = (t - bMax).Abs() < (t - bMin).Abs() ? bMax - eps : bMin + eps;
                    insufProgress = false;
                }
                else insufProgress = true;
            }
            else insufProgress = false;

            (fNew, gNew) = objFunc(t, d);
            lsFuncEvals++;
            gtdNew = Num.F32(LBFGS.Dot(gNew, d));
            lsIter++;

            if (Num.D(fNew) > Num.D(f) + (Num)c1 * t * gtd || fNew >= bracketF[lowPos])
            {
                bracket[highPos] = t; bracketF[highPos] = fNew; bracketG[highPos] = (float[])gNew.Clone(); bracketGtd[highPos] = gtdNew;
                (lowPos, highPos) = bracketF[0] <= bracketF[1] ? (0, 1) : (1, 0);
            }
            else
            {
                if (gtdNew.Abs() <= -(Num)c2 * gtd) done = true;
                else if (gtdNew * (bracket[highPos] - bracket[lowPos]) >= 0)
                {
                    bracket[highPos] = bracket[lowPos]; bracketF[highPos] = bracketF[lowPos];
                    bracketG[highPos] = bracketG[lowPos]; bracketGtd[highPos] = bracketGtd[lowPos];
                }
                bracket[lowPos] = t; bracketF[lowPos] = fNew; bracketG[lowPos] = (float[])gNew.Clone(); bracketGtd[lowPos] = gtdNew;
            }
        }
        return (bracketF[lowPos], bracketG[lowPos], bracket[lowPos], lsFuncEvals);
    }
}
