using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Printing;
using Sim.Core.Printing.Tables;
using Sim.Core.Tests.Nodes;
using Sim.Core.Time;
using static Sim.Core.Tests.Printing.TableTesting;

namespace Sim.Core.Tests.Printing;

/// <summary>printPod's cells, on upstream's own cases (printers_test.go) and on pods a simulated kubelet ran.</summary>
public class PodTableTests
{
    private static V1Pod Pod(string name, int containers, V1PodStatus status, int initContainers = 0) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            Containers = Enumerable.Range(0, containers).Select(i => new V1Container { Name = "c" + i }).ToList(),
            InitContainers = initContainers == 0 ? null : Enumerable.Range(0, initContainers).Select(i => new V1Container { Name = "i" + i }).ToList(),
        },
        Status = status,
    };

    private static V1ContainerStatus Running(bool ready = false, int restarts = 0, DateTime? lastFinished = null) => new()
    {
        Ready = ready,
        RestartCount = restarts,
        State = new V1ContainerState { Running = new V1ContainerStateRunning() },
        LastState = lastFinished is null ? null : new V1ContainerState { Terminated = new V1ContainerStateTerminated { FinishedAt = lastFinished } },
    };

    private static V1ContainerStatus Waiting(string? reason = null, int restarts = 0) =>
        new() { RestartCount = restarts, State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason } } };

    private static V1ContainerStatus Terminated(string? reason, int exitCode = 0, int restarts = 0, bool ready = false, DateTime? lastFinished = null) => new()
    {
        Ready = ready,
        RestartCount = restarts,
        State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { Reason = reason, ExitCode = exitCode } },
        LastState = lastFinished is null ? null : new V1ContainerState { Terminated = new V1ContainerStateTerminated { FinishedAt = lastFinished } },
    };

    private static string[] Narrow(V1Pod pod) => NarrowRow(pod).Cast<string>().ToArray();

    [Fact]
    public void Print_ReadyRestartsAndReason_AreUpstreamsTest1To6()
    {
        Assert.Equal(["test1", "1/2", "podPhase", "6", "<unknown>"],
            Narrow(Pod("test1", 2, new() { Phase = "podPhase", ContainerStatuses = [Running(ready: true, restarts: 3), new() { RestartCount = 3 }] })));
        Assert.Equal(["test2", "1/2", "ContainerWaitingReason", "6", "<unknown>"],
            Narrow(Pod("test2", 2, new() { Phase = "podPhase", ContainerStatuses = [Running(ready: true, restarts: 3), Waiting("ContainerWaitingReason", 3)] })));
        // The first container's reason wins: statuses are read last to first.
        Assert.Equal(["test3", "0/2", "ContainerWaitingReason", "6", "<unknown>"],
            Narrow(Pod("test3", 2, new() { Phase = "podPhase", ContainerStatuses = [Waiting("ContainerWaitingReason", 3), Terminated("ContainerTerminatedReason", restarts: 3)] })));
        // Ready without running is not ready.
        Assert.Equal(["test4", "1/2", "podPhase", "6", "<unknown>"],
            Narrow(Pod("test4", 2, new() { Phase = "podPhase", ContainerStatuses = [Running(ready: true, restarts: 3), new() { Ready = true, RestartCount = 3 }] })));
        Assert.Equal(["test5", "1/2", "podReason", "6", "<unknown>"],
            Narrow(Pod("test5", 2, new() { Phase = "podPhase", Reason = "podReason", ContainerStatuses = [Running(ready: true, restarts: 3), new() { Ready = true, RestartCount = 3 }] })));
        // One container completed while another runs: NotReady without the Ready condition, Running with it.
        var completedAndRunning = new V1PodStatus { Phase = "Running", ContainerStatuses = [Terminated("Completed", ready: true, restarts: 3), Running(ready: true, restarts: 3)] };
        Assert.Equal(["test6", "1/2", "NotReady", "6", "<unknown>"], Narrow(Pod("test6", 2, completedAndRunning)));
        completedAndRunning.Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }];
        Assert.Equal(["test6", "1/2", "Running", "6", "<unknown>"], Narrow(Pod("test6", 2, completedAndRunning)));
    }

    [Fact]
    public void Print_InitContainers_ShowInitProgressAndTheirRestarts()
    {
        // Upstream's test7 to test11.
        Assert.Equal(["test7", "0/1", "Init:0/1", "3 (10s ago)", "<unknown>"],
            Narrow(Pod("test7", 1, new() { Phase = "podPhase", InitContainerStatuses = [Running(restarts: 3, lastFinished: SecondsAgo(10))], ContainerStatuses = [Waiting()] }, initContainers: 1)));
        Assert.Equal(["test8", "0/1", "Init:0/2", "3 (10s ago)", "<unknown>"],
            Narrow(Pod("test8", 1, new() { Phase = "podPhase", InitContainerStatuses = [Running(restarts: 3, lastFinished: SecondsAgo(10)), Waiting()], ContainerStatuses = [Waiting()] }, initContainers: 2)));
        Assert.Equal(["test9", "0/1", "Init:1/2", "3 (10s ago)", "<unknown>"],
            Narrow(Pod("test9", 1, new() { Phase = "podPhase", InitContainerStatuses = [Terminated(null), Running(restarts: 3, lastFinished: SecondsAgo(10))], ContainerStatuses = [Waiting()] }, initContainers: 2)));
        Assert.Equal(["test10", "0/1", "Init:1/2", "5 (10s ago)", "<unknown>"],
            Narrow(Pod("test10", 1, new() { Phase = "podPhase", InitContainerStatuses = [Terminated(null, restarts: 2, lastFinished: SecondsAgo(120)), Running(restarts: 3, lastFinished: SecondsAgo(10))], ContainerStatuses = [Waiting()] }, initContainers: 2)));
        // Once initialized, only the app containers' restarts count.
        Assert.Equal(["test11", "0/1", "Running", "4 (20s ago)", "<unknown>"],
            Narrow(Pod("test11", 1, new() { Phase = "Running", InitContainerStatuses = [Terminated(null, restarts: 2, lastFinished: SecondsAgo(120))], ContainerStatuses = [Running(restarts: 4, lastFinished: SecondsAgo(20))] }, initContainers: 1)));
        Assert.Equal("Init:CrashLoopBackOff",
            Narrow(Pod("p", 1, new() { Phase = "Pending", InitContainerStatuses = [Waiting("CrashLoopBackOff", 2)], ContainerStatuses = [Waiting("PodInitializing")] }, initContainers: 1))[2]);
        Assert.Equal("Init:Error",
            Narrow(Pod("p", 1, new() { Phase = "Pending", InitContainerStatuses = [Terminated("Error", 1)], ContainerStatuses = [Waiting("PodInitializing")] }, initContainers: 1))[2]);
        Assert.Equal("Init:ExitCode:2",
            Narrow(Pod("p", 1, new() { Phase = "Pending", InitContainerStatuses = [Terminated("", 2)], ContainerStatuses = [Waiting("PodInitializing")] }, initContainers: 1))[2]);
    }

    [Fact]
    public void Print_LastRestart_IsTheLatestAcrossContainers()
    {
        // Upstream's test12 to test14.
        Assert.Equal(["test12", "1/1", "Running", "3 (5d ago)", "<unknown>"],
            Narrow(Pod("test12", 1, new() { Phase = "Running", ContainerStatuses = [Running(true, 3, Ago(SimDuration.FromHours(5 * 24)))] })));
        Assert.Equal(["test13", "2/2", "Running", "3 (10d ago)", "<unknown>"],
            Narrow(Pod("test13", 2, new() { Phase = "Running", ContainerStatuses = [Running(true), Running(true, 3, Ago(SimDuration.FromHours(10 * 24)))] })));
        Assert.Equal(["test14", "2/2", "Running", "9 (5d ago)", "<unknown>"],
            Narrow(Pod("test14", 2, new() { Phase = "Running", ContainerStatuses = [Running(true, 6, Ago(SimDuration.FromHours(5 * 24))), Running(true, 3, Ago(SimDuration.FromHours(20 * 24)))] })));
    }

    [Fact]
    public void Print_SchedulingGatesFinishedAndDeletedPods_ReadAsUpstreamPrintsThem()
    {
        Assert.Equal(["test15", "0/2", "SchedulingGated", "0", "<unknown>"],
            Narrow(Pod("test15", 2, new() { Phase = "podPhase", Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "SchedulingGated" }] })));
        Assert.Equal(["test16", "0/1", "Completed", "0", "<unknown>"],
            Narrow(Pod("test16", 1, new() { Phase = "Succeeded", ContainerStatuses = [Terminated("Completed")] })));
        Assert.Equal(["test17", "0/1", "Error", "0", "<unknown>"],
            Narrow(Pod("test17", 1, new() { Phase = "Failed", ContainerStatuses = [Terminated("Error", 1)] })));

        // Deleted: a finished pod keeps its status (v1.31+), a running or pending one is Terminating.
        var deleted = SecondsAgo(10);
        var succeeded = Pod("test18", 1, new() { Phase = "Succeeded", ContainerStatuses = [Terminated("Completed")] });
        succeeded.Metadata.DeletionTimestamp = deleted;
        Assert.Equal(["test18", "0/1", "Completed", "0", "<unknown>"], Narrow(succeeded));
        var running = Pod("test19", 1, new() { Phase = "Running", ContainerStatuses = [Running()] });
        running.Metadata.DeletionTimestamp = deleted;
        Assert.Equal(["test19", "0/1", "Terminating", "0", "<unknown>"], Narrow(running));
        var pending = Pod("test20", 1, new() { Phase = "Pending" });
        pending.Metadata.DeletionTimestamp = deleted;
        Assert.Equal(["test20", "0/1", "Terminating", "0", "<unknown>"], Narrow(pending));
        // The node lifecycle controller's NodeLost reason on a pod being deleted reads Unknown.
        var lost = Pod("lost", 1, new() { Phase = "Running", Reason = "NodeLost", ContainerStatuses = [Running(true)] });
        lost.Metadata.DeletionTimestamp = deleted;
        Assert.Equal("Unknown", Narrow(lost)[2]);
    }

    [Fact]
    public void Print_RestartableInitContainers_CountAsContainers()
    {
        static V1Pod WithSidecars(V1PodStatus status) => new()
        {
            Metadata = new V1ObjectMeta { Name = "test" },
            Spec = new V1PodSpec
            {
                InitContainers = [new V1Container { Name = "restartable-init-1", RestartPolicy = "Always" }, new V1Container { Name = "restartable-init-2", RestartPolicy = "Always" }],
                Containers = [new V1Container { Name = "app" }],
            },
            Status = status,
        };
        V1ContainerStatus Sidecar(string name, bool started, bool running, int restarts = 0, DateTime? last = null) => new()
        {
            Name = name,
            Started = started,
            RestartCount = restarts,
            State = running ? new V1ContainerState { Running = new V1ContainerStateRunning() } : new V1ContainerState { Waiting = new V1ContainerStateWaiting() },
            LastState = last is null ? null : new V1ContainerState { Terminated = new V1ContainerStateTerminated { FinishedAt = last } },
        };
        var notInitialized = new V1PodCondition { Type = "Initialized", Status = "False" };
        var initialized = new V1PodCondition { Type = "Initialized", Status = "True" };

        Assert.Equal(["test", "0/3", "Init:0/2", "3 (10s ago)", "<unknown>"], Narrow(WithSidecars(new()
        {
            Phase = "Pending",
            InitContainerStatuses = [Sidecar("restartable-init-1", false, true, 3, SecondsAgo(10)), Sidecar("restartable-init-2", false, false)],
            ContainerStatuses = [Waiting()],
            Conditions = [notInitialized],
        })));
        Assert.Equal(["test", "0/3", "Init:1/2", "3 (10s ago)", "<unknown>"], Narrow(WithSidecars(new()
        {
            Phase = "Pending",
            InitContainerStatuses = [Sidecar("restartable-init-1", true, true, 3, SecondsAgo(10)), Sidecar("restartable-init-2", false, true)],
            ContainerStatuses = [Waiting()],
            Conditions = [notInitialized],
        })));
        Assert.Equal(["test", "1/3", "Running", "7 (10s ago)", "<unknown>"], Narrow(WithSidecars(new()
        {
            Phase = "Running",
            InitContainerStatuses = [Sidecar("restartable-init-1", true, true, 3, SecondsAgo(10)), Sidecar("restartable-init-2", true, true)],
            ContainerStatuses = [Running(true, 4, SecondsAgo(20))],
            Conditions = [initialized],
        })));
    }

    [Fact]
    public void Print_Wide_ShowsTheFirstPodIPTheNodesAndReadinessGates()
    {
        var pod = Pod("test1", 2, new()
        {
            Phase = "podPhase",
            PodIPs = [new V1PodIP { Ip = "1.1.1.1" }, new V1PodIP { Ip = "2001:db8::" }],
            ContainerStatuses = [Running(true, 3), new() { RestartCount = 3 }],
            NominatedNodeName = "node1",
            Conditions = [new V1PodCondition { Type = "condition1", Status = "False" }, new V1PodCondition { Type = "condition2", Status = "True" }],
        });
        pod.Spec.NodeName = "test1";
        pod.Spec.ReadinessGates = [new() { ConditionType = "condition1" }, new() { ConditionType = "condition2" }, new() { ConditionType = "condition3" }];
        Assert.Equal(["test1", "1/2", "podPhase", "6", "<unknown>", "1.1.1.1", "test1", "node1", "1/3"], Row(pod));

        var bare = Pod("test2", 2, new() { Phase = "podPhase", ContainerStatuses = [Running(true, 3), Waiting("ContainerWaitingReason", 3)] });
        Assert.Equal(["test2", "1/2", "ContainerWaitingReason", "6", "<unknown>", "<none>", "<none>", "<none>", "<none>"], Row(bare));
    }

    [Fact]
    public void Print_FinishedPods_CarryTheCompletedRowCondition()
    {
        static IReadOnlyList<TableRowCondition>? ConditionsOf(string phase) =>
            TablePrinters.Print(ResourceKinds.Pod, [Pod("p", 1, new() { Phase = phase })], Now).Rows!.Single().Conditions;

        Assert.Null(ConditionsOf("Running"));
        Assert.Equal([new TableRowCondition("Completed", "True", "Succeeded", "The pod has completed successfully.")], ConditionsOf("Succeeded"));
        Assert.Equal([new TableRowCondition("Completed", "True", "Failed", "The pod failed.")], ConditionsOf("Failed"));
    }

    [Fact]
    public void Print_PodsAKubeletRan_ReadAsKubectlGetPods()
    {
        var n = new TestNode();
        n.Run(TestNode.PodRunning("web", "nginx"));
        n.Run(TestNode.PodRunning("crash", "busybox", "Always", "sh", "-c", "exit 1"));
        n.Run(TestNode.PodRunning("nap", "busybox", "Never", "sleep", "5"));
        n.Run(TestNode.PodRunning("typo", "nginx:doesnotexist"));
        n.For(0.5);
        var starting = TablePrinters.Print(n.Api.List(ResourceKinds.Pod, "default").Value!, n.Loop.Now);
        Assert.All(starting.Rows!, r => Assert.Equal("ContainerCreating", r.Cells[2]));

        n.For(200);
        var table = TablePrinters.Print(n.Api.List(ResourceKinds.Pod, "default").Value!, n.Loop.Now);
        var crash = n.Pod("crash")!.Status.ContainerStatuses.Single();
        var crashAgo = HumanDuration.Since(crash.LastState.Terminated.FinishedAt, n.Loop.Now);
        Assert.Equal(
            "NAME    READY   STATUS             RESTARTS      AGE\n" +
            $"crash   0/1     CrashLoopBackOff   {crash.RestartCount} ({crashAgo} ago)   3m20s\n" +
            "nap     0/1     Completed          0             3m20s\n" +
            "typo    0/1     ImagePullBackOff   0             3m20s\n" +
            "web     1/1     Running            0             3m20s\n",
            KubectlTable.Render(table));
        Assert.Equal(5, crash.RestartCount);

        n.Api.Delete(ResourceKinds.Pod, "default", "web").Unwrap();
        Assert.Equal("Terminating", TableTesting.Row(n.Pod("web")!, n.Loop.Now)[2]);
    }

    [Fact]
    public void PodStatusText_AgreesWithTheTable()
    {
        var pod = Pod("p", 2, new() { Phase = "Running", ContainerStatuses = [Running(true, 2, SecondsAgo(30)), Waiting("CrashLoopBackOff", 4)] });
        var cells = Row(pod);
        Assert.Equal(cells[1], PodStatusText.Ready(pod));
        Assert.Equal(cells[2], PodStatusText.Status(pod));
        Assert.Equal("6 (30s ago)", cells[3]);
        Assert.Equal(6, PodStatusText.Restarts(pod));
    }
}
