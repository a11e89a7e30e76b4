namespace Descent.Cli;

/// <summary>The process exit codes of the descent command.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>An unexpected failure (a bug: please report it).</summary>
    public const int InternalError = 1;

    /// <summary>A command-line argument or option was missing or invalid.</summary>
    public const int BadArguments = 2;

    /// <summary>A dataset was missing, unreadable or malformed.</summary>
    public const int BadData = 3;

    /// <summary>Training diverged: the loss became NaN or infinite.</summary>
    public const int Diverged = 4;

    /// <summary><c>descent check</c>: some recorded case deviates from PyTorch beyond the tolerance, or could not be replayed.</summary>
    public const int CheckFailed = 5;
}
