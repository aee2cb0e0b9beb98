using Sim.Core.Time;

namespace Sim.Core.Api.Client;

/// <summary>A client's request rate limit, as client-go's <c>QPS</c> and <c>Burst</c>.</summary>
/// <param name="Qps">Requests per second, sustained.</param>
/// <param name="Burst">Requests that may go at once after a quiet spell.</param>
public sealed record ClientRateLimit(double Qps, int Burst)
{
    /// <summary>kube-controller-manager's default (<c>--kube-api-qps=20 --kube-api-burst=30</c>), per controller client.</summary>
    public static ClientRateLimit ControllerManager { get; } = new(20, 30);

    /// <summary>kube-scheduler's default (<c>clientConnection.qps 50, burst 100</c>).</summary>
    public static ClientRateLimit Scheduler { get; } = new(50, 100);

    /// <summary>The kubelet's default (<c>kubeAPIQPS 50, kubeAPIBurst 100</c>).</summary>
    public static ClientRateLimit Kubelet { get; } = new(50, 100);
}

/// <summary>
/// client-go's token bucket (<c>flowcontrol.NewTokenBucketRateLimiter</c>, golang.org/x/time/rate underneath): it starts
/// full, refills at <see cref="ClientRateLimit.Qps"/>, and a request without a token reserves the next one and waits for it.
/// </summary>
public sealed class TokenBucket(ClientRateLimit limit, SimTime start)
{
    private double _tokens = limit.Burst;
    private SimTime _last = start;

    /// <summary>Takes a token for a request made at <paramref name="now"/>; returns how long it must wait for it.</summary>
    public SimDuration Reserve(SimTime now)
    {
        if (now > _last)
        {
            _tokens = Math.Min(limit.Burst, _tokens + (now - _last).TotalSeconds * limit.Qps);
            _last = now;
        }
        _tokens -= 1;
        return _tokens >= 0 ? SimDuration.Zero : SimDuration.FromSeconds(-_tokens / limit.Qps);
    }
}
