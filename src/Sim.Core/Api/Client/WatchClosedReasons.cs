namespace Sim.Core.Api.Client;

/// <summary>Why a watch stream closed, as its client hears it.</summary>
public static class WatchClosedReasons
{
    /// <summary>The resourceVersion to resume from is too old (the server answered 410 Gone): list again.</summary>
    public const string Expired = "expired";

    /// <summary>The connection broke (a partition, a crashed server): watch again from the last resourceVersion.</summary>
    public const string ConnectionLost = "connection lost";
}
