using System.Globalization;

namespace Darkroom.Core.Accounts;

/// <summary>What a job reserved: so many credits, in the ledger of one month (the month it was accepted in).</summary>
public sealed record Charge(string Month, long Credits);

/// <summary>Ledger months are calendar months in UTC, written "yyyy-MM".</summary>
public static class BillingMonth
{
    public static string Of(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>When the month's grant renews: the first instant of the next month, UTC.</summary>
    public static DateTimeOffset ResetAt(string month)
    {
        DateTime start = DateTime.ParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        return new DateTimeOffset(start.AddMonths(1), TimeSpan.Zero);
    }
}
