namespace Descent.Lab.Problems;

/// <summary>
/// A problem whose model outputs are not class scores (such as a noisy quadratic): only its loss is reported, and
/// accuracy is not measured.
/// </summary>
public interface ILossOnlyProblem;
