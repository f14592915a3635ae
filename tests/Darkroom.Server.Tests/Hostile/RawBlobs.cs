using System.Net.Sockets;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;

namespace Darkroom.Server.Tests.Hostile;

/// <summary>
/// Writes a blob whose name is sent exactly as given, percent-encoding included, over a raw HTTP/1.1 request to
/// Azurite (with a SAS): what an outside client can do, and what the storage SDK (whose URLs collapse dot segments)
/// would never send.
/// </summary>
internal static class RawBlobs
{
    public static async Task PutAsync(BlobContainerClient container, string encodedName, byte[] body, CancellationToken cancellationToken, string? optionsMetadata = null)
    {
        Uri sas = container.GenerateSasUri(BlobContainerSasPermissions.All, DateTimeOffset.UtcNow.AddHours(1));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(sas.Host, sas.Port, cancellationToken);
        await using NetworkStream stream = tcp.GetStream();
        StringBuilder head = new StringBuilder()
            .Append("PUT ").Append(sas.AbsolutePath).Append('/').Append(encodedName).Append(sas.Query).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(sas.Authority).Append("\r\n")
            .Append("x-ms-blob-type: BlockBlob\r\n")
            .Append("Content-Type: application/octet-stream\r\n")
            .Append("Content-Length: ").Append(body.Length).Append("\r\n")
            .Append("Connection: close\r\n");
        if (optionsMetadata is not null)
        {
            head.Append("x-ms-meta-options: ").Append(optionsMetadata).Append("\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken);
        await stream.WriteAsync(body, cancellationToken);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        string status = await reader.ReadLineAsync(cancellationToken) ?? "";
        Assert.IsTrue(status.Contains(" 201 ", StringComparison.Ordinal), $"Azurite refused the raw PUT of '{encodedName}': {status}");
    }
}
