using System.Globalization;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.Client;
using Sim.Core.Exec;
using Sim.Core.Nodes;
using Sim.Core.Time;

namespace Sim.Controllers.Cluster;

// exec: a command in a running container, as kubectl exec runs it (the API's checks, then the node's kubelet).
public sealed partial class SimulatedCluster
{
    /// <summary>
    /// Runs <paramref name="command"/> in <paramref name="container"/> (null: kubectl's default, the
    /// <c>kubectl.kubernetes.io/default-container</c> annotation or the first container) of pod
    /// <paramref name="ns"/>/<paramref name="pod"/>. Fails as kubectl does when the pod is missing or completed, the
    /// container is unknown or not running, or the node cannot be reached. The process is killed at
    /// <paramref name="deadline"/> (default: the end of time). Unless <paramref name="record"/> is false, a SIM line
    /// (action exec, with the command's exit code and output) is appended to the history when it ends.
    /// </summary>
    public async ValueTask<ExecOutcome> Exec(string ns, string pod, string? container, IReadOnlyList<string> command, SimTime? deadline = null, bool record = true)
    {
        var outcome = await ExecUnrecorded(ns, pod, container, command, deadline ?? SimTime.MaxValue);
        if (!record) return outcome;
        var details = new Dictionary<string, string>
        {
            ["namespace"] = ns,
            ["pod"] = pod,
            ["container"] = container ?? DefaultContainer(Api.Find(ResourceKinds.Pod, ns, pod) as V1Pod) ?? "",
            ["command"] = ShellQuote(command),
        };
        if (outcome.Result is { } r)
        {
            details["exitCode"] = r.ExitCode.ToString(CultureInfo.InvariantCulture);
            details["stdout"] = r.Stdout;
            details["stderr"] = r.Stderr;
        }
        else details["error"] = outcome.Error ?? "";
        Api.History.AppendSimulationAction(Loop.Now, "exec", details);
        return outcome;
    }

    private async ValueTask<ExecOutcome> ExecUnrecorded(string ns, string podName, string? container, IReadOnlyList<string> command, SimTime deadline)
    {
        // kubectl GETs the pod first, then asks the exec subresource; the API server checks the container and host.
        if (Api.Find(ResourceKinds.Pod, ns, podName) is not V1Pod pod)
            return new ExecOutcome(null, $"Error from server (NotFound): pods {GoValue.Quote(podName)} not found");
        if (pod.Status?.Phase is "Succeeded" or "Failed")
            return new ExecOutcome(null, $"error: cannot exec into a container in a completed pod; current phase is {pod.Status.Phase}");
        var name = container ?? DefaultContainer(pod);
        if (name is null) return new ExecOutcome(null, $"Error from server (BadRequest): a container name must be specified for pod {podName}");
        var known = (pod.Spec.Containers ?? []).Select(c => c.Name).Concat((pod.Spec.InitContainers ?? []).Select(c => c.Name))
            .Concat((pod.Spec.EphemeralContainers ?? []).Select(c => c.Name));
        if (!known.Contains(name)) return new ExecOutcome(null, $"Error from server (BadRequest): container {name} is not valid for pod {podName}");
        if (string.IsNullOrEmpty(pod.Spec.NodeName)) return new ExecOutcome(null, $"Error from server (BadRequest): pod {podName} does not have a host assigned");
        var index = _machines.FindIndex(m => m.Name == pod.Spec.NodeName);
        // The API server dials the kubelet's port; a dead machine or a cut link times the dial out.
        if (index < 0 || !_machines[index].PoweredOn || !_kubelets[index].Running || !Network.Connected(ClientIdentity.ControlPlaneEndpoint, pod.Spec.NodeName))
        {
            var ip = pod.Status?.HostIP ?? "";
            return new ExecOutcome(null, $"Error from server: error dialing backend: dial tcp {ip}:10250: i/o timeout");
        }
        var outcome = await _kubelets[index].Exec(pod.Metadata.Uid, name, command, deadline);
        return outcome.Error is { } error ? outcome with { Error = "error: " + error } : outcome;
    }

    // kubectl's default container: the annotation when it names one, else the first.
    private static string? DefaultContainer(V1Pod? pod)
    {
        if (pod is null) return null;
        if (pod.Metadata.Annotations?.TryGetValue("kubectl.kubernetes.io/default-container", out var annotated) == true
            && pod.Spec.Containers?.Any(c => c.Name == annotated) == true) return annotated;
        return pod.Spec.Containers?.FirstOrDefault()?.Name;
    }

    /// <summary>A command line as a shell would read it back: words with blanks or quotes in single quotes.</summary>
    public static string ShellQuote(IReadOnlyList<string> command) =>
        string.Join(' ', command.Select(w => w.Length > 0 && w.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@%+".Contains(c)) ? w : "'" + w.Replace("'", "'\\''") + "'"));
}
