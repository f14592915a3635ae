using System.Buffers.Binary;

namespace Darkroom.Inference;

/// <summary>
/// Rewrites an ONNX model stored in half precision (float16 weights and activations, as "fp16" exports with float32
/// inputs and outputs are) into the same graph in float32, in memory, before ONNX Runtime loads it. The CPU execution
/// provider has no float16 convolution: given the half model it wraps every convolution in casts and keeps the ops that
/// do have half kernels (concatenation, resizing) in half, so each pass converts activations back and forth (ISNet:
/// 349 casts, about a ninth of a pass) and runs those ops without vector code. Widened, the weights are the same
/// values (every half is exactly a float), activations are not rounded to half between operators, and the casts the
/// export put in become float-to-float casts ONNX Runtime removes.
/// </summary>
/// <remarks>
/// Works on the protobuf wire format directly (field numbers from onnx.proto): tensors of element type FLOAT16
/// (initializers, constants, attribute tensors) become FLOAT with their values converted; the <c>to</c> attribute of
/// Cast nodes and the element type of every declared value (graph inputs, outputs, value_info) go from FLOAT16 to
/// FLOAT. Everything else is copied byte for byte. Models with external data or sub-graphs in attributes are left
/// alone (<see cref="Widen"/> returns null), as are models with no half tensor at all.
/// </remarks>
public static class HalfWidening
{
    private const int Float = 1;
    private const int Float16 = 10;

    // ModelProto
    private const int ModelGraph = 7;

    // GraphProto
    private const int GraphNode = 1;
    private const int GraphInitializer = 5;
    private const int GraphInput = 11;
    private const int GraphOutput = 12;
    private const int GraphValueInfo = 13;

    // NodeProto
    private const int NodeOpType = 4;
    private const int NodeAttribute = 5;

    // AttributeProto
    private const int AttributeName = 1;
    private const int AttributeInt = 3;
    private const int AttributeTensor = 5;
    private const int AttributeGraph = 6;
    private const int AttributeTensors = 10;
    private const int AttributeGraphs = 11;

    // TensorProto
    private const int TensorDataType = 2;
    private const int TensorInt32Data = 5;
    private const int TensorRawData = 9;
    private const int TensorExternalData = 13;

    // ValueInfoProto, TypeProto, TypeProto.Tensor
    private const int ValueInfoType = 2;
    private const int TypeTensor = 1;
    private const int TensorTypeElemType = 1;

    /// <summary>The model widened to float32, or null when it holds no float16 tensor or cannot be rewritten safely.</summary>
    /// <param name="halfTensors">How many float16 tensors the model holds (initializers, constants): what was converted.</param>
    /// <exception cref="InvalidDataException">The bytes are not a protobuf this rewrite can read.</exception>
    public static byte[]? Widen(byte[] model, out int halfTensors)
    {
        try
        {
            return WidenReadable(model, out halfTensors);
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            // A length or varint that runs past its message: truncated or not a model.
            throw new InvalidDataException("The bytes are not an ONNX protobuf this rewrite can read (a field runs past its message).", ex);
        }
    }

    private static byte[]? WidenReadable(byte[] model, out int halfTensors)
    {
        // A counting pass first: the widened size (so the result is written once, into an array of exactly that size,
        // without a growing buffer twice the model's size), and whether there is anything to do.
        var counter = new Sink(null);
        Walk(model, Kind.Model, counter);
        halfTensors = counter.HalfTensors;
        if (counter.Unsupported || counter.HalfTensors == 0)
        {
            return null;
        }

        byte[] widened = new byte[counter.Position];
        var writer = new Sink(widened);
        Walk(model, Kind.Model, writer);
        return writer.Position == widened.Length ? widened : throw new InvalidOperationException("The widened model's size changed between passes.");
    }

    private enum Kind
    {
        Model,
        Graph,
        Node,
        CastNode,
        Attribute,
        CastAttribute,
        Tensor,
        ValueInfo,
        Type,
        TensorType,
    }

