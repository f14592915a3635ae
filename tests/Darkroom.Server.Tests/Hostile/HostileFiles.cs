using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using NetVips;

namespace Darkroom.Server.Tests.Hostile;

/// <summary>Broken, bomb and polyglot files, made here byte by byte.</summary>
internal static class HostileFiles
{
    private static readonly uint[] CrcTable = [.. Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++)
        {
            c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }

        return c;
    })];

    public static byte[] SmallJpeg(int width = 64, int height = 48) => (Image.Black(width, height, bands: 3) + 90).Cast(Enums.BandFormat.Uchar).JpegsaveBuffer();

    /// <summary>A PNG whose header claims width x height of 1-bit grey, with a tiny compressed body: a pixel bomb.</summary>
    public static byte[] PngBomb(int width, int height)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        byte[] ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 1;
        WriteChunk(output, "IHDR", ihdr);
        using var zlib = new MemoryStream();
        using (var deflate = new ZLibStream(zlib, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            deflate.Write(new byte[1 << 16]);
        }

        WriteChunk(output, "IDAT", zlib.ToArray());
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>A valid PNG with one bit of its header's CRC flipped.</summary>
    public static byte[] PngBadHeaderCrc()
    {
        byte[] png = TestImages.Plain(64, 48, 90);
        png[8 + 8 + 13 + 3] ^= 0x01;
        return png;
    }

    /// <summary>A JPEG whose entropy-coded scan is replaced by random bytes.</summary>
    public static byte[] JpegRandomScan()
    {
        byte[] jpeg = SmallJpeg(256, 256);
        int sos = IndexOf(jpeg, [0xFF, 0xDA]);
        int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(sos + 2));
        var random = new Random(7);
        for (int i = sos + 2 + length; i < jpeg.Length - 2; i++)
        {
            byte b = (byte)random.Next(256);
            jpeg[i] = b == 0xFF ? (byte)0x00 : b;
        }

        return jpeg;
    }

    public static byte[] Bmp()
    {
        byte[] bmp = new byte[54 + (4 * 4 * 3)];
        "BM"u8.CopyTo(bmp);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), 4);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), 4);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        return bmp;
    }

    public static byte[] Prefix(byte[] magic, int junk) => [.. magic, .. Enumerable.Range(0, junk).Select(i => (byte)(i * 31))];

    public static byte[] Html => "<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>"u8.ToArray();

    public static byte[] Zip => [0x50, 0x4B, 0x03, 0x04, .. new byte[60]];

    public static byte[] Pdf => "%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"u8.ToArray();

    /// <summary>A GIF header that claims a 65535 x 65535 screen and image.</summary>
    public static byte[] GifBomb()
    {
        byte[] gif = [.. "GIF89a"u8, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x2C, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B];
        return gif;
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        Encoding.ASCII.GetBytes(type, header[4..]);
        output.Write(header);
        output.Write(data);
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in header[4..].ToArray().Concat(data))
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        Span<byte> trailer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(trailer, crc ^ 0xFFFFFFFFu);
        output.Write(trailer);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                return i;
            }
        }

        return -1;
    }
}
