namespace Sim.Controllers.Scheduler.Framework;

/// <summary>plugins/helper's score normalization, shared by score plugins.</summary>
internal static class Normalize
{
    /// <summary>framework.MaxNodeScore: the best normalized score.</summary>
    public const long MaxNodeScore = 100;

    /// <summary>helper.DefaultNormalizeScore: scale to 0..100 by the highest score; reversed, fewer is better.</summary>
    public static void DefaultNormalizeScore(Span<long> scores, bool reverse)
    {
        long max = 0;
        foreach (var s in scores) max = Math.Max(max, s);
        if (max == 0)
        {
            if (reverse) scores.Fill(MaxNodeScore);
            return;
        }
        for (var i = 0; i < scores.Length; i++)
        {
            var s = MaxNodeScore * scores[i] / max;
            scores[i] = reverse ? MaxNodeScore - s : s;
        }
    }
}