    /// <summary>Where rewritten bytes go: an array of the right size, or nowhere (counting only).</summary>
    private sealed class Sink(byte[]? buffer)
    {
        public long Position { get; private set; }

        public int HalfTensors { get; set; }

        public bool Unsupported { get; set; }

        public bool Counting => buffer is null;

        public void Write(ReadOnlySpan<byte> bytes)
        {
            if (buffer is not null)
            {
                bytes.CopyTo(buffer.AsSpan(checked((int)Position)));
            }

            Position += bytes.Length;
        }

        /// <summary>Counts bytes a nested counting walk has measured.</summary>
        public void Advance(long count) => Position += count;

        public void WriteVarint(ulong value)
        {
            Span<byte> bytes = stackalloc byte[10];
            int length = 0;
            while (value >= 0x80)
            {
                bytes[length++] = (byte)(value | 0x80);
                value >>= 7;
            }

            bytes[length++] = (byte)value;
            Write(bytes[..length]);
        }

        public void WriteHalvesAsFloats(ReadOnlySpan<byte> raw, List<ushort>? halves, int count)
        {
            if (buffer is not null)
            {
                Span<byte> target = buffer.AsSpan(checked((int)Position), count * 4);
                for (int i = 0; i < count; i++)
                {
                    ushort bits = halves is null ? BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]) : halves[i];
                    BinaryPrimitives.WriteSingleLittleEndian(target[(4 * i)..], (float)BitConverter.UInt16BitsToHalf(bits));
                }
            }

