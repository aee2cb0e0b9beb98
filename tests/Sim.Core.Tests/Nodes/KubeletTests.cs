using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Kernel;
using Sim.Core.Nodes;
using Sim.Core.Time;

namespace Sim.Core.Tests.Nodes;

public class KubeletTests
{
    [Fact]
    public void Start_RegistersAReadyNodeWithCapacityAndALease()
    {
        var n = new TestNode();
        var node = (V1Node)n.Api.Get(ResourceKinds.Node, null, "node-1").Unwrap();
        Assert.Equal("True", node.Status.Conditions.Single(c => c.Type == "Ready").Status);
        Assert.Equal("4", node.Status.Capacity["cpu"].ToString());
        Assert.Equal("110", node.Status.Allocatable["pods"].ToString());
        Assert.Equal("node-1", node.Metadata.Labels["kubernetes.io/hostname"]);
        var lease = (V1Lease)n.Api.Get(ResourceKinds.Lease, "kube-node-lease", "node-1").Unwrap();
        Assert.Equal(40, lease.Spec.LeaseDurationSeconds);
        var first = lease.Spec.RenewTime;
        n.For(25);
        var renewed = (V1Lease)n.Api.Get(ResourceKinds.Lease, "kube-node-lease", "node-1").Unwrap();
        Assert.True(renewed.Spec.RenewTime > first);
    }

    [Fact]
    public void BoundPod_PullsCreatesStartsAndBecomesReady()
    {
        var n = new TestNode();
        n.Run(TestNode.PodRunning("web", "nginx"));
        n.For(10);
        var pod = n.Pod("web")!;
        Assert.Equal("Running", pod.Status.Phase);
        Assert.True(Conditions.IsPodReady(pod));
        Assert.StartsWith("10.244.0.", pod.Status.PodIP);
        Assert.Equal("docker.io/library/nginx:latest", pod.Status.ContainerStatuses.Single().Image);
        var reasons = n.Events("web").Select(e => e.Reason).ToList();
        Assert.Equal(["Pulling", "Pulled", "Created", "Started"], reasons);
        var pulled = n.Events("web").Single(e => e.Reason == "Pulled").Message;
        Assert.Matches(@"^Successfully pulled image ""nginx"" in [0-9.]+m?s \([0-9.]+m?s including waiting\)\. Image size: 192385289 bytes\.$", pulled);
        Assert.Equal("Created container: main", n.Events("web").Single(e => e.Reason == "Created").Message);
        Assert.Equal("spec.containers{main}", n.Events("web")[0].InvolvedObject.FieldPath);
    }

    [Fact]
    public void SecondPodWithATaggedImage_FindsItAlreadyPresent()
    {
        var n = new TestNode();
        n.Run(TestNode.PodRunning("a", "nginx:1.27"));
        n.For(10);
        n.Run(TestNode.PodRunning("b", "nginx:1.27"));
        n.For(5);
        Assert.Equal("Container image \"nginx:1.27\" already present on machine", n.Events("b").Single(e => e.Reason == "Pulled").Message);
    }

    [Fact]
    public void SleepingPod_WithRestartNever_Succeeds()
    {
        var n = new TestNode();
        n.Run(TestNode.PodRunning("nap", "busybox", "Never", "sleep", "5"));
        n.For(4);
        Assert.Equal("Running", n.Pod("nap")!.Status.Phase);
        n.For(5);
        var pod = n.Pod("nap")!;
        Assert.Equal("Succeeded", pod.Status.Phase);
        Assert.Equal("Completed", pod.Status.ContainerStatuses.Single().State.Terminated.Reason);
        Assert.Equal("PodCompleted", pod.Status.Conditions.Single(c => c.Type == "Ready").Reason);
    }

