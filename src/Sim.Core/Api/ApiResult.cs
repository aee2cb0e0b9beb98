namespace Sim.Core.Api;

/// <summary>The outcome of one API request: the object the server returned, or the error it refused with.</summary>
public readonly record struct ApiResult<T> where T : class
{
    private ApiResult(T? value, ApiError? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The returned object; null when the request failed.</summary>
    public T? Value { get; }

    /// <summary>The refusal; null when the request succeeded.</summary>
    public ApiError? Error { get; }

    /// <summary>True when the request succeeded.</summary>
    public bool IsSuccess => Error is null;

    /// <summary>True for 404.</summary>
    public bool IsNotFound => Error?.Code == 404;

    /// <summary>True for 409 Conflict (stale resourceVersion), not AlreadyExists.</summary>
    public bool IsConflict => Error?.Reason == "Conflict";

    /// <summary>True for 409 AlreadyExists.</summary>
    public bool IsAlreadyExists => Error?.Reason == "AlreadyExists";

    /// <summary>The object, or an exception naming the error (for callers that treat failure as a bug).</summary>
    public T Unwrap() => Value ?? throw new InvalidOperationException(Error?.ToString() ?? "no value");

    /// <summary>A success.</summary>
    public static ApiResult<T> Ok(T value) => new(value, null);

    /// <summary>A failure.</summary>
    public static ApiResult<T> Fail(ApiError error) => new(null, error);

    /// <summary>Implicit success.</summary>
    public static implicit operator ApiResult<T>(T value) => Ok(value);

    /// <summary>Implicit failure.</summary>
    public static implicit operator ApiResult<T>(ApiError error) => Fail(error);

    /// <summary>The same outcome with the value viewed as another type.</summary>
    public ApiResult<TOther> Cast<TOther>() where TOther : class =>
        Error is not null ? ApiResult<TOther>.Fail(Error) : ApiResult<TOther>.Ok((TOther)(object)Value!);
}
