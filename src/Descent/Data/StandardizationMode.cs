namespace Descent.Data;

/// <summary>How a <see cref="Standardizer"/> groups features when computing means and standard deviations.</summary>
public enum StandardizationMode
{
    /// <summary>One mean and one standard deviation over every feature of every sample (the default).</summary>
    Global,

    /// <summary>A mean and a standard deviation per feature column.</summary>
    PerFeature,
}
