namespace Darkroom.Core.Workflow;

/// <summary>The activities' names, shared by the workflow, the local runner and the Functions bindings.</summary>
public static class ActivityNames
{
    public const string Progress = "Progress";
    public const string Validate = "Validate";
    public const string Subject = "Subject";
    public const string Segment = "Segment";
    public const string Compose = "Compose";
    public const string Mask = "Mask";
    public const string Inpaint = "Inpaint";
    public const string Persist = "Persist";
    public const string Fail = "Fail";
    public const string Settle = "Settle";
    public const string Classify = "Classify";
    public const string Notify = "Notify";
}
