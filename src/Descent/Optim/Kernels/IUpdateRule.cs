using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>The state buffers an <see cref="IUpdateRule"/> reads and writes beside the parameter and its gradient.</summary>
[Flags]
internal enum StateStreams
{
    /// <summary>No state (plain SGD).</summary>
    None = 0,
    /// <summary>The first state buffer.</summary>
    First = 1,
    /// <summary>The second state buffer.</summary>
    Second = 2,
    /// <summary>The third state buffer.</summary>
    Third = 4,
}

/// <summary>
/// An optimizer's elementwise update rule: what happens to one parameter element, its gradient and up to three state
/// elements, written once for every vector width. <see cref="ElementwiseUpdate"/> loads the lanes, calls
/// <see cref="Apply{L}"/> and stores the parameter and the state back; the rule is the optimizer's whole kernel.
/// </summary>
/// <remarks>
/// A rule is a readonly struct holding the step's scalars (already rounded to float32 as the reference rounds
/// them), so the JIT specializes the driver for it and inlines <see cref="Apply{L}"/>. Written with
/// <see cref="ILanes{TSelf}"/> operations only, it computes the same bits on Vector512, Vector256, Vector128 and the
/// scalar <see cref="Lane1"/>, which is its reference.
/// </remarks>
internal interface IUpdateRule
{
    /// <summary>The state buffers this rule (with its current options) uses; the driver checks their lengths.</summary>
    StateStreams Streams { get; }

    /// <summary>
    /// Updates one register of elements: <paramref name="param"/> and the used state registers in place, from
    /// <paramref name="grad"/>. Unused state registers hold zeros and are not stored.
    /// </summary>
    void Apply<L>(ref L param, L grad, ref L first, ref L second, ref L third) where L : struct, ILanes<L>;
}
