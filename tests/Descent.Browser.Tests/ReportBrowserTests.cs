using Descent.Tests.Lab;
using Microsoft.Playwright;

namespace Descent.Browser.Tests;

/// <summary>
/// Opens the report in headless Chromium (Debian's, driven by Playwright): it must render without console errors,
/// load nothing from anywhere, draw every chart, and its screenshot must not be blank. Fails when Chromium is
/// missing — scripts/setup.sh installs it.
/// </summary>
public sealed class ReportBrowserTests(SmallRunFixture run) : IClassFixture<SmallRunFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task TheReportRendersInChromiumWithoutErrorsAndIsNotBlank()
    {
        if (!File.Exists(Chromium)) Assert.Fail($"{Chromium} is missing: run scripts/setup.sh (apt-get install chromium)");
        string userData = Path.Combine(Path.GetTempPath(), "descent-chromium-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var context = await playwright.Chromium.LaunchPersistentContextAsync(userData, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
                ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
                Timeout = 60_000,
            });
            var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
            var problems = new List<string>();
            var requests = new List<string>();
            page.Console += (_, message) => { if (message.Type is "error" or "warning") problems.Add($"console {message.Type}: {message.Text}"); };
            page.PageError += (_, error) => problems.Add($"page error: {error}");
            page.RequestFailed += (_, request) => problems.Add($"request failed: {request.Url}");
            page.Request += (_, request) => requests.Add(request.Url);

            string url = new Uri(run.ReportPath).AbsoluteUri;
            var response = await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load, Timeout = 30_000 });
            Assert.NotNull(response);
            Assert.Equal("Descent comparison: small", await page.TitleAsync());

            // Every visible chart is laid out with a real size, the training charts two per row filling their column, and the series are drawn.
            const string visible = "s => s.getClientRects().length > 0";
            var sizes = await page.EvaluateAsync<double[]>($"() => Array.from(document.querySelectorAll('figure > svg')).filter({visible}).map(s => s.getBoundingClientRect().width * s.getBoundingClientRect().height)");
            Assert.Equal(6, sizes.Length);  // 5 training charts against progress and the landscape
            Assert.All(sizes, area => Assert.True(area > 100_000, $"a chart has area {area}"));
            var widths = await page.EvaluateAsync<double[]>($"() => Array.from(document.querySelectorAll('figure.by-progress > svg')).filter({visible}).map(s => s.getBoundingClientRect().width)");
            Assert.Equal(5, widths.Length);
            Assert.All(widths, w => Assert.InRange(w, 540, 640));
            var tops = await page.EvaluateAsync<double[]>("() => Array.from(document.querySelectorAll('figure.by-progress')).map(f => f.getBoundingClientRect().top)");
            Assert.Equal(tops[0], tops[1]);  // two per row
            Assert.Equal(15, await page.EvaluateAsync<int>($"() => Array.from(document.querySelectorAll('svg polyline.series')).filter({visible}).length"));
            Assert.Equal(30, await page.EvaluateAsync<int>($"() => Array.from(document.querySelectorAll('svg polyline.seed-line')).filter({visible}).length"));
            double lengths = await page.EvaluateAsync<double>("() => Array.from(document.querySelectorAll('svg polyline.series')).reduce((t, p) => t + p.getTotalLength(), 0)");
            Assert.True(lengths > 1000, $"the series' total length is {lengths} px");

            // The x-axis switch shows the wall-clock charts instead, without a script.
            await page.ClickAsync("label[for=x-wall]");
            Assert.Equal(5, await page.EvaluateAsync<int>($"() => Array.from(document.querySelectorAll('figure.by-wall > svg')).filter({visible}).length"));
            Assert.Equal(0, await page.EvaluateAsync<int>($"() => Array.from(document.querySelectorAll('figure.by-progress > svg')).filter({visible}).length"));
            await page.ClickAsync("label[for=x-progress]");
            Assert.Equal(3, await page.Locator("#results tbody tr").CountAsync());

            byte[] screenshot = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true, Type = ScreenshotType.Png });
            var image = Png.Decode(screenshot);
            Assert.True(image.Height > 1500, $"the page is {image.Height} px high");
            Assert.True(image.Variance() > 100, $"the screenshot is nearly uniform (gray-level variance {image.Variance():F1})");
            Assert.True(image.DarkFraction() > 0.01, $"only {image.DarkFraction():P2} of the pixels are drawn");

            Assert.Empty(problems);
            Assert.Equal([url], requests);  // nothing but the page itself
        }
        finally
        {
            try { Directory.Delete(userData, recursive: true); } catch (IOException) { }
        }
    }
}
