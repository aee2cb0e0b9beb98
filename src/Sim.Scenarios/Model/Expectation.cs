using Sim.Core.Api;
using Sim.Core.Manifests;

namespace Sim.Scenarios.Model;

/// <summary>A condition checked at a step's time.</summary>
public abstract record Expectation
{
    /// <summary>Where it was written.</summary>
    public SourcePosition Position { get; init; }

    /// <summary>A readable description, e.g. <c>3 pods app=nginx Running</c>.</summary>
    public abstract string Describe();
}

/// <summary>How many of something there must be: exactly, at least and/or at most.</summary>
public sealed record CountBound(int? Exactly, int? AtLeast, int? AtMost)
{
    /// <summary>Whether <paramref name="n"/> satisfies the bound.</summary>
    public bool Holds(int n) => (Exactly is null || n == Exactly) && (AtLeast is null || n >= AtLeast) && (AtMost is null || n <= AtMost);

    /// <summary><c>3</c>, <c>at least 2</c>, <c>at most 4</c>, <c>2 to 4</c>.</summary>
    public override string ToString() => (Exactly, AtLeast, AtMost) switch
    {
        ({ } e, _, _) => e.ToString(System.Globalization.CultureInfo.InvariantCulture),
        (null, { } lo, { } hi) => $"{lo} to {hi}",
        (null, { } lo, null) => $"at least {lo}",
        (null, null, { } hi) => $"at most {hi}",
        _ => "any number of",
    };
}

/// <summary>Pods matching filters, counted.</summary>
/// <remarks><c>Phase</c> matches <c>status.phase</c>; <c>Status</c> matches kubectl's STATUS column (Terminating, CrashLoopBackOff...).</remarks>
public sealed record PodsExpectation(string? Namespace, string? Selector, string? Phase, bool? Ready, string? Node, CountBound Bound) : Expectation
{
    /// <summary>kubectl's STATUS column to match, e.g. <c>Running</c>, <c>Terminating</c>, <c>CrashLoopBackOff</c>.</summary>
    public string? Status { get; init; }

    /// <inheritdoc />
    public override string Describe()
    {
        var parts = new List<string> { Bound + " pods" };
        if (Selector is not null) parts.Add(Selector);
        if (Phase is not null) parts.Add(Phase);
        if (Status is not null) parts.Add("STATUS " + Status);
        if (Ready is { } r) parts.Add(r ? "ready" : "not ready");
        if (Node is not null) parts.Add("on " + Node);
        if (Namespace is not null && Namespace != "default") parts.Add("in " + Namespace);
        return string.Join(" ", parts);
    }
}

/// <summary>A field of one object equals a value (or the object exists or not).</summary>
public sealed record ObjectExpectation(ResourceKind Kind, string Namespace, string Name, string? Field, string? EqualsText, bool? Exists) : Expectation
{
    /// <inheritdoc />
    public override string Describe() => Field is null
        ? $"{Kind.Singular}/{Name} {(Exists == false ? "does not exist" : "exists")}"
        : $"{Kind.Singular}/{Name} {Field} = {EqualsText ?? "<none>"}";
}

/// <summary>Events with a reason (and optionally type, object and message text) were recorded.</summary>
public sealed record EventsExpectation(string? Namespace, string Reason, string? Type, string? InvolvedKind, string? InvolvedName, string? MessageContains, CountBound Bound) : Expectation
{
    /// <inheritdoc />
    public override string Describe()
    {
        var what = $"{Bound} {Reason} events";
        if (InvolvedKind is not null || InvolvedName is not null) what += $" on {(InvolvedKind ?? "object").ToLowerInvariant()}/{InvolvedName ?? "*"}";
        if (MessageContains is not null) what += $" saying {GoValue.Quote(MessageContains)}";
        return what;
    }
}
