namespace Descent.Data;

/// <summary>Which part of a dataset with a fixed train/test division to load.</summary>
public enum DataSplit
{
    /// <summary>The training samples (60,000 for MNIST and Fashion-MNIST).</summary>
    Train,

    /// <summary>The test samples (10,000 for MNIST and Fashion-MNIST).</summary>
    Test,
}