    [Fact]
    public void FailingPod_WithRestartNever_Fails()
    {
        var n = new TestNode();
        n.Run(TestNode.PodRunning("oops", "busybox", "Never", "sh", "-c", "echo bye; exit 3"));
        n.For(10);
        var pod = n.Pod("oops")!;
        Assert.Equal("Failed", pod.Status.Phase);
        Assert.Equal(3, pod.Status.ContainerStatuses.Single().State.Terminated.ExitCode);
        Assert.Equal(["bye"], n.Kubelet.Logs.Read(pod.Metadata.Uid, "main"));
    }

    [Fact]
    public void CrashingContainer_IsRestartedWithCrashLoopBackOffGaps()
    {
        var n = new TestNode();
        n.Run(TestNode.PodRunning("crash", "busybox:1.36", "Always", "false"));
        var starts = new List<SimTime>();
        var previous = 0;
        for (var i = 0; i < 1500; i++)
        {
            n.For(1);
            var s = n.Pod("crash")!.Status.ContainerStatuses?.SingleOrDefault();
            if (s is null) continue;
            if (s.RestartCount != previous || starts.Count == 0 && s.State?.Terminated is not null)
            {
                starts.Add(n.Loop.Now);
                previous = s.RestartCount;
            }
        }
        var gaps = starts.Zip(starts.Skip(1), (a, b) => (b - a).TotalSeconds).ToList();
        // The first restart is immediate; then each restart waits out its backoff, and lands within the pod worker's
        // 10-15 s retry after it expires (sampled once a second here).
        double[] backoffs = [10, 20, 40, 80, 160, 300, 300];
        Assert.True(gaps.Count >= backoffs.Length, string.Join(",", gaps));
        for (var i = 0; i < backoffs.Length; i++)
            Assert.InRange(gaps[i], backoffs[i] - 1, backoffs[i] + 16);
        var status = n.Pod("crash")!.Status.ContainerStatuses.Single();
        Assert.True(status.RestartCount >= 7);
        Assert.Equal("Running", n.Pod("crash")!.Status.Phase);
        var backoff = n.Events("crash").Single(e => e.Reason == "BackOff");
        Assert.Equal("Warning", backoff.Type);
        Assert.StartsWith("Back-off restarting failed container main in pod crash_default(", backoff.Message);
        Assert.True(backoff.Count > 1);
    }

    [Fact]
    public void WaitingInBackoff_ShowsCrashLoopBackOffWithTheLastTermination()
    {
        var n = new TestNode();
        n.Run(TestNode.PodRunning("crash", "busybox:1.36", "Always", "false"));
        n.For(5);
        var status = n.Pod("crash")!.Status.ContainerStatuses.Single();
        Assert.Equal("CrashLoopBackOff", status.State.Waiting.Reason);
        Assert.StartsWith("back-off 10s restarting failed container=main pod=crash_default(", status.State.Waiting.Message);
        Assert.Equal(1, status.LastState.Terminated.ExitCode);
        Assert.Equal("Error", status.LastState.Terminated.Reason);
        Assert.False(Conditions.IsPodReady(n.Pod("crash")!));
    }

    [Fact]
    public void DeletedNginxPod_StopsPromptlyAndDisappears()
    {
        var n = new TestNode();
        n.Run(TestNode.PodRunning("web", "nginx"));
        n.For(10);
        n.Api.Delete(ResourceKinds.Pod, "default", "web").Unwrap();
        n.For(2);
        Assert.Null(n.Pod("web"));
        Assert.Contains(n.Api.List(ResourceKinds.Event, "default").Value!.Items.Cast<Corev1Event>(), e => e.Reason == "Killing" && e.Message == "Stopping container main");
    }

    [Fact]
    public void DeletedSleepPod_IgnoresSigtermAndIsKilledAtTheGraceDeadline()
    {
        var n = new TestNode();
        n.Run(TestNode.PodRunning("nap", "busybox", "Always", "sleep", "3600"));
        n.For(10);
        n.Api.Delete(ResourceKinds.Pod, "default", "nap").Unwrap();
        n.For(29);
        Assert.NotNull(n.Pod("nap"));
        Assert.Equal("Terminating", Sim.Core.Printing.PodStatusText.Status(n.Pod("nap")!));
        n.For(2);
        Assert.Null(n.Pod("nap"));
    }

