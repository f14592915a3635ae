using System.ComponentModel.DataAnnotations;

namespace Darkroom.Api;

/// <summary>Housekeeping of finished jobs and stuck credits, bound from <c>Darkroom:Retention</c>.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Darkroom:Retention";

    /// <summary>How often the sweeper runs; zero turns it off.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan Every { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A finished job's checkpoints are deleted this long after it finished.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan CheckpointsAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A finished job's original uploads (photo, background, mask) are deleted this long after it finished; results stay.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan OriginalsAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>A reservation still open this long after it was made, whose job is gone or finished, is settled by the sweeper.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "31.00:00:00")]
    public TimeSpan SettleReservationsAfter { get; set; } = TimeSpan.FromHours(6);
}
