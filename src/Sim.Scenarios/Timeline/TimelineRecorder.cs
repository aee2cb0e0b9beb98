using k8s;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Printing;
using Sim.Core.Time;

namespace Sim.Scenarios.Timeline;

/// <summary>
/// Turns committed API changes into timeline lines: every Event (and each repeat of an aggregated one), each change of
/// a pod's kubectl STATUS or readiness, and each change of a node's readiness. Lease renewals and status heartbeats
/// that change nothing a person would notice are left out.
/// </summary>
public sealed class TimelineRecorder
{
    private readonly SimTime _origin;
    private readonly List<TimelineEntry> _entries = [];

    /// <summary>Starts recording from <paramref name="api"/>; times count from <paramref name="origin"/>.</summary>
    public TimelineRecorder(ApiServer api, SimTime origin)
    {
        _origin = origin;
        api.Committed += OnCommitted;
    }

    /// <summary>The lines so far, in order.</summary>
    public IReadOnlyList<TimelineEntry> Entries => _entries;

    /// <summary>Adds a line written by the runner (actions, expectations).</summary>
    public void Add(TimelineEntry entry) => _entries.Add(entry);

    /// <summary>Inserts lines before those at <paramref name="index"/> (an action before what it caused).</summary>
    public void Insert(int index, IEnumerable<TimelineEntry> entries) => _entries.InsertRange(index, entries);

    private void OnCommitted(CommittedChange change)
    {
        var at = change.Time - _origin;
        switch (change.Object)
        {
            case Corev1Event ev:
                OnEvent(at, change, ev);
                break;
            case V1Pod pod:
                OnPod(at, change, pod, change.Old as V1Pod);
                break;
            case V1Node node:
                OnNode(at, node, change.Old as V1Node, change.Type);
                break;
        }
    }

    private void OnEvent(SimDuration at, CommittedChange change, Corev1Event ev)
    {
        if (change.Type == WatchEventType.Deleted) return;
        var count = ev.Count ?? 1;
        var previous = (change.Old as Corev1Event)?.Count ?? 0;
        if (change.Type == WatchEventType.Modified && count <= previous) return;
        var subject = $"{(ev.InvolvedObject?.Kind ?? "").ToLowerInvariant()}/{ev.InvolvedObject?.Name}";
        var message = ev.Message ?? "";
        if (count > 1) message += $" (x{count})";
        var warning = ev.Type == "Warning";
        _entries.Add(new TimelineEntry(at, warning ? TimelineKind.WarningEvent : TimelineKind.Event, ev.Type ?? "Normal", ev.Reason ?? "", subject, message));
    }

    private void OnPod(SimDuration at, CommittedChange change, V1Pod pod, V1Pod? old)
    {
        var subject = "pod/" + pod.Metadata.Name;
        if (change.Type == WatchEventType.Deleted)
        {
            _entries.Add(new TimelineEntry(at, TimelineKind.Pod, "pod", "Deleted", subject, "removed from the API"));
            return;
        }
        var status = PodStatusText.Status(pod);
        var ready = PodStatusText.Ready(pod);
        // A pod's creation is already on the timeline as the action or the controller's SuccessfulCreate event.
        if (old is null) return;
        var oldStatus = PodStatusText.Status(old);
        var oldReady = PodStatusText.Ready(old);
        if (status == oldStatus && ready == oldReady) return;
        var node = string.IsNullOrEmpty(pod.Spec.NodeName) ? "" : $" on {pod.Spec.NodeName}";
        var restarts = PodStatusText.Restarts(pod);
        var message = status == oldStatus ? $"{ready} ready{node}" : $"{oldStatus} → {status}, {ready} ready{node}";
        if (restarts > 0) message += $", {restarts} restart{(restarts == 1 ? "" : "s")}";
        _entries.Add(new TimelineEntry(at, TimelineKind.Pod, "pod", status, subject, message));
    }

    private void OnNode(SimDuration at, V1Node node, V1Node? old, WatchEventType type)
    {
        if (type == WatchEventType.Deleted)
        {
            _entries.Add(new TimelineEntry(at, TimelineKind.Node, "node", "Deleted", "node/" + node.Metadata.Name, "removed from the API"));
            return;
        }
        var ready = ReadyStatus(node);
        var before = old is null ? null : ReadyStatus(old);
        if (ready == before) return;
        var text = ready switch { "True" => "Ready", "False" => "NotReady", "Unknown" => "NotReady (Unknown)", _ => "registered" };
        _entries.Add(new TimelineEntry(at, TimelineKind.Node, "node", text, "node/" + node.Metadata.Name, before is null ? "registered" : $"Ready={before} → Ready={ready}"));
    }

    private static string? ReadyStatus(V1Node node) => node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status;
}