    // The last status the kubelet wrote before the pod disappeared.
    private static V1Pod FinalStatusOf(TestNode n, string name, Action delete)
    {
        V1Pod? last = null;
        n.Api.Watch(ResourceKinds.Pod, "default", null, e =>
        {
            if (e.Object.Metadata.Name == name && e.Type == k8s.WatchEventType.Modified) last = (V1Pod)e.Object;
        }).Unwrap();
        delete();
        n.For(40);
        Assert.Null(n.Pod(name));
        return last!;
    }

    [Fact]
    public void PodDeletedWhileItsImageCannotBePulled_EndsFailedWithAnUnknownContainerStatus()
    {
        var n = new TestNode();
        n.Run(TestNode.PodRunning("bad", "nginx:doesnotexist"));
        n.For(20);
        var final = FinalStatusOf(n, "bad", () => n.Api.Delete(ResourceKinds.Pod, "default", "bad").Unwrap());
        Assert.Equal("Failed", final.Status.Phase);
        var terminated = final.Status.ContainerStatuses.Single().State.Terminated;
        Assert.Equal(("ContainerStatusUnknown", 137, "The container could not be located when the pod was terminated"), (terminated.Reason, terminated.ExitCode, terminated.Message));
    }

    [Fact]
    public void PodDeletedInCrashLoopBackOff_ShowsItsLastExitNotTheBackoff()
    {
        var n = new TestNode();
        n.Run(TestNode.PodRunning("crash", "busybox", "Always", "sh", "-c", "exit 3"));
        n.For(60);
        Assert.Equal("CrashLoopBackOff", n.Pod("crash")!.Status.ContainerStatuses.Single().State.Waiting?.Reason);
        var final = FinalStatusOf(n, "crash", () => n.Api.Delete(ResourceKinds.Pod, "default", "crash").Unwrap());
        Assert.Equal("Failed", final.Status.Phase);
        Assert.Equal(3, final.Status.ContainerStatuses.Single().State.Terminated.ExitCode);
    }

    [Fact]
    public void DeletedNginxPod_EndsSucceeded_ItsContainerCompletedOnSigterm()
    {
        var n = new TestNode();
        n.Run(TestNode.PodRunning("web", "nginx"));
        n.For(10);
        var final = FinalStatusOf(n, "web", () => n.Api.Delete(ResourceKinds.Pod, "default", "web").Unwrap());
        Assert.Equal("Succeeded", final.Status.Phase);
        Assert.Equal(0, final.Status.ContainerStatuses.Single().State.Terminated.ExitCode);
    }

    [Fact]
    public void NeverPullPolicy_WaitsForTheImage_AndStartsOnceAnotherPodPulledIt()
    {
        var n = new TestNode();
        var never = TestNode.PodRunning("never", "nginx:1.27");
        never.Spec.Containers[0].ImagePullPolicy = "Never";
        n.Run(never);
        n.For(2);
        var waiting = n.Pod("never")!.Status.ContainerStatuses.Single().State.Waiting;
        Assert.Equal(("ErrImageNeverPull", "Container image \"nginx:1.27\" is not present with pull policy of Never"), (waiting.Reason, waiting.Message));
        Assert.Equal([("Warning", "ErrImageNeverPull"), ("Warning", "Failed")], n.Events("never").Select(e => (e.Type, e.Reason)));
        Assert.Equal("Error: ErrImageNeverPull", n.Events("never").Single(e => e.Reason == "Failed").Message);

        n.Run(TestNode.PodRunning("puller", "nginx:1.27"));
        n.For(20);
        Assert.Equal("Running", n.Pod("never")!.Status.Phase);
        Assert.Contains(n.Events("never"), e => e.Reason == "Pulled" && e.Message == "Container image \"nginx:1.27\" already present on machine");
    }

