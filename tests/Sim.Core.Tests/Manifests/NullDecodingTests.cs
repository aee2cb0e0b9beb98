using k8s.Models;
using Sim.Core.Manifests;

namespace Sim.Core.Tests.Manifests;

/// <summary>
/// A <c>~</c>, <c>null</c> or empty item where a list element or a map value belongs decodes as kube-apiserver's
/// encoding/json decodes it (the element type's zero value), and validation then speaks about that zero value.
/// </summary>
public class NullDecodingTests
{
    private static ManifestDocument Load(string text, string file = "m.yaml")
    {
        var result = ManifestLoader.LoadText(text, file);
        Assert.Empty(result.Errors);
        return Assert.Single(result.Documents);
    }

    private static string[] Validate(string text, string file = "m.yaml") =>
        ManifestValidator.Validate(ManifestLoader.LoadText(text, file), Some.Server()).Select(e => e.ToString()).ToArray();

    [Fact]
    public void NullContainerIsRequiredValueNotACrash()
    {
        var text = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p, labels: {a: ~}}
            spec:
              containers: [~]
            """;
        Assert.Equal(
            [
                "p.yaml:5:16: The Pod \"p\" is invalid: spec.containers[0].name: Required value",
                "p.yaml:5:16: The Pod \"p\" is invalid: spec.containers[0].image: Required value",
            ],
            Validate(text, "p.yaml"));
    }

    [Theory]
    [InlineData("[~]")]
    [InlineData("[null]")]
    [InlineData("\n  -\n")]
    [InlineData("\n  - \n")]
    public void NullListItemOfStructs_DecodesAsAnEmptyStruct(string containers)
    {
        var doc = Load("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n containers: " + containers);
        var container = Assert.Single(((V1Pod)doc.Object).Spec.Containers);
        Assert.NotNull(container);
        Assert.Null(container.Name);
        Assert.Equal("spec.containers[0]", doc.Positions.Keys.Single(k => k.StartsWith("spec.containers[", StringComparison.Ordinal)));
    }

    [Fact]
    public void NullMapValuesOfStrings_DecodeAsEmptyStrings()
    {
        var doc = Load("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c, labels: {a: ~}, annotations: {b: null, c: }}
            data: {d: ~}
            """);
        var cm = (V1ConfigMap)doc.Object;
        Assert.Equal("", cm.Metadata.Labels["a"]);
        Assert.Equal("", cm.Metadata.Annotations["b"]);
        Assert.Equal("", cm.Metadata.Annotations["c"]);
        Assert.Equal("", cm.Data["d"]);
    }

    [Fact]
    public void NullQuantity_DecodesAsZero()
    {
        var doc = Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
              - name: c
                image: nginx
                resources: {requests: {cpu: ~, memory: 64Mi}}
            """);
        var requests = ((V1Pod)doc.Object).Spec.Containers[0].Resources.Requests;
        Assert.Equal("0", requests["cpu"].ToString());
        Assert.Equal("64Mi", requests["memory"].ToString());
    }

    [Fact]
    public void NullScalarListItems_DecodeAsZeroValues()
    {
        var doc = Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, finalizers: [~]}
            spec:
              securityContext: {supplementalGroups: [~, 5]}
              containers:
              - name: c
                image: busybox
                command: [sleep, ~]
                args:
                -
            """);
        var pod = (V1Pod)doc.Object;
        Assert.Equal([""], pod.Metadata.Finalizers);
        Assert.Equal([0L, 5L], pod.Spec.SecurityContext.SupplementalGroups);
        Assert.Equal(["sleep", ""], pod.Spec.Containers[0].Command);
        Assert.Equal([""], pod.Spec.Containers[0].Args);
    }

    [Fact]
    public void NullBytesMapValue_DecodesAsNoBytes()
    {
        var secret = (V1Secret)Load("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: ~}\n").Object;
        Assert.Empty(secret.Data["a"]);
    }

    [Fact]
    public void JsonNullInAnArray_DecodesAsTheZeroValue()
    {
        var doc = Load("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"j","labels":{"a":null}},"spec":{"containers":[null]}}""", "p.json");
        var pod = (V1Pod)doc.Object;
        Assert.Equal("", pod.Metadata.Labels["a"]);
        Assert.NotNull(Assert.Single(pod.Spec.Containers));
    }

    [Fact]
    public void NullField_IsAbsent()
    {
        var pod = (V1Pod)Load("apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: ~}\nspec: {containers: ~, securityContext: ~}\n").Object;
        Assert.Null(pod.Metadata.Labels);
        Assert.Null(pod.Spec.Containers);
        Assert.Null(pod.Spec.SecurityContext);
    }

    private const string QualifiedNameRegexMessage =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    [Fact]
    public void NullVolumeIsRequiredValueNotACrash()
    {
        var text = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              volumes: [~]
              containers: [{name: c, image: nginx}]
            """;
        // SetDefaults_Volume makes a volume with no source an emptyDir, so only its name is missing.
        Assert.Equal(["m.yaml:5:13: The Pod \"p\" is invalid: spec.volumes[0].name: Required value"], Validate(text));
    }

    [Fact]
    public void NullVolumeMount_IsRequiredAndNotFoundLikeUpstream()
    {
        var text = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
              - name: c
                image: nginx
                volumeMounts: [~]
            """;
        Assert.Equal(
            [
                "m.yaml:8:20: The Pod \"p\" is invalid: spec.containers[0].volumeMounts[0].name: Required value",
                "m.yaml:8:20: The Pod \"p\" is invalid: spec.containers[0].volumeMounts[0].name: Not found: \"\"",
                "m.yaml:8:20: The Pod \"p\" is invalid: spec.containers[0].volumeMounts[0].mountPath: Required value",
            ],
            Validate(text));
    }

    [Fact]
    public void NullEnvEntries_AreRefusedLikeUpstream()
    {
        var text = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
              - name: c
                image: nginx
                env: [~]
                envFrom: [~]
            """;
        Assert.Equal(
            [
                "m.yaml:8:11: The Pod \"p\" is invalid: spec.containers[0].env[0].name: Required value",
                "m.yaml:9:5: The Pod \"p\" is invalid: spec.containers[0].envFrom: Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`",
            ],
            Validate(text));
    }

    [Fact]
    public void NullFinalizer_IsRefusedWithUpstreamsThreeMessages()
    {
        Assert.Equal(
            [
                "m.yaml:3:21: The ConfigMap \"c\" is invalid: metadata.finalizers: Invalid value: \"\": name part must be non-empty",
                "m.yaml:3:21: The ConfigMap \"c\" is invalid: metadata.finalizers: Invalid value: \"\": name part " + QualifiedNameRegexMessage,
                "m.yaml:3:34: The ConfigMap \"c\" is invalid: metadata.finalizers[0]: Invalid value: \"\": name is neither a standard finalizer name nor is it fully qualified",
            ],
            Validate("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, finalizers: [~]}\n"));
    }

    [Fact]
    public void NullSelectorRequirement_IsAnInvalidLabelSelectorNotACrash()
    {
        var text = """
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata: {name: rs}
            spec:
              selector:
                matchLabels: {app: rs}
                matchExpressions: [~]
              template:
                metadata: {labels: {app: rs}}
                spec: {containers: [{name: c, image: nginx}]}
            """;
        Assert.Equal(
            [
                "m.yaml:7:24: The ReplicaSet \"rs\" is invalid: spec.selector.matchExpressions[0].operator: Invalid value: \"\": not a valid selector operator",
                "m.yaml:7:24: The ReplicaSet \"rs\" is invalid: spec.selector.matchExpressions[0].key: Invalid value: \"\": name part must be non-empty",
                "m.yaml:7:24: The ReplicaSet \"rs\" is invalid: spec.selector.matchExpressions[0].key: Invalid value: \"\": name part " + QualifiedNameRegexMessage,
                "m.yaml:5:3: The ReplicaSet \"rs\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"rs\"}, MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:\"\", Operator:\"\", Values:[]string(nil)}}}: invalid label selector",
            ],
            Validate(text));
    }

    [Fact]
    public void NullPodAffinityTerms_AreRefusedNotLeftToCrashTheScheduler()
    {
        var text = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers: [{name: c, image: nginx}]
              affinity:
                podAntiAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution: [~]
                  preferredDuringSchedulingIgnoredDuringExecution: [~]
            """;
        const string required = "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]";
        const string preferred = "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]";
        Assert.Equal(
            [
                $"m.yaml:8:56: The Pod \"p\" is invalid: {required}.topologyKey: Required value: can not be empty",
                $"m.yaml:8:56: The Pod \"p\" is invalid: {required}.topologyKey: Invalid value: \"\": name part must be non-empty",
                $"m.yaml:8:56: The Pod \"p\" is invalid: {required}.topologyKey: Invalid value: \"\": name part " + QualifiedNameRegexMessage,
                $"m.yaml:9:57: The Pod \"p\" is invalid: {preferred}.weight: Invalid value: 0: must be in the range 1-100",
                $"m.yaml:9:57: The Pod \"p\" is invalid: {preferred}.podAffinityTerm.topologyKey: Required value: can not be empty",
                $"m.yaml:9:57: The Pod \"p\" is invalid: {preferred}.podAffinityTerm.topologyKey: Invalid value: \"\": name part must be non-empty",
                $"m.yaml:9:57: The Pod \"p\" is invalid: {preferred}.podAffinityTerm.topologyKey: Invalid value: \"\": name part " + QualifiedNameRegexMessage,
            ],
            Validate(text));
    }

    [Fact]
    public void NullNodeAffinityEntries_AreRefusedLikeUpstream()
    {
        var text = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers: [{name: c, image: nginx}]
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms: [{matchExpressions: [~]}]
                  preferredDuringSchedulingIgnoredDuringExecution: [~]
            """;
        const string term = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]";
        Assert.Equal(
            [
                $"m.yaml:9:49: The Pod \"p\" is invalid: {term}.operator: Invalid value: \"\": not a valid selector operator",
                $"m.yaml:9:49: The Pod \"p\" is invalid: {term}.key: Invalid value: \"\": name part must be non-empty",
                $"m.yaml:9:49: The Pod \"p\" is invalid: {term}.key: Invalid value: \"\": name part " + QualifiedNameRegexMessage,
                "m.yaml:10:57: The Pod \"p\" is invalid: spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100",
            ],
            Validate(text));
    }

    [Fact]
    public void NullTopologySpreadConstraint_IsRefusedLikeUpstream()
    {
        var text = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers: [{name: c, image: nginx}]
              topologySpreadConstraints: [~]
            """;
        Assert.Equal(
            [
                "m.yaml:6:31: The Pod \"p\" is invalid: spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero",
                "m.yaml:6:31: The Pod \"p\" is invalid: spec.topologySpreadConstraints[0].topologyKey: Required value: can not be empty",
                "m.yaml:6:31: The Pod \"p\" is invalid: spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: \"\": supported values: \"DoNotSchedule\", \"ScheduleAnyway\"",
            ],
            Validate(text));
    }

    [Fact]
    public void NullMetric_IsRequiredTypeNotACrash()
    {
        var text = """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: h}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
              maxReplicas: 3
              metrics: [~]
            """;
        Assert.Equal(
            [
                "m.yaml:7:13: The HorizontalPodAutoscaler \"h\" is invalid: spec.metrics[0].type: Required value: must specify a metric source type",
                "m.yaml:7:13: The HorizontalPodAutoscaler \"h\" is invalid: spec.metrics[0].type: Unsupported value: \"\": supported values: \"ContainerResource\", \"External\", \"Object\", \"Pods\", \"Resource\"",
            ],
            Validate(text));
    }

    [Fact]
    public void NullServicePort_IsRefusedWithItsDefaultedTargetPort()
    {
        var text = """
            apiVersion: v1
            kind: Service
            metadata: {name: s}
            spec:
              ports: [~]
            """;
        Assert.Equal(
            [
                "m.yaml:5:11: The Service \"s\" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                "m.yaml:5:11: The Service \"s\" is invalid: spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
            ],
            Validate(text));
    }

    [Fact]
    public void NullsThatStayValid_AreAcceptedAsZeroValues()
    {
        var text = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d, annotations: {note: ~}}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web, tier: ~}}
                spec:
                  nodeSelector: {disk: ~}
                  tolerations: [{operator: Exists}]
                  containers:
                  - name: c
                    image: busybox
                    command: [sleep, ~]
                    resources: {requests: {cpu: ~}}
            """;
        Assert.Empty(Validate(text));
    }
}
