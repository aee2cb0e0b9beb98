using k8s.Models;
using Sim.Core.Api.Registry.Batch;
using Sim.Core.Time;

namespace Sim.Controllers.CronJob;

/// <summary>How many schedules went by unstarted (upstream's missedSchedulesType).</summary>
internal enum MissedSchedules
{
    /// <summary>None since the last schedule time.</summary>
    None,

    /// <summary>Some, at most 100.</summary>
    Few,

    /// <summary>More than 100: the TooManyMissedTimes warning.</summary>
    Many,
}

/// <summary>What <see cref="ScheduleTimes.MostRecent"/> found.</summary>
/// <param name="Earliest">The last schedule time, else the creation time, raised to now − startingDeadlineSeconds when asked.</param>
/// <param name="MostRecent">The latest schedule time at or before now since <paramref name="Earliest"/>, if any.</param>
/// <param name="Missed">How many schedule times went by.</param>
/// <param name="Error">A schedule that parses but never fires twice a second apart (the 30th of February).</param>
internal readonly record struct RecentSchedule(SimTime Earliest, SimTime? MostRecent, MissedSchedules Missed, string? Error);

/// <summary>
/// The CronJob controller's schedule arithmetic (upstream utils.go): which scheduled time is due now, and when to look
/// next. Computed, not polled: the controller requeues itself for the next schedule time plus 100 ms.
/// </summary>
internal static class ScheduleTimes
{
    /// <summary>nextScheduleDelta: the padding after a schedule time before the controller looks (for clock skew).</summary>
    public static readonly SimDuration NextScheduleDelta = SimDuration.FromMilliseconds(100);

    // Schedules missed before the warning (upstream: "somewhat arbitrarily picked 100, as more than 80").
    private const long ManyMissedThreshold = 100;

    /// <summary>
    /// mostRecentScheduleTime: from the last schedule (or creation) time, the two next schedule times t1 and t2 say
    /// whether nothing (now before t1) or exactly t1 is due; beyond that, the number missed is estimated from the
    /// interval t2 − t1, and the most recent one is found by stepping from a little before it.
    /// </summary>
    public static RecentSchedule MostRecent(V1CronJob cj, SimTime now, CronSchedule schedule, bool includeStartingDeadlineSeconds)
    {
        var earliest = cj.Status?.LastScheduleTime is { } last
            ? SimTime.FromDateTime(last)
            : SimTime.FromDateTime(cj.Metadata.CreationTimestamp ?? DateTime.MinValue);
        if (includeStartingDeadlineSeconds && cj.Spec.StartingDeadlineSeconds is { } deadlineSeconds)
        {
            // The controller schedules nothing before this point.
            var schedulingDeadline = now - SimDuration.FromSeconds(deadlineSeconds);
            if (schedulingDeadline > earliest) earliest = schedulingDeadline;
        }

        var t1 = schedule.Next(earliest);
        var t2 = schedule.Next(t1);
        if (now < t1) return new RecentSchedule(earliest, null, MissedSchedules.None, null);
        if (now < t2) return new RecentSchedule(earliest, t1, MissedSchedules.None, null);

        // A schedule such as "59 23 31 2 *" parses but never fires: both times are the zero time.
        var between = RoundToSeconds(t2 - t1);
        if (between < 1) return new RecentSchedule(earliest, null, MissedSchedules.None, "time difference between two schedules is less than 1 second");
        // A rough count: how many intervals fit between t1 and now.
        var elapsed = (now - t1).Ticks / TimeSpan.TicksPerSecond;
        var missedCount = elapsed / between + 1;

        // Step from one interval before the estimate, so that irregular schedules (30 6-16/4 * * 1-5) land right.
        var potentialEarliest = t1 + SimDuration.FromSeconds((missedCount - 1 - 1) * between);
        SimTime? mostRecent = null;
        for (var t = schedule.Next(potentialEarliest); t <= now && t != SimTime.MinValue; t = schedule.Next(t)) mostRecent = t;

        var missed = missedCount > ManyMissedThreshold ? MissedSchedules.Many : missedCount > 0 ? MissedSchedules.Few : MissedSchedules.None;
        return new RecentSchedule(earliest, mostRecent, missed, null);
    }

    /// <summary>
    /// nextScheduleTime: the schedule time to start a Job for now, or null; <paramref name="tooManyMissed"/> when more
    /// than 100 went by (the Job is still started, for the most recent one).
    /// </summary>
    public static SimTime? Due(V1CronJob cj, SimTime now, CronSchedule schedule, out bool tooManyMissed, out string? error)
    {
        var recent = MostRecent(cj, now, schedule, includeStartingDeadlineSeconds: true);
        error = recent.Error;
        tooManyMissed = false;
        if (recent.MostRecent is not { } due || due > now) return null;
        tooManyMissed = recent.Missed == MissedSchedules.Many;
        return due;
    }

    /// <summary>
    /// nextScheduleTimeDuration: how long until the schedule time after the most recent one, plus 100 ms; after an
    /// error or when schedules were missed, the schedule time after now. Null when the schedule never fires again
    /// (upstream would requeue at once, forever).
    /// </summary>
    public static SimDuration? UntilNext(V1CronJob cj, SimTime now, CronSchedule schedule)
    {
        var recent = MostRecent(cj, now, schedule, includeStartingDeadlineSeconds: false);
        var from = recent.Error is not null ? now
            : recent.MostRecent ?? (recent.Missed == MissedSchedules.None ? recent.Earliest : now);
        var next = schedule.Next(from);
        if (next == SimTime.MinValue) return null;
        return next + NextScheduleDelta - now;
    }

    // Duration.Round(time.Second) in whole seconds: halves away from zero.
    private static long RoundToSeconds(SimDuration d) =>
        (long)Math.Round((decimal)d.Ticks / TimeSpan.TicksPerSecond, MidpointRounding.AwayFromZero);
}
