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
/// elements, written once for every vector width. <see cref="ElementwiseUpdate"/> calls <see cref="Apply{L}"/> for
/// every register of the tensor, widest first; the rule is the optimizer's whole kernel.
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
    /// Updates one register of elements at the given addresses: loads the parameter, the gradient and the state
    /// buffers it uses, computes, and stores the parameter and those buffers. Pointers of unused buffers are not
    /// valid addresses and must not be read. Values stay in locals (never passed by reference), so the JIT keeps
    /// them in registers.
    /// </summary>
    unsafe void Apply<L>(float* param, float* grad, float* first, float* second, float* third) where L : struct, ILanes<L>;
}
