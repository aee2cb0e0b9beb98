namespace Sim.Cli.Tests;

/// <summary>
/// Null list items and map values, end to end: kubesim validates them as kube-apiserver's decoder reads them (zero
/// values), and the ones that stay valid run through the scheduler, the kubelet and the printers.
/// </summary>
public class NullInputTests
{
    private static (int Exit, string Out, string Err) Invoke(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var exit = Program.Invoke(args, o, e);
        return (exit, o.ToString(), e.ToString());
    }

    [Fact]
    public void Validate_NullContainerAndLabelValue_ExitsTwoWithRequiredValues()
    {
        var file = Cli.Write("apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {a: ~}}\nspec:\n  containers: [~]\n");

        var (exit, stdout, stderr) = Invoke("validate", file);

        Assert.Equal((2, ""), (exit, stdout));
        Assert.Equal(
            $"{file}:5:16: The Pod \"p\" is invalid: spec.containers[0].name: Required value\n" +
            $"{file}:5:16: The Pod \"p\" is invalid: spec.containers[0].image: Required value\n",
            stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Validate_JsonNullsInArrays_ExitsTwoAtTheElement()
    {
        var file = Cli.Write("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","finalizers":["example.com/x"]},"spec":{"containers":[{"name":"c","image":"nginx","volumeMounts":[null]}]}}""", ".json");

        var (exit, _, stderr) = Invoke("validate", file);

        Assert.Equal(2, exit);
        Assert.Contains($"{file}:1:154: The Pod \"p\" is invalid: spec.containers[0].volumeMounts[0].name: Required value", stderr);
        Assert.DoesNotContain("internal error", stderr);
    }

    [Fact]
    public void Run_InlineManifestWithNullContainer_ExitsTwoNotInternalError()
    {
        var file = Cli.Write("""
            name: nulls
            cluster: {nodes: {count: 1}}
            steps:
              - at: 0s
                apply: {apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, spec: {selector: {matchLabels: {app: d}}, template: {metadata: {labels: {app: d}}, spec: {containers: [~]}}}}
            """);

        var (exit, stdout, stderr) = Invoke("run", file);

        Assert.Equal((2, ""), (exit, stdout));
        Assert.Contains($"{file}:5:176: The Deployment \"d\" is invalid: spec.template.spec.containers[0].name: Required value", stderr);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public void Run_NullsThatStayValid_AreScheduledRunAndPrinted(string output)
    {
        var file = Cli.Write("""
            name: valid-nulls
            duration: 1m
            cluster: {nodes: {count: 2}}
            steps:
              - at: 0s
                apply:
                  apiVersion: apps/v1
                  kind: Deployment
                  metadata: {name: web, labels: {team: ~}, annotations: {note: ~}}
                  spec:
                    replicas: 2
                    selector: {matchLabels: {app: web}}
                    template:
                      metadata: {labels: {app: web, tier: ~}, annotations: {kubesim.io/cpu: ~}}
                      spec:
                        tolerations: [{operator: Exists}]
                        containers:
                        - name: c
                          image: nginx
                          args: [~]
                          env: [{name: A, value: ~}]
                          resources: {requests: {cpu: ~, memory: ~}, limits: {memory: 64Mi}}
              - at: 0s
                apply: {apiVersion: v1, kind: Pod, metadata: {name: pinned}, spec: {nodeSelector: {disk: ~}, containers: [{name: c, image: nginx}]}}
              - at: 30s
                expect:
                  - pods: {selector: "app=web,tier=", phase: Running}
                    count: 2
                  - object: {kind: Pod, name: pinned}
                    field: status.phase
                    equals: Pending
            """);

        var (exit, stdout, stderr) = Invoke("run", file, "--output", output);

        Assert.Equal("", stderr);
        Assert.Equal(0, exit);
        Assert.NotEqual("", stdout);
    }
}
