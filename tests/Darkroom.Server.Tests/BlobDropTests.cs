using System.Net.Http.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Darkroom.Core.Jobs;
using Darkroom.Api.Contracts;
using Darkroom.Core.Images;
using Darkroom.Imaging;

namespace Darkroom.Server.Tests;

[TestClass]
public sealed class BlobDropTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task DropsMadeWhileNoServerRuns_AreEachProcessedOnce_IntoTheOutbox()
    {
        CancellationToken ct = TestContext.CancellationToken;
        string prefix = DarkroomHost.NewPrefix();
        var fast = new Dictionary<string, string?> { ["Darkroom:Runner:InboxPollInterval"] = "00:00:00.200" };

        // Provision the containers with a first server, stop it, then drop while nothing runs.
        await (await DarkroomHost.StartAsync(prefix, ct, fast)).DisposeAsync();
        var storage = new Azure.StorageClients(Microsoft.Extensions.Options.Options.Create(new Azure.StorageOptions { ConnectionString = AzuriteForTests.ConnectionString, Prefix = prefix }));
        BlobContainerClient inbox = storage.Container("inbox");
        await inbox.GetBlobClient("remove-background/shoot/cat.jpg").UploadAsync(
            BinaryData.FromBytes(TestImages.Photo(TestImages.Cat)),
            new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["options"] = """{"format":"webp"}""" } },
            ct);
        await inbox.GetBlobClient("remove-background/shoot/notes.png").UploadAsync(BinaryData.FromBytes(TestImages.Text), ct);

        await using DarkroomHost host = await DarkroomHost.StartAsync(prefix, ct, fast);
        BlobContainerClient outbox = storage.Container("outbox");
        byte[]? result = await WaitForBlobAsync(outbox.GetBlobClient("remove-background/shoot/cat.webp"), ct);

        Assert.IsNotNull(result, "the cut-out should land in the outbox");
        Assert.AreEqual(ImageFormat.WebP, FormatSniffer.Sniff(result));
        byte[]? error = await WaitForBlobAsync(outbox.GetBlobClient("remove-background/shoot/notes.png.error.json"), ct);
        StringAssert.Contains(System.Text.Encoding.UTF8.GetString(error!), "image.unsupported_format");
        Assert.IsFalse((await inbox.GetBlobClient("remove-background/shoot/cat.jpg").ExistsAsync(ct)).Value, "a started drop leaves the inbox");
        JobListView jobs = (await host.Client.GetFromJsonAsync<JobListView>("/api/v1/jobs", Json.Options, ct))!;
        Assert.HasCount(1, jobs.Jobs, "one job for one good drop");
    }

    private static async Task<byte[]?> WaitForBlobAsync(BlobClient blob, CancellationToken ct)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if ((await blob.ExistsAsync(ct)).Value)
            {
                return (await blob.DownloadContentAsync(ct)).Value.Content.ToArray();
            }

            await Task.Delay(100, ct);
        }

        return null;
    }
}
