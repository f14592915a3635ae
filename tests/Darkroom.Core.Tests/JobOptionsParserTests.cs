using Darkroom.Core.Errors;
using Darkroom.Core.Images;
using Darkroom.Core.Jobs;
using Darkroom.Core.Options;

namespace Darkroom.Core.Tests;

[TestClass]
public sealed class JobOptionsParserTests
{
    [TestMethod]
    public void Parse_NoOptions_GivesDefaults()
    {
        JobOptions options = JobOptionsParser.Parse(JobOperation.RemoveBackground, null, hasBackgroundImage: false);

        Assert.AreEqual(new RemoveBackgroundOptions(), options.RemoveBackground);
    }

    [TestMethod]
    public void Parse_AllMembers_AreRead()
    {
        JobOptions options = JobOptionsParser.Parse(
            JobOperation.RemoveBackground,
            """{"output":"cutout","format":"webp","background":"#102030","crop":true,"cropMargin":12,"model":"isnet-fp16","quality":80}""",
            hasBackgroundImage: false);

        Assert.AreEqual(
            new RemoveBackgroundOptions { Format = OutputFormat.WebP, Background = "#102030", Crop = true, CropMargin = 12, Model = "isnet-fp16", Quality = 80 },
            options.RemoveBackground);
    }

    [TestMethod]
    public void Parse_UnknownMember_IsOptionsUnknown()
    {
        DarkroomException ex = Assert.ThrowsExactly<DarkroomException>(
            () => JobOptionsParser.Parse(JobOperation.RemoveBackground, """{"bgColour":"#ffffff"}""", false));

        Assert.AreEqual(ErrorCodes.OptionsUnknown, ex.Code);
        StringAssert.Contains(ex.Message, "bgColour");
    }

    [TestMethod]
    [DataRow("""{"background":"red"}""")]
    [DataRow("""{"format":"bmp"}""")]
    [DataRow("""{"format":"jpeg"}""")]
    [DataRow("""{"output":"mask","background":"#000000"}""")]
    [DataRow("""{"cropMargin":-1}""")]
    [DataRow("""{"quality":0}""")]
    [DataRow("""{"crop":"yes"}""")]
    [DataRow("""not json""")]
    public void Parse_BadValue_IsOptionsInvalid(string json) =>
        Assert.AreEqual(
            ErrorCodes.OptionsInvalid,
            Assert.ThrowsExactly<DarkroomException>(() => JobOptionsParser.Parse(JobOperation.RemoveBackground, json, false)).Code);

    [TestMethod]
    public void Parse_JpegWithBackgroundImage_IsAllowed()
    {
        JobOptions options = JobOptionsParser.Parse(JobOperation.RemoveBackground, """{"format":"jpeg"}""", hasBackgroundImage: true);

        Assert.AreEqual(OutputFormat.Jpeg, options.RemoveBackground!.Format);
    }

    [TestMethod]
    public void Parse_ColourAndBackgroundImage_IsOptionsInvalid() =>
        Assert.AreEqual(
            ErrorCodes.OptionsInvalid,
            Assert.ThrowsExactly<DarkroomException>(() => JobOptionsParser.Parse(JobOperation.RemoveBackground, """{"background":"#ffffff"}""", true)).Code);
}
