namespace Sim.Fuzz.Tests;

/// <summary>The hostile values, fields and characters mutations draw from (issue 8's list, and what each class found).</summary>
internal static class Palette
{
    public static readonly string[] Nulls = ["~", "null", "", "[~]", "[null, ~]", "{a: ~}", "[{}]", "[]", "{}", "[~, {name: x}]", "!!null x"];

    public static readonly string[] WrongTypes =
        ["[1, 2]", "{x: 1}", "true", "yes", "no", "on", "\"3\"", "'on'", "1.5", "0x1F", "0o17", ".inf", "-.inf", ".nan", "2025-01-01", "[[[]]]", "{a: {b: {c: d}}}"];

    public static readonly string[] Numbers =
    [
        "-1", "0", "1", "3", "100000", "2147483647", "2147483648", "-2147483649", "4294967296", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "18446744073709551616", "99999999999999999999", "1e308", "1e999",
        "-0", "1e-9", "00012", "1_000", "12345678901234567890123456789012345678901234567890", "NaN", "0.5", "-7",
    ];

    public static readonly string[] Durations =
        ["0s", "-5s", "1ns", "2562047h", "2562048h", "100000h", "8785h", "9999999999999999999s", "1.5h", "5", "5 m", "1h-1m", "99999999999999999999h", "1e3s", "0.0000001s"];

    public static readonly string[] Quantities =
        ["9223372036854775807", "99999999999999999999Ei", "1e30", "-1", "0.0000001m", "1Ki", "500m", "8E", "1e999", "0", "1.5.5", "12ki", "+1", "1e-30", "9Ei"];

    public static readonly string[] Strings =
    [
        "ünïcödé", "名前", "😀", "\"\\u200b\"", "\"a\\u2028b\"", "\"a\\nb\"", "\"a\\tb\"", "\"\\x01\"", "\"\\0\"", "''", "\"   \"", "UPPER",
        "a/b/c", "-leading", "trailing-", "'*'", "'%'", "'@x'", "'`'", "\"" + new string('x', 300) + "\"", new string('y', 70), "a..b",
        "kube-system", "default", "nginx", "node-1", "app=nginx", "app in (a,b", "!app", "\"sleep 1e30\"", "\"sleep 99999999999999999999\"",
        new string('z', 100_000),
    ];

    public static readonly string[] Anchors =
        ["&a x", "*a", "*undefined", "&a [*a]", "!!binary AAAA", "!!binary '###'", "!!str 1", "!!int x", "!!float y", "!custom x", "&b {k: v}", "*b", "<<: *b"];

    public static readonly string[] Commands =
    [
        "[sleep, \"99999999999999999999\"]", "[sh, -c, \"sleep 1e30\"]", "[sleep, inf]", "[\"false\"]", "[sh, -c, 'exit 300']",
        "[sleep, \"-5\"]", "[sleep, \"9223372036854775807\"]", "[sh, -c, 'sleep 1.5; exit 3']", "[]", "[~]", "[sleep, 1e18]",
    ];

    /// <summary>Every value, as one list to draw from.</summary>
    public static readonly string[] Values = [.. Nulls, .. WrongTypes, .. Numbers, .. Durations, .. Quantities, .. Strings, .. Anchors, .. Commands];

    /// <summary>Fields of the manifests and of the scenario format that carry numbers, times, names or lists.</summary>
    public static readonly string[] Fields =
    [
        "terminationGracePeriodSeconds", "activeDeadlineSeconds", "tolerationSeconds", "replicas", "minReadySeconds", "progressDeadlineSeconds",
        "revisionHistoryLimit", "parallelism", "completions", "backoffLimit", "maxReplicas", "minReplicas", "priority", "hostPort",
        "containerPort", "cpu", "memory", "count", "duration", "at", "seed", "start", "mayFail", "gracePeriodSeconds", "exitCode", "pods",
        "labels", "annotations", "finalizers", "ownerReferences", "deletionTimestamp", "generateName", "namespace", "taints", "nodeName",
        "schedule", "startingDeadlineSeconds", "suspend", "volumeClaimTemplates", "metrics", "tolerations", "command", "args", "env",
        "volumeMounts", "volumes", "resources", "limits", "requests", "nodeSelector", "affinity", "preStop", "lifecycle", "selector",
        "matchLabels", "matchExpressions", "priorityClassName", "hostNetwork", "initContainers", "image", "name", "kind", "apiVersion",
        "items", "steps", "expect", "apply", "delete", "scale", "setImage", "rollback", "killContainer", "cluster", "nodes", "controlPlane",
        "kubesim.io/exit-after", "kubesim.io/exit-code", "kubesim.io/cpu", "kubesim.io/image-pull", "periodSeconds", "initialDelaySeconds",
        "timeoutSeconds", "failureThreshold", "successThreshold", "readinessProbe", "livenessProbe", "startupProbe", "ttlSecondsAfterFinished",
        "successfulJobsHistoryLimit", "failedJobsHistoryLimit", "maxSurge", "maxUnavailable", "partition", "podManagementPolicy",
    ];

    /// <summary>Characters that mean something to YAML, or to a terminal.</summary>
    public static readonly char[] Chars = [':', '-', '[', ']', '{', '}', '"', '\'', '#', '&', '*', '|', '>', '%', '@', '`', '!', ',', '?', ' ', '\t', '\0', '\u0085', '\u2028', '\\', '\r'];

    /// <summary>Indentation changes.</summary>
    public static readonly int[] Shifts = [-4, -2, -1, 1, 2, 4];
}
