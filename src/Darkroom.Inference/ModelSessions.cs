using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Darkroom.Core.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace Darkroom.Inference;

/// <summary>
/// Creates each model's session once: file checked against the catalog's SHA-256, execution provider chosen
/// from options with a fallback to CPU that is recorded, not hidden.
/// </summary>
public sealed class ModelSessions(ModelCatalog catalog, IOptions<InferenceOptions> options, ILogger<ModelSessions> logger) : IDisposable
{
    private readonly InferenceOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, Lazy<Task<LoadedModel>>> _sessions = new(StringComparer.Ordinal);
    private volatile ExecutionProviderStatus? _provider;

    public ModelCatalog Catalog => catalog;

    /// <summary>The provider in use, known once a model has loaded.</summary>
    public ExecutionProviderStatus Provider => _provider ?? new ExecutionProviderStatus(_options.ExecutionProvider, "none loaded yet", null);

    public IReadOnlyList<LoadedModel> Loaded =>
        [.. _sessions.Values.Where(l => l.IsValueCreated && l.Value.IsCompletedSuccessfully).Select(l => l.Value.Result)];

    public string ModelPath(ModelSpec spec) => Path.GetFullPath(Path.Combine(_options.ModelDirectory, spec.File));

    public Task<LoadedModel> GetAsync(string id, CancellationToken cancellationToken)
    {
        ModelSpec spec = catalog.Get(id);
        Lazy<Task<LoadedModel>> lazy = _sessions.GetOrAdd(id, _ => new Lazy<Task<LoadedModel>>(() => Task.Run(() => Load(spec), CancellationToken.None)));
        Task<LoadedModel> task = lazy.Value;
        if (task.IsFaulted)
        {
            // A missing file may be installed later: do not remember the failure.
            _sessions.TryRemove(new KeyValuePair<string, Lazy<Task<LoadedModel>>>(id, lazy));
        }

        return task.WaitAsync(cancellationToken);
    }