    private static void SetImage(TestNode n, string pod, string image)
    {
        var copy = Sim.Core.Serialization.ModelCopy.Clone(n.Pod(pod)!);
        copy.Spec.Containers[0].Image = image;
        n.Api.Update(copy).Unwrap();
    }

    [Fact]
    public void RunningContainerGivenANewImage_IsRestartedWithIt()
    {
        var n = new TestNode();
        n.Run(TestNode.PodRunning("web", "nginx:1.26"));
        n.For(10);
        SetImage(n, "web", "nginx:1.27");
        n.For(10);
        var status = n.Pod("web")!.Status.ContainerStatuses.Single();
        Assert.Equal(("docker.io/library/nginx:1.27", 1), (status.Image, status.RestartCount));
        Assert.NotNull(status.State.Running);
        Assert.Contains(n.Events("web"), e => e.Reason == "Killing" && e.Message == "Container main definition changed, will be restarted");
        Assert.Contains(n.Events("web"), e => e.Reason == "Pulling" && e.Message == "Pulling image \"nginx:1.27\"");
    }

    [Fact]
    public void ContainerStuckInImagePullBackOff_TriesTheCorrectedImageAtOnce()
    {
        var n = new TestNode();
        n.Run(TestNode.PodRunning("typo", "nginx:doesnotexist"));
        n.For(30);
        Assert.Equal("ImagePullBackOff", n.Pod("typo")!.Status.ContainerStatuses.Single().State.Waiting?.Reason);
        SetImage(n, "typo", "nginx:1.27");
        n.For(6);
        Assert.Equal("Running", n.Pod("typo")!.Status.Phase);
        Assert.Equal(0, n.Pod("typo")!.Status.ContainerStatuses.Single().RestartCount);
    }

    [Fact]
    public void PreStopSleep_DelaysSigterm()
    {
        var n = new TestNode();
        var web = TestNode.PodRunning("web", "nginx");
        web.Spec.Containers[0].Lifecycle = new V1Lifecycle { PreStop = new V1LifecycleHandler { Exec = new V1ExecAction { Command = ["sh", "-c", "sleep 10"] } } };
        n.Run(web);
        n.For(10);
        n.Api.Delete(ResourceKinds.Pod, "default", "web").Unwrap();
        n.For(9.9);
        Assert.NotNull(n.Pod("web")!.Status.ContainerStatuses.Single().State.Running);
        n.For(1.5);
        Assert.Null(n.Pod("web"));
    }

    [Fact]
    public void PreStopLongerThanTheGracePeriod_LeavesTwoSecondsBeforeSigkill()
    {
        var n = new TestNode();
        var nap = TestNode.PodRunning("nap", "busybox", "Always", "sleep", "3600");
        // An exec hook: the API refuses a sleep action longer than the grace period.
        nap.Spec.Containers[0].Lifecycle = new V1Lifecycle { PreStop = new V1LifecycleHandler { Exec = new V1ExecAction { Command = ["sleep", "40"] } } };
        n.Run(nap);
        n.For(10);
        n.Api.Delete(ResourceKinds.Pod, "default", "nap").Unwrap();
        n.For(31.5);
        Assert.NotNull(n.Pod("nap"));
        n.For(1);
        Assert.Null(n.Pod("nap"));
    }

    [Fact]
    public void FailingPreStopHook_IsReportedAndTheContainerStopsAnyway()
    {
        var n = new TestNode();
        var web = TestNode.PodRunning("web", "nginx");
        web.Spec.Containers[0].Lifecycle = new V1Lifecycle { PreStop = new V1LifecycleHandler { Exec = new V1ExecAction { Command = ["sh", "-c", "exit 1"] } } };
        n.Run(web);
        n.For(10);
        n.Api.Delete(ResourceKinds.Pod, "default", "web").Unwrap();
        n.For(2);
        Assert.Null(n.Pod("web"));
        var failed = n.Events("web").Single(e => e.Reason == "FailedPreStopHook");
        Assert.Equal(("Warning", "PreStopHook failed"), (failed.Type, failed.Message));
    }

