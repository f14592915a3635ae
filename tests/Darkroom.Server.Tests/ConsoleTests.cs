using System.Net.Http.Json;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NetVips;

namespace Darkroom.Server.Tests;

/// <summary>
/// The web console in a real headless Chromium (Debian's <c>chromium</c>, driven by Playwright): key entry, upload,
/// live progress, the result with its before/after slider, matte and download name, the watermark brush and the
/// automatic mask, and error display. A failing test leaves a screenshot of the page in its results.
/// </summary>
[TestClass]
public sealed class ConsoleTests
{
    private const string Chromium = "/usr/bin/chromium";

    private static DarkroomHost s_host = null!;
    private static IPlaywright s_playwright = null!;
    private static IBrowser s_browser = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        Assert.IsTrue(File.Exists(Chromium), "the console tests need Debian's chromium (scripts/setup.sh installs it)");
        s_host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), context.CancellationToken);
        s_playwright = await Playwright.CreateAsync();
        s_browser = await s_playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        await s_browser.DisposeAsync();
        s_playwright.Dispose();
        await s_host.DisposeAsync();
    }

    [TestMethod]
    public async Task Cutout_UploadProgressResult_SliderMatteAndDownload()
    {
        await WithPageAsync(async page =>
        {
            await EnterKeyAsync(page);
            await page.SetInputFilesAsync("#file", new FilePayload { Name = "chelsea.jpg", MimeType = "image/jpeg", Buffer = TestImages.Photo(TestImages.Cat) });
            await page.ClickAsync("#submit");

            await page.Locator("#result-box").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 120_000 });
            StringAssert.StartsWith(await page.TextContentAsync("#progress-text"), "Completed in");
            Assert.AreEqual("chelsea-cutout.png", await page.GetAttributeAsync("#download", "download"));
            Assert.AreEqual(451, await page.EvaluateAsync<int>("() => document.getElementById('after').naturalWidth"));
            StringAssert.Contains(await page.TextContentAsync("#facts"), "subject photo");

            // The slider is a keyboard-operable range input that moves the split.
            await page.FocusAsync("#split");
            for (int i = 0; i < 10; i++)
            {
                await page.Keyboard.PressAsync("ArrowLeft");
            }

            StringAssert.Contains(await page.EvaluateAsync<string>("() => document.getElementById('after-clip').style.clipPath"), "40%");

            // The matte view shows the alpha as grey: white inside the cat, dark in the corner the model removes.
            await page.CheckAsync("input[name=view][value=matte]");
            Assert.IsTrue(await page.IsVisibleAsync("#matte"));
            int[] matte = await page.EvaluateAsync<int[]>("() => { const c = document.getElementById('matte').getContext('2d'); return [c.getImageData(225, 150, 1, 1).data[0], c.getImageData(447, 3, 1, 1).data[0]]; }");
            Assert.IsGreaterThan(200, matte[0], "the cat's face is subject");
            Assert.IsLessThan(60, matte[1], "the top-right corner is background");

            // Usage and recent jobs list the job.
            await page.ClickAsync("#refresh");
            await page.Locator("#jobs tr").First.WaitForAsync();
            StringAssert.Contains(await page.TextContentAsync("#jobs"), "completed");
            StringAssert.Contains(await page.TextContentAsync("#usage"), "credits used");
        });
    }

    [TestMethod]
    public async Task Watermark_AutoMaskShown_BrushPainted_MaskUploadedWithTheJob()
    {
        (byte[] marked, Image clean, byte[] _) = TestImages.Watermarked(TestImages.Coffee);
        clean.Dispose();
        await WithPageAsync(async page =>
        {
            await EnterKeyAsync(page);
            await page.CheckAsync("input[name=operation][value=remove-watermark]");
            await page.SetInputFilesAsync("#file", new FilePayload { Name = "coffee-marked.png", MimeType = "image/png", Buffer = marked });
            await page.Locator("#paint").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });

            await page.ClickAsync("#auto-mask");
            await page.WaitForFunctionAsync("() => document.getElementById('progress-text').textContent.startsWith('Automatic mask shown')", null, new PageWaitForFunctionOptions { Timeout = 120_000 });
            int automatic = await WhitePixelsAsync(page);
            Assert.IsGreaterThan(100, automatic, "the automatic mask is drawn on the canvas");

            // Paint a stroke across the middle of the photo: the mask grows.
            await page.Locator("#mask-canvas").ScrollIntoViewIfNeededAsync();
            LocatorBoundingBoxResult box = (await page.Locator("#mask-canvas").BoundingBoxAsync())!;
            await page.Mouse.MoveAsync(box.X + (box.Width * 0.2f), box.Y + (box.Height * 0.5f));
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(box.X + (box.Width * 0.8f), box.Y + (box.Height * 0.5f), new MouseMoveOptions { Steps = 20 });
            await page.Mouse.UpAsync();
            int painted = await WhitePixelsAsync(page);
            Assert.IsGreaterThan(automatic, painted);

            // Erasing takes some away again.
            await page.CheckAsync("input[name=brush][value=erase]");
            await page.Mouse.MoveAsync(box.X + (box.Width * 0.45f), box.Y + (box.Height * 0.5f));
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(box.X + (box.Width * 0.55f), box.Y + (box.Height * 0.5f), new MouseMoveOptions { Steps = 5 });
            await page.Mouse.UpAsync();
            Assert.IsLessThan(painted, await WhitePixelsAsync(page));

            await page.ClickAsync("#submit");
            await page.Locator("#result-box").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 120_000 });
            Assert.AreEqual("coffee-marked-clean.png", await page.GetAttributeAsync("#download", "download"));

            // The server ran the job with the painted mask: the stroke across the middle was removed too.
            JobListView jobs = (await s_host.Client.GetFromJsonAsync<JobListView>("/api/v1/jobs?pageSize=1", Json.Options, TestContext.CancellationToken))!;
            Assert.AreEqual(JobStatus.Completed, jobs.Jobs[0].Status);
            JobRecord record = (await s_host.Services.GetRequiredService<IJobStore>().GetAsync("default", jobs.Jobs[0].Id, TestContext.CancellationToken))!;
            Assert.IsNotNull(record.MaskBlob, "the painted mask was uploaded with the job");
            Assert.IsTrue(jobs.Jobs[0].Result!.Regions!.Count >= 2, "the automatic mark and the painted stroke are regions of the mask");
        });
    }

    [TestMethod]
    public async Task Errors_AreShown_NoKey_AndABadFile()
    {
        await WithPageAsync(async page =>
        {
            await page.SetInputFilesAsync("#file", new FilePayload { Name = "notes.jpg", MimeType = "image/jpeg", Buffer = "just text, not a photo"u8.ToArray() });
            await page.ClickAsync("#submit");
            Assert.AreEqual("Enter an API key first.", (await page.TextContentAsync("#error"))?.Trim());

            await EnterKeyAsync(page);
            await page.ClickAsync("#submit");
            await page.WaitForFunctionAsync("() => document.getElementById('error').textContent.includes('image.')");
            Assert.IsTrue(await page.IsVisibleAsync("#error"));
            StringAssert.Contains(await page.TextContentAsync("#error"), "image.unsupported_format");
            Assert.AreEqual("alert", await page.GetAttributeAsync("#error", "role"), "screen readers announce it");
        });
    }

    [TestMethod]
    public async Task Reference_RendersEveryOperation_AndTriesOne()
    {
        await WithPageAsync(async page =>
        {
            await EnterKeyAsync(page);
            await page.GotoAsync(new Uri(s_host.Client.BaseAddress!, "/reference.html").ToString());
            await page.Locator("section.operation").First.WaitForAsync();
            Assert.IsGreaterThan(20, await page.Locator("section.operation").CountAsync());
            ILocator usage = page.Locator("section.operation", new PageLocatorOptions { HasText = "GET /api/v1/usage" });
            await usage.Locator("button[type=submit]").ClickAsync();
            await usage.Locator("pre.answer", new LocatorLocatorOptions { HasText = "HTTP 200" }).WaitForAsync();
            StringAssert.Contains(await usage.Locator("pre.answer").TextContentAsync(), "\"plan\": \"pro\"");
        });
    }

    private static async Task<int> WhitePixelsAsync(IPage page) =>
        await page.EvaluateAsync<int>("() => { const c = document.getElementById('mask-canvas'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 0; i < d.length; i += 4) { if (d[i] > 127) n++; } return n; }");

    private static async Task EnterKeyAsync(IPage page)
    {
        await page.FillAsync("#api-key", DarkroomHost.DevelopmentKey);
        await page.ClickAsync("#key-form button");
        Assert.AreEqual("Key kept for this tab.", await page.TextContentAsync("#key-state"));
        Assert.AreEqual(DarkroomHost.DevelopmentKey, await page.EvaluateAsync<string>("() => sessionStorage.getItem('darkroom.key')"));
    }

    /// <summary>A fresh page on the console; on failure its screenshot goes into the test's results.</summary>
    private async Task WithPageAsync(Func<IPage, Task> test)
    {
        await using IBrowserContext context = await s_browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        IPage page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(s_host.Client.BaseAddress!.ToString());
        Assert.AreEqual("Darkroom console", await page.TitleAsync());
        try
        {
            await test(page);
        }
        catch
        {
            string shot = Path.Combine(Path.GetTempPath(), $"darkroom-console-{TestContext.TestName}-{DateTime.UtcNow:HHmmss}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
            TestContext.AddResultFile(shot);
            TestContext.WriteLine($"screenshot: {shot}");
            throw;
        }
    }
}
