using Sim.Controllers.Job;

namespace Sim.Controllers.Tests.Job;

public class OrderedIntervalsTests
{
    [Theory]
    [InlineData("", 10, "")]
    [InlineData("0-4", 10, "0-4")]
    [InlineData("1,2,3,5", 10, "1-3,5")]
    [InlineData("0,1", 10, "0,1")]
    [InlineData("2-8", 5, "2-4")]
    [InlineData("1,x,3-4,7", 6, "1,3,4")]
    public void Parse_ThenToString_KeepsIndexesBelowCompletions(string text, int completions, string expected) =>
        Assert.Equal(expected, OrderedIntervals.Parse(text, completions).ToString());

    [Fact]
    public void WithOrderedIndexes_MergesAdjacentAndOverlappingRuns()
    {
        var set = OrderedIntervals.Parse("0,2,5-6", 10).WithOrderedIndexes([1, 3, 7, 9]);
        Assert.Equal("0-3,5-7,9", set.ToString());
        Assert.Equal(8, set.Total);
        Assert.True(set.Has(6));
        Assert.False(set.Has(4));
        Assert.False(set.Has(8));
    }

    [Fact]
    public void Merge_OfTwoSets_IsTheirUnion() =>
        Assert.Equal("0-5", OrderedIntervals.Parse("0-1,4", 9).Merge(OrderedIntervals.Parse("2-3,5", 9)).ToString());
}
