using System.Collections;

namespace Descent.Data;

/// <summary>
/// Iterates a <see cref="Dataset"/> in mini-batches, optionally in a fresh random order every epoch.
/// </summary>
/// <remarks>
/// <para>
/// Each <c>foreach</c> over the loader is one epoch: it calls <see cref="StartEpoch"/>, which (when shuffling)
/// draws a new permutation of all sample indices from the <see cref="Rng"/>, then yields every batch. The
/// permutation is drawn by shuffling the identity order, so it depends only on the generator's state: the same
/// seed gives the same batch order, epoch after epoch. Breaking out of a <c>foreach</c> abandons the epoch; the
/// next one reshuffles.
/// </para>
/// <para>
/// To resume an interrupted epoch (from a checkpoint), save <see cref="CurrentOrder"/> and
/// <see cref="NextBatchIndex"/>, and later call <see cref="ResumeEpoch"/>: the next <c>foreach</c> then continues
/// that epoch from that batch instead of starting a new one. <see cref="TryGetNextBatch"/> offers the same
/// iteration without an enumerator.
/// </para>
/// <para>
/// Batches are gathered into one reusable <see cref="Batch"/>; nothing is allocated per batch. The last, partial
/// batch is yielded unless <see cref="DropLast"/> is set. A loader is not thread-safe and supports one
/// enumeration at a time: starting a new <c>foreach</c> abandons any epoch in progress.
/// </para>
/// </remarks>
public sealed class DataLoader : IEnumerable<Batch>
{
    private readonly Rng? _rng;
    private readonly int[] _order;
    private readonly Batch _batch;
    private bool _hasOrder;
    private bool _epochActive;
    private bool _resumePending;

    /// <summary>Creates a loader over <paramref name="dataset"/>.</summary>
    /// <param name="dataset">The samples to iterate; must not be empty.</param>
    /// <param name="batchSize">Samples per batch; at least 1.</param>
    /// <param name="shuffle">Whether each epoch visits the samples in a new random order.</param>
    /// <param name="dropLast">Whether to skip the final batch when it has fewer than <paramref name="batchSize"/> samples.</param>
    /// <param name="rng">The run's random source; required when <paramref name="shuffle"/> is true.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">The dataset is empty, or drop-last would leave no batch at all.</exception>
    /// <exception cref="ArgumentNullException">Shuffling was requested without an <paramref name="rng"/>.</exception>
    public DataLoader(Dataset dataset, int batchSize, bool shuffle, bool dropLast = false, Rng? rng = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (dataset.Count == 0)
            throw new ArgumentException("The dataset is empty; there is nothing to load.", nameof(dataset));
        if (dropLast && batchSize > dataset.Count)
            throw new ArgumentException(
                $"With drop-last, batch size {batchSize} exceeds the {dataset.Count} samples, so no batch would ever be produced.",
                nameof(batchSize));
        if (shuffle && rng is null)
            throw new ArgumentNullException(nameof(rng), "Shuffling needs the run's Rng.");

        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
        _rng = rng;
        _order = new int[dataset.Count];
        _batch = new Batch(Math.Min(batchSize, dataset.Count), dataset.FeatureSize);
        BatchesPerEpoch = dropLast ? dataset.Count / batchSize : (dataset.Count + batchSize - 1) / batchSize;
    }

    /// <summary>The dataset being iterated.</summary>
    public Dataset Dataset { get; }

    /// <summary>The number of samples in every full batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch draws a new random order.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether a final partial batch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>The number of batches in each epoch.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>How many epochs have been started with <see cref="StartEpoch"/> (resumed epochs are not counted).</summary>
    public int EpochsStarted { get; private set; }

    /// <summary>The current epoch's sample order (all dataset indices); empty before the first epoch.</summary>
    public ReadOnlySpan<int> CurrentOrder => _hasOrder ? _order : [];

    /// <summary>The index within the epoch of the next batch to be produced: while batch <c>k</c> is being used it
    /// is already <c>k + 1</c>, the right value to save once that batch's step is complete. It equals
    /// <see cref="BatchesPerEpoch"/> when the epoch is finished.</summary>
    public int NextBatchIndex { get; private set; }

    /// <summary>Begins a new epoch: draws a new order when shuffling (the identity order otherwise) and rewinds
    /// to batch 0.</summary>
    public void StartEpoch()
    {
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        if (Shuffle) _rng!.Shuffle(_order.AsSpan());
        NextBatchIndex = 0;
        EpochsStarted++;
        _hasOrder = true;
        _epochActive = true;
        _resumePending = false;
    }

    /// <summary>
    /// Restores an interrupted epoch: <paramref name="order"/> (a permutation of all dataset indices, as
    /// saved from <see cref="CurrentOrder"/>) and the index of the next batch to produce. The next enumeration
    /// continues this epoch rather than starting a new one.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="order"/> is not a permutation of the dataset's indices.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nextBatchIndex"/> is outside [0, <see cref="BatchesPerEpoch"/>].</exception>
    public void ResumeEpoch(ReadOnlySpan<int> order, int nextBatchIndex)
    {
        if (order.Length != _order.Length)
            throw new ArgumentException($"The order has {order.Length} entries but the dataset has {_order.Length} samples.", nameof(order));
        ArgumentOutOfRangeException.ThrowIfNegative(nextBatchIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nextBatchIndex, BatchesPerEpoch);
        bool[] seen = new bool[order.Length];
        foreach (int index in order)
        {
            if ((uint)index >= (uint)order.Length || seen[index])
                throw new ArgumentException("The order is not a permutation of the dataset's indices.", nameof(order));
            seen[index] = true;
        }
        order.CopyTo(_order);
        NextBatchIndex = nextBatchIndex;
        _hasOrder = true;
        _epochActive = true;
        _resumePending = true;
    }

    /// <summary>
    /// Gathers the next batch of the current epoch into the shared <see cref="Batch"/>, or returns false when the
    /// epoch is finished (or none has been started).
    /// </summary>
    public bool TryGetNextBatch(out Batch batch)
    {
        batch = _batch;
        if (!_epochActive || NextBatchIndex >= BatchesPerEpoch)
        {
            _epochActive = false;
            return false;
        }
        _resumePending = false;
        int start = NextBatchIndex * BatchSize;
        int count = Math.Min(BatchSize, _order.Length - start);
        int width = Dataset.FeatureSize;
        float[] features = Dataset.Features;
        int[] labels = Dataset.Labels;
        for (int k = 0; k < count; k++)
        {
            int sample = _order[start + k];
            features.AsSpan(sample * width, width).CopyTo(_batch.Features.AsSpan(k * width, width));
            _batch.Labels[k] = labels[sample];
            _batch.SampleIndices[k] = sample;
        }
        _batch.Count = count;
        _batch.Index = NextBatchIndex;
        NextBatchIndex++;
        return true;
    }

    /// <summary>Runs one epoch — a new one, or the one restored by <see cref="ResumeEpoch"/> — yielding its batches.</summary>
    public IEnumerator<Batch> GetEnumerator()
    {
        if (!_resumePending) StartEpoch();
        _resumePending = false;
        while (TryGetNextBatch(out Batch batch)) yield return batch;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
