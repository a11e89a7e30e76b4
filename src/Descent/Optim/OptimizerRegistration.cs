using Descent.Nn;

namespace Descent.Optim;

/// <summary>An optimizer added to <see cref="OptimizerCatalog"/> with <see cref="OptimizerCatalog.Register"/>.</summary>
/// <param name="Name">The name, spelt as registered.</param>
/// <param name="Factory">Builds the optimizer from parameters and torch keyword options.</param>
/// <param name="Description">The update rule in a few lines, or null.</param>
public sealed record OptimizerRegistration(string Name, Func<IEnumerable<NamedParameter>, TorchOptions, Optimizer> Factory, string? Description);
