using System.Text;
using Descent.Lab.Compare;
using Descent.Tests.Data;

namespace Descent.Tests.Failure;

/// <summary>
/// Issue 17: generated corruptions of a valid JSON and YAML experiment (truncations, bit flips, deleted keys and
/// lines): every one either loads or fails with an <see cref="ArgumentException"/> or <see cref="InvalidDataException"/>
/// naming the file — never another exception type, never a hang.
/// </summary>
public sealed class ExperimentFileCorruptionTests
{
    private const string Json = """
        {
          "name": "fuzz",
          "problem": "fmnist-mlp",
          "epochs": 3,
          "batch_size": 64,
          "seeds": [0, 1],
          "train_limit": 1000,
          "optimizers": [
            "sgd:lr=0.1; momentum=sgd:lr=0.05,momentum=0.9",
            { "label": "ramp", "optimizer": "sgd", "options": { "lr": 0.05, "momentum": 0.5 },
              "schedules": ["momentum=ramp:start=0.5,end=0.9@epoch"] },
            { "label": "cyc", "optimizer": "adam", "options": { "lr": 0.001, "betas": [0.9, 0.99] }, "schedules": ["onecycle:max_lr=0.01"] }
          ],
          "landscapes": ["rosenbrock"],
          "landscape_steps": 50
        }
        """;

    private const string Yaml = """
        name: fuzz
        problem: fmnist-mlp
        epochs: 3
        batch_size: 64
        seeds: 2
        test_limit: 100
        optimizers:
          - "fixed=sgd:lr=0.05,momentum=0.9"
          - label: ramp
            optimizer: sgd
            options: { lr: 0.05, momentum: 0.5 }
            schedules: ["momentum=ramp:start=0.5,end=0.9@epoch"]
          - label: cyc
            optimizer: rmsprop
            options:
              lr: 0.01
              alpha: 0.99
        landscapes: [beale]
        """;

    [Theory]
    [InlineData("experiment.json", Json)]
    [InlineData("experiment.yaml", Yaml)]
    public async Task EveryCorruptionLoadsOrFailsNamingTheFile(string name, string text)
    {
        using var dir = new TempDirectory();
        string path = dir.Write(name, Encoding.UTF8.GetBytes(text));
        ExperimentFile.Load(path).Validate();   // the original is valid

        var rng = new Rng(17);
        int loaded = 0, refused = 0;
        foreach (byte[] corrupt in Corruptions(Encoding.UTF8.GetBytes(text), rng, 400))
        {
            File.WriteAllBytes(path, corrupt);
            var attempt = Task.Run(() =>
            {
                var experiment = ExperimentFile.Load(path);
                experiment.Validate();
            });
            if (await Task.WhenAny(attempt, Task.Delay(TimeSpan.FromSeconds(20))) != attempt) Assert.Fail($"loading a corrupted {name} did not finish:\n{Encoding.UTF8.GetString(corrupt)}");
            if (attempt.Exception?.InnerException is not { } e) { loaded++; continue; }
            refused++;
            Assert.True(e is ArgumentException or InvalidDataException,
                $"{e.GetType().Name}: {e.Message}\nfor the corrupted file:\n{Encoding.UTF8.GetString(corrupt)}");
            if (e.Message.Contains(path, StringComparison.Ordinal)) continue;
            // Validate's own errors name the setting; the file is named by the caller (descent compare) around them.
            Assert.True(e is Descent.InvalidOptionException, $"the error does not name {path}: {e.Message}");
        }
        Assert.True(refused > 50, $"only {refused} of {loaded + refused} corruptions were refused");
    }

    /// <summary>Truncations, bit flips, byte deletions and whole-line deletions of <paramref name="original"/>.</summary>
    private static IEnumerable<byte[]> Corruptions(byte[] original, Rng rng, int count)
    {
        var lines = Encoding.UTF8.GetString(original).Split('\n');
        for (int i = 0; i < count; i++)
        {
            switch (i % 4)
            {
                case 0:
                    yield return original[..rng.NextInt(original.Length)];
                    break;
                case 1:
                {
                    var copy = (byte[])original.Clone();
                    int flips = 1 + rng.NextInt(3);
                    for (int f = 0; f < flips; f++) copy[rng.NextInt(copy.Length)] ^= (byte)(1 << rng.NextInt(8));
                    yield return copy;
                    break;
                }
                case 2:
                {
                    int at = rng.NextInt(original.Length), length = 1 + rng.NextInt(12);
                    yield return [.. original[..at], .. original[Math.Min(original.Length, at + length)..]];
                    break;
                }
                default:
                {
                    int drop = rng.NextInt(lines.Length);   // a deleted key (or list item, or brace)
                    yield return Encoding.UTF8.GetBytes(string.Join('\n', lines.Where((_, k) => k != drop)));
                    break;
                }
            }
        }
    }
}
