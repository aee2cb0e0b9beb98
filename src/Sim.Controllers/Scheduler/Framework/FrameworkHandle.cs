using Sim.Controllers.Runtime;
using Sim.Controllers.Scheduler.Cache;
using Sim.Core.Events;

namespace Sim.Controllers.Scheduler.Framework;

/// <summary>
/// framework.Handle: what a plugin may use besides the cycle state: the scheduler's cache (its snapshot), the
/// process's informers and client, the event recorder, the options, and the framework itself (preemption runs the
/// filters again on its candidates).
/// </summary>
internal sealed class FrameworkHandle(ControllerContext context, SchedulerCache cache, SchedulerOptions options, EventRecorder recorder)
{
    private SchedulerFramework? _framework;

    public ControllerContext Context { get; } = context;

    public ApiClient Client => Context.Client;

    public InformerFactory Informers => Context.Informers;

    public SchedulerCache Cache { get; } = cache;

    public SchedulerOptions Options { get; } = options;

    public EventRecorder Recorder { get; } = recorder;

    /// <summary>The framework running the plugins (set once every plugin is built).</summary>
    public SchedulerFramework Framework
    {
        get => _framework ?? throw new InvalidOperationException("the framework is still being built");
        set => _framework = value;
    }
}
