using Sim.Core.Manifests;
using Sim.Core.Time;

namespace Sim.Scenarios;

/// <summary>The outcome of one expectation: when, what, whether it held and what was actually there.</summary>
public sealed record ExpectationResult(SimDuration At, string Description, bool Passed, string Actual, SourcePosition Position);

/// <summary>An action the API refused (or that could not run), at a step.</summary>
public sealed record ActionFailure(SimDuration At, string Action, string Message, bool Allowed, SourcePosition Position);