    private LoadedModel Load(ModelSpec spec)
    {
        var stopwatch = Stopwatch.StartNew();
        string path = ModelPath(spec);
        if (!File.Exists(path))
        {
            throw new DarkroomException(
                ErrorCodes.ModelUnavailable,
                503,
                $"Model '{spec.Id}' is not installed ({path} is missing). Run the README's setup command, or set Darkroom:Inference:ModelDirectory.");
        }

        using SessionOptions sessionOptions = CreateSessionOptions(out ExecutionProviderStatus provider);
        // A model that may be widened is read once, for its hash and the rewrite; any other is hashed as a stream.
        byte[]? contents = provider.Active == "cpu" && _options.WidenHalfModels ? File.ReadAllBytes(path) : null;
        string actual = contents is null ? HashFile(path) : Convert.ToHexStringLower(SHA256.HashData(contents));
        if (!string.Equals(actual, spec.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new DarkroomException(
                ErrorCodes.ModelUnavailable,
                503,
                $"Model '{spec.Id}' at {path} has SHA-256 {actual}, not the catalog's {spec.Sha256}; reinstall it.");
        }

        InferenceSession session;
        if (contents is null)
        {
            session = new InferenceSession(path, sessionOptions);
        }
        else
        {
            session = LoadWidened(spec, path, contents, sessionOptions);
            contents = null;
            // The file and its widened copy (three times the model's size) are garbage now: handed back before the first pass.
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }

        NativeHeap.Trim();

        // A file the catalog describes wrongly is refused with the names it does have, not a crash at first use.
        string? missing = new[] { spec.Input.Name }.Concat(spec.ExtraInputs).FirstOrDefault(name => !session.InputMetadata.ContainsKey(name)) is { } input
            ? $"no input '{input}' (it has {string.Join(", ", session.InputMetadata.Keys)})"
            : !session.OutputMetadata.ContainsKey(spec.Output)
                ? $"no output '{spec.Output}' (it has {string.Join(", ", session.OutputMetadata.Keys)})"
                : null;
        if (missing is not null)
        {
            session.Dispose();
            throw new DarkroomException(ErrorCodes.ModelUnavailable, 503, $"Model '{spec.Id}' at {path} has {missing}; the catalog does not describe this file.");
        }

        _provider = provider;
        var loaded = new LoadedModel(spec, session, provider.Active, stopwatch.Elapsed, _options.OnePassAtATime);
        logger.ModelLoaded(spec.Id, provider.Active, stopwatch.ElapsedMilliseconds);
        // "auto" on a CPU build is not a fallback anyone needs warning about; asking for CUDA and not getting it is.
        if (provider.FallbackReason is not null && (provider.Requested == "cuda" || OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider", StringComparer.Ordinal)))
        {
            logger.ProviderFallback(provider.Requested, provider.FallbackReason);
        }

        return loaded;
    }

    /// <summary>
    /// A model stored in float16 loaded as float32 (<see cref="HalfWidening"/>): the CPU has no half convolution, so ONNX
    /// Runtime would cast around every operator on each pass. Any other model is loaded as it is.
    /// </summary>
    private InferenceSession LoadWidened(ModelSpec spec, string path, byte[] contents, SessionOptions sessionOptions)
    {
        byte[]? widened;
        int halfTensors;
        try
        {
            widened = HalfWidening.Widen(contents, out halfTensors);
        }
        catch (InvalidDataException)
        {
            // Not a protobuf this rewrite can read: ONNX Runtime loads the file itself and says what is wrong with it.
            return new InferenceSession(path, sessionOptions);
        }

        if (widened is null)
        {
            // Nothing in half precision: the bytes already read, as they are.
            return new InferenceSession(contents, sessionOptions);
        }

        var session = new InferenceSession(widened, sessionOptions);
        logger.ModelWidened(spec.Id, halfTensors);
        return session;
    }

    private SessionOptions CreateSessionOptions(out ExecutionProviderStatus provider)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = _options.GraphOptimization switch
            {
                "all" => GraphOptimizationLevel.ORT_ENABLE_ALL,
                "basic" => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                _ => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
            },
            EnableMemoryPattern = _options.MemoryPattern,
            ExecutionMode = _options.ExecutionMode == "parallel" ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = _options.IntraOpThreads > 0 ? _options.IntraOpThreads : Environment.ProcessorCount,
            InterOpNumThreads = _options.InterOpThreads,
            EnableCpuMemArena = _options.CpuMemoryArena,
        };
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", _options.IntraOpSpinning ? "1" : "0");
        sessionOptions.AddSessionConfigEntry("session.inter_op.allow_spinning", _options.IntraOpSpinning ? "1" : "0");

        string requested = _options.ExecutionProvider;
        provider = new ExecutionProviderStatus(requested, "cpu", null);
        if (requested is "cuda" or "auto" && !OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider", StringComparer.Ordinal))
        {
            // Asked first, so a CPU build answers plainly instead of failing an entry-point lookup.
            provider = provider with { FallbackReason = "this ONNX Runtime build has no CUDA execution provider (the CPU package)" };
        }
        else if (requested is "cuda" or "auto")
        {
            try
            {
                sessionOptions.AppendExecutionProvider_CUDA(_options.CudaDeviceId);
                provider = provider with { Active = "cuda" };
            }
            catch (OnnxRuntimeException ex)
            {
                provider = provider with { FallbackReason = $"CUDA unavailable: {ex.Message}" };
            }
            catch (EntryPointNotFoundException ex)
            {
                provider = provider with { FallbackReason = $"CUDA unavailable in this build (CPU ONNX Runtime): {ex.Message}" };
            }
        }

        return sessionOptions;
    }

    private static string HashFile(string path)
    {
        using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public void Dispose()
    {
        foreach (Lazy<Task<LoadedModel>> lazy in _sessions.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                lazy.Value.Result.Dispose();
            }
        }
    }
}
