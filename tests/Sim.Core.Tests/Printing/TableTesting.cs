using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Manifests;
using Sim.Core.Printing.Tables;
using Sim.Core.Time;

namespace Sim.Core.Tests.Printing;

/// <summary>Shortcuts for the printing tests: print one object, read a seed manifest, build timestamps.</summary>
internal static class TableTesting
{
    /// <summary>The instant the tests print at: ten minutes after the default start.</summary>
    public static readonly SimTime Now = SimTime.DefaultStart + SimDuration.FromMinutes(10);

    /// <summary>A timestamp <paramref name="ago"/> before <see cref="Now"/>.</summary>
    public static DateTime Ago(SimDuration ago) => (Now - ago).ToKubeTime();

    public static DateTime SecondsAgo(long s) => Ago(SimDuration.FromSeconds(s));

    /// <summary>The one row's cells of <paramref name="obj"/>'s table at <paramref name="now"/> (default <see cref="Now"/>).</summary>
    public static object[] Row(KubeObject obj, SimTime? now = null) =>
        TablePrinters.Print(ResourceKinds.ForType(obj.GetType()), [obj], now ?? Now).Rows!.Single().Cells.ToArray();

    /// <summary>The cells kubectl shows without <c>-o wide</c>.</summary>
    public static object[] NarrowRow(KubeObject obj, SimTime? now = null)
    {
        var table = TablePrinters.Print(ResourceKinds.ForType(obj.GetType()), [obj], now ?? Now);
        return table.Rows!.Single().Cells.Where((_, i) => table.ColumnDefinitions![i].Priority == 0).ToArray();
    }

    /// <summary>A seed manifest's object, before the API server has seen it.</summary>
    public static T Seed<T>(string file) where T : class =>
        (T)ManifestLoader.LoadFile(Path.Combine(Some.SeedManifestDirectory, file)).Documents.Single().Object;

    /// <summary>A seed manifest created through a fresh API server: defaulted as kube-apiserver defaults it.</summary>
    public static T Created<T>(string file) where T : class, KubeObject => (T)Some.Server().Create(Seed<T>(file)).Unwrap();
}
