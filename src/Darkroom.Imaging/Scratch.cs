namespace Darkroom.Imaging;

/// <summary>
/// Planes one worker reuses from tile to tile. A 12 MP refinement solves a few hundred tiles, each with some thirty
/// float planes of 130–170 KB — over the large-object threshold, so every one went to the large-object heap and lived
/// until a full collection: 500 MiB allocated per refinement, three to four gen-2 collections each, and the garbage
/// between them held as resident memory. A plane taken here is the exact length asked for (the tiles' code reads
/// lengths off its arrays) and stays valid until <see cref="Reset"/>, which the worker calls before its next tile.
/// </summary>
internal sealed class Scratch
{
    private readonly Dictionary<(Type Type, int Length), Stack<Array>> _free = [];
    private readonly List<Array> _lent = [];

    /// <summary>A plane of <paramref name="length"/> elements; zeroed only when <paramref name="clear"/> (otherwise it holds an earlier tile's values).</summary>
    public T[] Take<T>(int length, bool clear = false)
        where T : struct
    {
        T[] plane;
        if (_free.TryGetValue((typeof(T), length), out Stack<Array>? stack) && stack.TryPop(out Array? kept))
        {
            plane = (T[])kept;
            if (clear)
            {
                Array.Clear(plane);
            }
        }
        else
        {
            plane = new T[length];
        }

        _lent.Add(plane);
        return plane;
    }

    /// <summary>Takes back every plane lent since the last reset.</summary>
    public void Reset()
    {
        foreach (Array plane in _lent)
        {
            (Type, int) key = (plane.GetType().GetElementType()!, plane.Length);
            if (!_free.TryGetValue(key, out Stack<Array>? stack))
            {
                stack = new Stack<Array>();
                _free[key] = stack;
            }

            stack.Push(plane);
        }

        _lent.Clear();
    }

    /// <summary>A plane from <paramref name="scratch"/> when there is one, else a new zeroed array.</summary>
    public static T[] Plane<T>(Scratch? scratch, int length, bool clear = false)
        where T : struct => scratch?.Take<T>(length, clear) ?? new T[length];
}
