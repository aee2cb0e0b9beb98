namespace Sim.Controllers.Tests.CronJob;

/// <summary>Bad CronJobs are refused when created, with the API server's messages (kubectl prints them as is).</summary>
public class ValidationTests
{
    [Theory]
    [InlineData("61 * * * *", "", "spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61")]
    [InlineData("* * *", "", "spec.schedule: Invalid value: \"* * *\": expected exactly 5 fields, found 3: * * *")]
    [InlineData("@fortnightly", "", "spec.schedule: Invalid value: \"@fortnightly\": unrecognized descriptor: @fortnightly")]
    [InlineData("0 0 * * 7", "", "spec.schedule: Invalid value: \"0 0 * * 7\": end of range (7) above maximum (6): 7")]
    [InlineData("TZ=UTC 0 3 * * *", "", "spec.schedule: Invalid value: \"TZ=UTC 0 3 * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead")]
    [InlineData("0 3 * * *", "timeZone: Mars/Olympus", "spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus")]
    [InlineData("0 3 * * *", "timeZone: america/new_york", "spec.timeZone: Invalid value: \"america/new_york\": unknown time zone america/new_york")]
    [InlineData("0 3 * * *", "successfulJobsHistoryLimit: -1", "spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0")]
    [InlineData("0 3 * * *", "failedJobsHistoryLimit: -1", "spec.failedJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0")]
    [InlineData("0 3 * * *", "startingDeadlineSeconds: -5", "spec.startingDeadlineSeconds: Invalid value: -5: must be greater than or equal to 0")]
    [InlineData("0 3 * * *", "concurrencyPolicy: Sometimes", "spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\"")]
    public void ABadCronJob_IsRefusedWithKubernetesMessage(string schedule, string spec, string cause)
    {
        var error = new CronJobWorld().TryCreate(schedule, spec);
        Assert.NotNull(error);
        Assert.Equal("The CronJob \"tick\" is invalid: " + cause, error.KubectlMessage);
    }

    [Theory]
    [InlineData("@every 90s")]
    [InlineData("*/100 * * * *")]
    [InlineData("0 0 1,15 * MON-FRI")]
    public void SchedulesRobfigAccepts_AreAccepted(string schedule) => Assert.Null(new CronJobWorld().TryCreate(schedule));
}