            Position += count * 4L;
        }
    }

    private static void Walk(ReadOnlySpan<byte> message, Kind kind, Sink sink)
    {
        if (kind == Kind.Tensor)
        {
            TensorMessage(message, sink);
            return;
        }

        if (kind == Kind.Node && OpType(message) == "Cast")
        {
            kind = Kind.CastNode;
        }

        if (kind == Kind.CastAttribute && AttributeNameOf(message) != "to")
        {
            kind = Kind.Attribute;
        }

        int position = 0;
        while (position < message.Length)
        {
            int start = position;
            ulong key = ReadVarint(message, ref position);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            if (wire == 2)
            {
                int length = checked((int)ReadVarint(message, ref position));
                ReadOnlySpan<byte> body = message.Slice(position, length);
                position += length;
                if (Child(kind, field) is { } child)
                {
                    // The child's widened length first (a counting walk), then the child itself.
                    var size = new Sink(null);
                    Walk(body, child, size);
                    sink.WriteVarint(key);
                    sink.WriteVarint((ulong)size.Position);
                    if (sink.Counting)
                    {
                        sink.HalfTensors += size.HalfTensors;
                        sink.Unsupported |= size.Unsupported;
                        sink.Advance(size.Position);
                    }
                    else
                    {
                        Walk(body, child, sink);
                    }

                    continue;
                }

                if (kind is Kind.Attribute or Kind.CastAttribute && field is AttributeGraph or AttributeGraphs)
                {
                    // A sub-graph (If, Loop, Scan) would need its own walk; such models are left as they are.
                    sink.Unsupported = true;
                }

                sink.Write(message[start..position]);
                continue;
            }

            if (wire == 0)
            {
                ulong value = ReadVarint(message, ref position);
                bool typeField = (kind == Kind.TensorType && field == TensorTypeElemType) || (kind == Kind.CastAttribute && field == AttributeInt);
                if (typeField && value == Float16)
                {
                    sink.WriteVarint(key);
                    sink.WriteVarint(Float);
                    continue;
                }

                sink.Write(message[start..position]);
                continue;
            }

            Skip(message, wire, ref position);
            sink.Write(message[start..position]);
        }
    }

    /// <summary>Which fields of a message this rewrite walks into, and as what.</summary>
    private static Kind? Child(Kind parent, int field) => (parent, field) switch
    {
        (Kind.Model, ModelGraph) => Kind.Graph,
        (Kind.Graph, GraphNode) => Kind.Node,
        (Kind.Graph, GraphInitializer) => Kind.Tensor,
        (Kind.Graph, GraphInput or GraphOutput or GraphValueInfo) => Kind.ValueInfo,
        (Kind.Node, NodeAttribute) => Kind.Attribute,
        (Kind.CastNode, NodeAttribute) => Kind.CastAttribute,
        (Kind.Attribute or Kind.CastAttribute, AttributeTensor or AttributeTensors) => Kind.Tensor,
        (Kind.ValueInfo, ValueInfoType) => Kind.Type,
        (Kind.Type, TypeTensor) => Kind.TensorType,
        _ => null,
    };

    /// <summary>A TensorProto: float16 data rewritten as float32 raw data, anything else copied.</summary>
    private static void TensorMessage(ReadOnlySpan<byte> message, Sink sink)
    {
        int dataType = 0;
        bool external = false;
        int position = 0;
        while (position < message.Length)
        {
            ulong key = ReadVarint(message, ref position);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            if (wire == 0 && field == TensorDataType)
            {
                dataType = (int)ReadVarint(message, ref position);
                continue;
            }

            external |= field == TensorExternalData;
            Skip(message, wire, ref position);
        }

        if (dataType != Float16 || external)
        {
            sink.Unsupported |= dataType == Float16;
            sink.Write(message);
            return;
        }

        sink.HalfTensors++;
        List<ushort>? halves = null;
        ReadOnlySpan<byte> raw = default;
        position = 0;
        while (position < message.Length)
        {
            int start = position;
            ulong key = ReadVarint(message, ref position);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            if (field == TensorDataType)
            {
                ReadVarint(message, ref position);
                sink.WriteVarint(key);
                sink.WriteVarint(Float);
                continue;
            }

            if (field == TensorRawData && wire == 2)
            {
                int length = checked((int)ReadVarint(message, ref position));
                raw = message.Slice(position, length);
                position += length;
                continue;
            }

            if (field == TensorInt32Data)
            {
                // float16 values stored one per int32 element (the low 16 bits), packed or not.
                halves ??= [];
                if (wire == 2)
                {
                    int length = checked((int)ReadVarint(message, ref position));
                    int end = position + length;
                    while (position < end)
                    {
                        halves.Add((ushort)ReadVarint(message, ref position));
                    }
                }
                else
                {
                    halves.Add((ushort)ReadVarint(message, ref position));
                }

                continue;
            }

            Skip(message, wire, ref position);
            sink.Write(message[start..position]);
        }

        int count = halves?.Count ?? raw.Length / 2;
        sink.WriteVarint(((ulong)TensorRawData << 3) | 2);
        sink.WriteVarint((ulong)count * 4);
        sink.WriteHalvesAsFloats(raw, halves, count);
    }

    private static string? OpType(ReadOnlySpan<byte> node) => StringField(node, NodeOpType);

    private static string? AttributeNameOf(ReadOnlySpan<byte> attribute) => StringField(attribute, AttributeName);

    private static string? StringField(ReadOnlySpan<byte> message, int wanted)
    {
        int position = 0;
        while (position < message.Length)
        {
            ulong key = ReadVarint(message, ref position);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            if (field == wanted && wire == 2)
            {
                int length = checked((int)ReadVarint(message, ref position));
                return System.Text.Encoding.UTF8.GetString(message.Slice(position, length));
            }

            Skip(message, wire, ref position);
        }

        return null;
    }

    private static void Skip(ReadOnlySpan<byte> message, int wire, ref int position)
    {
        switch (wire)
        {
            case 0:
                ReadVarint(message, ref position);
                break;
            case 1:
                position += 8;
                break;
            case 2:
                int length = checked((int)ReadVarint(message, ref position));
                position += length;
                break;
            case 5:
                position += 4;
                break;
            default:
                throw new InvalidDataException($"Unsupported protobuf wire type {wire} in an ONNX model.");
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("A protobuf varint in the ONNX model is longer than 10 bytes.");
    }
}
