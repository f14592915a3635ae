using System.Net;
using Darkroom.Core.Webhooks;

namespace Darkroom.Core.Tests;

[TestClass]
public sealed class NetworkRangesTests
{
    [TestMethod]
    [DataRow("127.0.0.1")]
    [DataRow("10.0.0.8")]
    [DataRow("172.20.1.1")]
    [DataRow("192.168.1.1")]
    [DataRow("169.254.169.254")]
    [DataRow("100.64.0.1")]
    [DataRow("0.0.0.0")]
    [DataRow("224.0.0.1")]
    [DataRow("255.255.255.255")]
    [DataRow("::1")]
    [DataRow("::")]
    [DataRow("fe80::1")]
    [DataRow("fd12:3456::1")]
    [DataRow("::ffff:10.0.0.1")]
    [DataRow("64:ff9b::7f00:1")]
    [DataRow("::127.0.0.1")]
    [DataRow("::a00:1")]
    [DataRow("::ffff:0:7f00:1")]
    [DataRow("2002:7f00:1::")]
    [DataRow("2002:c0a8:101::1")]
    [DataRow("2001:0:4136:e378:8000:63bf:3fff:fdd2")]
    [DataRow("64:ff9b:1::8.8.8.8")]
    [DataRow("2001:db8::1")]
    [DataRow("100::1")]
    public void IsPublic_PrivateOrReserved_IsFalse(string address) =>
        Assert.IsFalse(NetworkRanges.IsPublic(IPAddress.Parse(address)), address);

    [TestMethod]
    [DataRow("93.184.216.34")]
    [DataRow("8.8.8.8")]
    [DataRow("172.32.0.1")]
    [DataRow("2606:4700:4700::1111")]
    [DataRow("::ffff:8.8.8.8")]
    [DataRow("2002:808:808::1")]
    [DataRow("64:ff9b::808:808")]
    public void IsPublic_PublicUnicast_IsTrue(string address) =>
        Assert.IsTrue(NetworkRanges.IsPublic(IPAddress.Parse(address)), address);
}
