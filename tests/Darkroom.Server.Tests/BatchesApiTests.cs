using System.Net;
using System.Net.Http.Json;
using Darkroom.Api.Contracts;
using Darkroom.Core.Jobs;

namespace Darkroom.Server.Tests;

[TestClass]
public sealed class BatchesApiTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Batch_WithOneBadImage_FailsThatItemOnly_AndSummarises()
    {
        CancellationToken ct = TestContext.CancellationToken;
        await using DarkroomHost host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), ct);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(TestImages.Photo(TestImages.Cat)), "images", "cat.jpg" },
            { new ByteArrayContent(TestImages.Text), "images", "notes.png" },
            { new ByteArrayContent(TestImages.Photo(TestImages.Coffee)), "images", "coffee.jpg" },
            { new StringContent("""{"output":"mask"}"""), "options" },
        };

        HttpResponseMessage response = await host.Client.PostAsync("/api/v1/batches", form, ct);
        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode);
        BatchView accepted = (await response.Content.ReadFromJsonAsync<BatchView>(Json.Options, ct))!;

        BatchView done = accepted;
        for (DateTime deadline = DateTime.UtcNow.AddSeconds(120); done.Summary.Pending > 0 && DateTime.UtcNow < deadline; await Task.Delay(100, ct))
        {
            done = (await host.Client.GetFromJsonAsync<BatchView>($"/api/v1/batches/{accepted.Id}", Json.Options, ct))!;
        }

        Assert.AreEqual(new BatchSummary(3, 2, 1, 0, done.Summary.TotalProcessingMs), done.Summary);
        Assert.IsGreaterThan(0, done.Summary.TotalProcessingMs);
        Assert.AreEqual("image.unsupported_format", done.Items[1].Error!.Code);
        Assert.IsNull(done.Items[1].JobId);
        Assert.AreEqual(JobStatus.Completed, done.Items[2].Status);
        HttpResponseMessage mask = await host.Client.GetAsync(done.Items[0].ResultUrl, ct);
        Assert.AreEqual(HttpStatusCode.OK, mask.StatusCode);
    }
}