    [Fact]
    public void PodPlacedByHandOnANodeItsSelectorRefuses_IsRejectedByAdmission()
    {
        var n = new TestNode();
        var pod = TestNode.PodRunning("picky", "nginx");
        pod.Spec.NodeSelector = new Dictionary<string, string> { ["disk"] = "ssd" };
        n.Run(pod);
        n.For(2);
        var rejected = n.Pod("picky")!;
        Assert.Equal(("Failed", "NodeAffinity", "Pod was rejected: Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector"),
            (rejected.Status.Phase, rejected.Status.Reason, rejected.Status.Message));
        var warning = n.Events("picky").Single(e => e.Reason == "NodeAffinity");
        Assert.Equal(("Warning", "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector"), (warning.Type, warning.Message));
    }

    [Fact]
    public void SecondPodWantingATakenHostPort_IsRejectedByAdmission()
    {
        var n = new TestNode();
        foreach (var name in new[] { "first", "second" })
        {
            var pod = TestNode.PodRunning(name, "nginx");
            pod.Spec.Containers[0].Ports = [new V1ContainerPort { ContainerPort = 80, HostPort = 8080 }];
            n.Run(pod);
            n.For(2);
        }
        n.For(10);
        Assert.Equal("Running", n.Pod("first")!.Status.Phase);
        Assert.Equal(("Failed", "NodePorts"), (n.Pod("second")!.Status.Phase, n.Pod("second")!.Status.Reason));
    }

    [Fact]
    public void KilledContainer_IsRestartedAndCounted()
    {
        var n = new TestNode();
        n.Run(TestNode.PodRunning("web", "nginx"));
        n.For(10);
        Assert.Null(n.Kubelet.KillContainer("default", "web", "main", 137));
        n.For(5);
        var status = n.Pod("web")!.Status.ContainerStatuses.Single();
        Assert.Equal(1, status.RestartCount);
        Assert.Equal(137, status.LastState.Terminated.ExitCode);
        Assert.NotNull(status.State.Running);
    }

