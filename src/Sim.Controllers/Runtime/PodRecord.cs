using k8s.Models;
using Sim.Core.Api.Selectors;
using Sim.Core.Time;

namespace Sim.Controllers.Runtime;

/// <summary>One version of a pod with the facts owners' syncs count, and memos of its last label checks.</summary>
public sealed class PodRecord
{
    private readonly IDictionary<string, string>? _labels;
    private readonly SimTime? _readySince;
    private LabelSelector? _checkedSelector;
    private bool _matchesSelector;
    private IDictionary<string, string>? _checkedTemplate;
    private bool _fullyLabeled;

    /// <summary>The record of <paramref name="pod"/>, reusing <paramref name="previous"/>'s label checks when the labels are the same instance.</summary>
    public PodRecord(V1Pod pod, string? controllerUid, PodRecord? previous)
    {
        Pod = pod;
        ControllerUid = controllerUid;
        _labels = pod.Metadata.Labels;
        Terminating = PodState.IsTerminating(pod);
        Active = PodState.IsActive(pod);
        Ready = PodState.IsReady(pod);
        if (Ready) _readySince = PodState.ReadySince(pod);
        // Status writes keep the labels dictionary: label checks made on the previous version still hold.
        if (previous is not null && ReferenceEquals(previous._labels, _labels))
        {
            (_checkedSelector, _matchesSelector) = (previous._checkedSelector, previous._matchesSelector);
            (_checkedTemplate, _fullyLabeled) = (previous._checkedTemplate, previous._fullyLabeled);
        }
    }

    /// <summary>The pod as the informer holds it.</summary>
    public V1Pod Pod { get; }

    /// <summary>The uid of its controller reference, if any.</summary>
    public string? ControllerUid { get; }

    /// <summary>Not finished and not terminating (<see cref="PodState.IsActive"/>).</summary>
    public bool Active { get; }

    /// <summary>Has a deletionTimestamp.</summary>
    public bool Terminating { get; }

    /// <summary>The Ready condition is True.</summary>
    public bool Ready { get; }

    /// <summary>Whether the pod's labels match <paramref name="selector"/> (remembered per selector instance).</summary>
    public bool Matches(LabelSelector selector)
    {
        if (!ReferenceEquals(_checkedSelector, selector))
        {
            _matchesSelector = selector.Matches(_labels);
            _checkedSelector = selector;
        }
        return _matchesSelector;
    }

    /// <summary>Whether the pod carries every label of <paramref name="template"/> (remembered per template instance).</summary>
    public bool HasAllLabelsOf(IDictionary<string, string>? template)
    {
        if (template is null) return true;
        if (!ReferenceEquals(_checkedTemplate, template))
        {
            _fullyLabeled = HasAll(_labels, template);
            _checkedTemplate = template;
        }
        return _fullyLabeled;
    }

    /// <summary>Ready for more than <paramref name="minReadySeconds"/> (<see cref="PodState.IsAvailable(V1Pod, int, SimTime)"/>).</summary>
    public bool IsAvailable(int minReadySeconds, SimTime now) => PodState.IsAvailable(Ready, _readySince, minReadySeconds, now);

    private static bool HasAll(IDictionary<string, string>? labels, IDictionary<string, string> required)
    {
        foreach (var (k, v) in required)
            if (labels is null || !labels.TryGetValue(k, out var actual) || actual != v) return false;
        return true;
    }
}
