using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using NanoChat.Appliance.Kernels.Protocol;

namespace NanoChat.Appliance.Tests.Kernels.Protocol;

/// <summary>
/// The web ⇄ worker wire format (architecture.md, "Kernel protocol"): every message survives a trip
/// through a frame, and the JSON is what the document says (a "type" field, camelCase names), since
/// the serializer is generated at build time and a wrong option would silently change the wire.
/// </summary>
public sealed class KernelFramingTests
{
    public static TheoryData<KernelMessage, string> Messages => new()
    {
        { new ExecuteCommand("e1", "notebook-3", "x = 1"), """{"type":"execute","id":"e1","namespace":"notebook-3","code":"x = 1"}""" },
        { new ExecuteCommand("e2", "notebook-3", "import appliance_widgets", Silent: true), """{"type":"execute","id":"e2","namespace":"notebook-3","code":"import appliance_widgets","silent":true}""" },
        { new InterruptCommand("e1"), """{"type":"interrupt","id":"e1"}""" },
        { new CompleteCommand("c1", "notebook-3", "pri", 3), """{"type":"complete","id":"c1","namespace":"notebook-3","code":"pri","cursor":3}""" },
        { new InspectCommand("i1", "notebook-3", "len(", 4), """{"type":"inspect","id":"i1","namespace":"notebook-3","code":"len(","cursor":4}""" },
        { new InputReplyCommand("e1", "Ada"), """{"type":"input_reply","id":"e1","value":"Ada"}""" },
        { new ShutdownCommand(), """{"type":"shutdown"}""" },
        { new StartedNotification(42, "3.11.2", "/usr/bin/python3"), """{"type":"started","pid":42,"pythonVersion":"3.11.2","executable":"/usr/bin/python3"}""" },
        { new StreamNotification("e1", "stderr", "line\n"), """{"type":"stream","id":"e1","name":"stderr","text":"line\n"}""" },
        { new InputRequestNotification("e1", "Name? "), """{"type":"input_request","id":"e1","prompt":"Name? "}""" },
        { new InputRequestNotification("e1", "Password: ", Password: true), """{"type":"input_request","id":"e1","prompt":"Password: ","password":true}""" },
        { new DisplayNotification("e1", "display_data", new JsonObject { ["text/plain"] = "a" }, [], "d7"), """{"type":"display","id":"e1","outputType":"display_data","data":{"text/plain":"a"},"metadata":{},"displayId":"d7"}""" },
        { new UpdateDisplayNotification("e1", "display_data", new JsonObject { ["text/plain"] = "b" }, [], "d7"), """{"type":"update_display","id":"e1","outputType":"display_data","data":{"text/plain":"b"},"metadata":{},"displayId":"d7"}""" },
        { new ClearOutputNotification("e1", true), """{"type":"clear_output","id":"e1","wait":true}""" },
        { new SetNextInputNotification("e1", "# %load a.py\nx = 1", true), """{"type":"set_next_input","id":"e1","text":"# %load a.py\nx = 1","replace":true}""" },
        { new ErrorNotification("e1", "ValueError", "bad", ["a", "b"]), """{"type":"error","id":"e1","ename":"ValueError","evalue":"bad","traceback":["a","b"]}""" },
        { new DoneNotification("e1", "ok", 7, 12), """{"type":"done","id":"e1","status":"ok","executionCount":7,"durationMs":12}""" },
        { new CompletionsNotification("c1", ["print", "property"], 0, ["function", "variable"]), """{"type":"completions","id":"c1","matches":["print","property"],"cursorStart":0,"kinds":["function","variable"]}""" },
        { new InspectionNotification("i1", true, "Signature: len(obj, /)"), """{"type":"inspection","id":"i1","found":true,"text":"Signature: len(obj, /)"}""" },
        { new StatsNotification(1024, 0), """{"type":"stats","rssBytes":1024,"gpuBytes":0}""" },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Each_message_has_the_documented_json_and_comes_back_equal(KernelMessage message, string json)
    {
        var frame = KernelFraming.Encode(message);

        Assert.Equal(frame.Length - 4, BinaryPrimitives.ReadInt32BigEndian(frame));
        Assert.Equal(json, Encoding.UTF8.GetString(frame, 4, frame.Length - 4));
        var decoded = KernelFraming.Read(new MemoryStream(frame));
        Assert.Equal(message.GetType(), decoded!.GetType());
        Assert.Equal(json, Encoding.UTF8.GetString(KernelFraming.Encode(decoded), 4, frame.Length - 4));
    }

    [Fact]
    public void Text_outside_ascii_survives()
    {
        var code = "print('é ✓ 学')\n";

        var decoded = (ExecuteCommand)KernelFraming.Read(new MemoryStream(KernelFraming.Encode(new ExecuteCommand("e1", "n", code))))!;

        Assert.Equal(code, decoded.Code);
    }

    [Fact]
    public void A_display_bundle_keeps_its_mime_data()
    {
        var display = new DisplayNotification("e1", "display_data",
            new JsonObject { ["image/png"] = "iVBOR", ["text/plain"] = "<Figure>" }, new JsonObject { ["image/png"] = new JsonObject { ["width"] = 640 } });

        var decoded = (DisplayNotification)KernelFraming.Read(new MemoryStream(KernelFraming.Encode(display)))!;

        Assert.Equal("display_data", decoded.OutputType);
        Assert.Equal("iVBOR", (string?)decoded.Data["image/png"]);
        Assert.Equal(640, (int?)decoded.Metadata["image/png"]!["width"]);
    }

    [Fact]
    public void Frames_read_back_in_order_and_a_clean_end_is_null()
    {
        var stream = new MemoryStream();
        KernelFraming.Write(stream, new StreamNotification("e1", "stdout", "1\n"));
        KernelFraming.Write(stream, new DoneNotification("e1", "ok", 1, 0));
        stream.Position = 0;

        Assert.IsType<StreamNotification>(KernelFraming.Read(stream));
        Assert.IsType<DoneNotification>(KernelFraming.Read(stream));
        Assert.Null(KernelFraming.Read(stream));
    }

    [Fact]
    public void Bad_frames_are_refused_with_a_reason()
    {
        var unknown = Encoding.UTF8.GetBytes("""{"type":"launch-missiles"}""");
        var oversized = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(oversized, KernelFraming.MaxFrameBytes + 1);
        var truncated = KernelFraming.Encode(new InterruptCommand("e1"))[..^2];

        Assert.ThrowsAny<System.Text.Json.JsonException>(() => KernelFraming.Decode(unknown));
        Assert.Contains("out of bounds", Assert.Throws<InvalidDataException>(() => KernelFraming.Read(new MemoryStream(oversized))).Message);
        Assert.Throws<EndOfStreamException>(() => KernelFraming.Read(new MemoryStream(truncated)));
    }
}