    [Fact]
    public void PodThatDoesNotFit_IsRejectedByAdmission()
    {
        var n = new TestNode(cpu: "1");
        var pod = TestNode.PodRunning("big", "nginx");
        pod.Spec.Containers[0].Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("2") } };
        n.Run(pod);
        n.For(2);
        var rejected = n.Pod("big")!;
        Assert.Equal("Failed", rejected.Status.Phase);
        Assert.Equal("OutOfcpu", rejected.Status.Reason);
        Assert.Equal("Pod was rejected: Node didn't have enough resource: cpu, requested: 2000, used: 0, capacity: 1000", rejected.Status.Message);
        var warning = n.Events("big").Single(e => e.Reason == "OutOfcpu");
        Assert.Equal(("Warning", "Node didn't have enough resource: cpu, requested: 2000, used: 0, capacity: 1000"), (warning.Type, warning.Message));
    }

    [Fact]
    public void MissingImageTag_FailsToPullThenBacksOff()
    {
        var n = new TestNode();
        n.Run(TestNode.PodRunning("bad", "nginx:doesnotexist"));
        n.For(3);
        var status = n.Pod("bad")!.Status.ContainerStatuses.Single();
        Assert.Equal("ErrImagePull", status.State.Waiting.Reason);
        Assert.Equal("ErrImagePull", Sim.Core.Printing.PodStatusText.Status(n.Pod("bad")!));
        n.For(15);
        Assert.Equal("ImagePullBackOff", n.Pod("bad")!.Status.ContainerStatuses.Single().State.Waiting.Reason);
        var messages = n.Events("bad").Select(e => e.Message).ToList();
        Assert.Contains("Failed to pull image \"nginx:doesnotexist\": rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:doesnotexist\": failed to resolve reference \"docker.io/library/nginx:doesnotexist\": docker.io/library/nginx:doesnotexist: not found", messages);
        Assert.Contains("Error: ErrImagePull", messages);
        Assert.Contains("Back-off pulling image \"nginx:doesnotexist\"", messages);
        Assert.Contains("Error: ImagePullBackOff", messages);
        Assert.Equal("Pending", n.Pod("bad")!.Status.Phase);
    }

    [Fact]
    public void SameSeed_SameNodeHistory()
    {
        string Run()
        {
            var n = new TestNode(seed: 5);
            n.Run(TestNode.PodRunning("web", "nginx"));
            n.Run(TestNode.PodRunning("crash", "busybox:1.36", "Always", "false"));
            n.For(120);
            return n.Api.History.Hash!;
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void AnImageNameThatDoesNotParseIsInvalidImageNameNotACrash()
    {
        var n = new TestNode();
        n.Run(TestNode.PodRunning("odd", "@x"));
        n.For(5);
        var waiting = n.Pod("odd")!.Status.ContainerStatuses.Single().State.Waiting;
        Assert.Equal(("InvalidImageName", "Failed to apply default image tag \"@x\": couldn't parse image name \"@x\": invalid reference format"), (waiting.Reason, waiting.Message));
        Assert.Equal([("Warning", "InspectFailed"), ("Warning", "Failed")], n.Events("odd").Select(e => (e.Type, e.Reason)));
    }

    [Fact]
    public void AnImageNameTooLongForAReference_StaysInvalidImageName_ReportedOnEveryResyncWithTheSameMessage()
    {
        // Found by the fuzzer: the API sets no length on an image, so a 100,000-character name is accepted; the kubelet
        // refuses it at every 10-15 s resync (distribution/reference allows 255), and parsing and quoting it anew at
        // each one cost a simulated day 30 s of CPU. Parsed once per image now; what the user sees is unchanged.
        var n = new TestNode();
        var image = new string('z', 100_000);
        n.Run(TestNode.PodRunning("long", image));
        n.For(60);
        var waiting = n.Pod("long")!.Status.ContainerStatuses.Single().State.Waiting;
        Assert.Equal("InvalidImageName", waiting.Reason);
        Assert.Equal($"Failed to apply default image tag \"{image}\": couldn't parse image name \"{image}\": repository name must not be more than 255 characters", waiting.Message);
        var inspect = n.Events("long").Single(e => e.Reason == "InspectFailed");
        Assert.InRange(inspect.Count ?? 0, 4, 7);
        Assert.Equal(waiting.Message, inspect.Message);
    }

    [Fact]
    public void StatusSync_ReadyTurnedFalseBySomeoneElse_IsWrittenBackAtTheNext10sTick()
    {
        var n = new TestNode();
        n.Run(TestNode.PodRunning("web", "nginx"));
        n.For(30);
        var ready = n.Pod("web")!.Status.Conditions.Single(c => c.Type == "Ready");
        // As the node controller does for the pods of a node it cannot hear from.
        var marked = Sim.Core.Serialization.ModelCopy.Clone(n.Pod("web")!);
        var condition = marked.Status.Conditions.Single(c => c.Type == "Ready");
        condition.Status = "False";
        condition.LastTransitionTime = n.Loop.Now.ToKubeTime();
        n.Api.UpdateStatus(marked).Unwrap();
        n.For(9.999);
        Assert.False(Conditions.IsPodReady(n.Pod("web")!));
        n.For(0.001);
        var restored = n.Pod("web")!.Status.Conditions.Single(c => c.Type == "Ready");
        // The status manager's own view wins, transition time included.
        Assert.Equal(("True", ready.LastTransitionTime), (restored.Status, restored.LastTransitionTime));
    }
}
