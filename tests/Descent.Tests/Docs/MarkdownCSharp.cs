using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Descent.Tests.Docs;

/// <summary>
/// Compiles the ```csharp blocks of a markdown page with Roslyn, as a reader would paste them into a project with
/// ImplicitUsings: each block that declares types is a file of its own; the blocks with statements are joined, in
/// page order, into one top-level program (their using directives moved to its top).
/// </summary>
internal static partial class MarkdownCSharp
{
    private const string ImplicitUsings =
        "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
        "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";

    /// <summary>The page's csharp blocks, in order.</summary>
    public static IReadOnlyList<string> Blocks(string markdown) =>
        [.. Fence().Matches(markdown.ReplaceLineEndings("\n")).Select(m => m.Groups[1].Value)];

    /// <summary>
    /// Compiles <paramref name="blocks"/>: with <paramref name="program"/> the statement blocks become the entry point
    /// (a console application), otherwise they are left out (a class library, as a plugin is built). Returns the
    /// image and every error or warning.
    /// </summary>
    public static (byte[]? Image, IReadOnlyList<string> Diagnostics) Compile(IEnumerable<string> blocks, string assemblyName, bool program)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText(ImplicitUsings, parse) };
        var usings = new List<string>();
        var statements = new List<string>();
        foreach (string block in blocks)
        {
            var tree = CSharpSyntaxTree.ParseText(block, parse);
            var root = (CompilationUnitSyntax)tree.GetRoot();
            if (!root.Members.OfType<GlobalStatementSyntax>().Any())
            {
                trees.Add(tree);
                continue;
            }
            usings.AddRange(root.Usings.Select(u => u.ToString()));
            statements.Add(string.Concat(root.Members.Select(m => m.ToFullString())));
        }
        if (program)
            trees.Add(CSharpSyntaxTree.ParseText(string.Join("\n", usings.Distinct()) + "\n" + string.Join("\n", statements), parse));
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat([typeof(Descent.Optim.Optimizer).Assembly.Location, typeof(Descent.Lab.Problems.Problem).Assembly.Location])
            .Distinct()
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(assemblyName, trees, references,
            new CSharpCompilationOptions(program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var diagnostics = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList();
        return (result.Success ? image.ToArray() : null, diagnostics);
    }

    /// <summary>Runs a compiled program's entry point.</summary>
    public static void RunProgram(byte[] image)
    {
        var entry = Assembly.Load(image).EntryPoint ?? throw new InvalidOperationException("the program has no entry point");
        entry.Invoke(null, entry.GetParameters().Length == 0 ? [] : [Array.Empty<string>()]);
    }

    [GeneratedRegex(@"^```csharp\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Fence();
}
