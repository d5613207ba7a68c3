using System.Text;
using Google.Protobuf;
using Tensorboard;
using Research.DeepAgents.Configuration;

namespace Research.DeepAgents.Training;

/// <summary>
/// A run's config in TensorBoard: a Markdown table (text plugin, tag <c>config</c>) and the hparams plugin's
/// session-start record (every config key as a hyperparameter; the metrics are the eval/train scalars). The
/// hparams messages (tensorboard/plugins/hparams/plugin_data.proto) are encoded field by field here; their
/// numbers are noted at each write.
/// </summary>
public static class TensorBoardConfig
{
    /// <summary>Scalars shown as metrics in the hparams dashboard.</summary>
    public static readonly string[] Metrics = ["eval/mean_return", "train/episode_return", "train/loss"];

    /// <summary>The text summary: one Markdown table row per config key.</summary>
    public static Summary.Types.Value Text(TrainingConfig config)
    {
        var md = new StringBuilder("| key | value |\n|---|---|\n");
        foreach (var (key, value) in Entries(config))
            md.Append("| ").Append(key).Append(" | ").Append(ConfigKeys.Format(value)).Append(" |\n");
        var tensor = new TensorProto { Dtype = DataType.DtString, TensorShape = new TensorShapeProto() };
        tensor.StringVal.Add(ByteString.CopyFromUtf8(md.ToString()));
        return new Summary.Types.Value
        {
            Tag = "config/text_summary",
            Metadata = new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = "text" } },
            Tensor = tensor,
        };
    }

    /// <summary>The hparams experiment (the keys and metrics) and
    /// the session start (the values), as two summaries.</summary>
    public static Summary.Types.Value[] HParams(TrainingConfig config, string session)
    {
        var entries = Entries(config).ToList();
        byte[] experiment = Message(w =>
        {
            foreach (var (key, _) in entries)
                // Experiment.hparam_infos: HParamInfo.name
                w.Bytes(4, Message(h => h.String(1, key)));
            foreach (var metric in Metrics)
                // metric_infos: MetricInfo.name.tag
                w.Bytes(5, Message(m => m.Bytes(1, Message(n => n.String(2, metric)))));
        });
        byte[] start = Message(w =>
        {
            foreach (var (key, value) in entries)
                // SessionStartInfo.hparams map
                w.Bytes(1, Message(e => { e.String(1, key); e.Bytes(2, ValueOf(value)); }));
            w.String(4, session);                                                   // group_name
            w.Double(5, TensorBoardEvents.Now());                                   // start_time_secs
        });
        return
        [
            // HParamsPluginData.experiment
            Plugin("_hparams_/experiment", Message(w => { w.Int(1, 0); w.Bytes(2, experiment); })),
            // HParamsPluginData.session_start_info
            Plugin("_hparams_/session_start_info", Message(w => { w.Int(1, 0); w.Bytes(3, start); })),
        ];
    }

    static IEnumerable<(string Key, object? Value)> Entries(TrainingConfig config) =>
        ConfigKeys.Properties.Select(p => (ConfigKeys.Kebab(p.Name), p.GetValue(config)));

    /// <summary>google.protobuf.Value: number_value (2) for finite
    /// numbers, bool_value (4), else string_value (3).</summary>
    static byte[] ValueOf(object? value) => Message(w =>
    {
        switch (value)
        {
            case bool b: w.Bool(4, b); break;
            case double d when double.IsFinite(d): w.Double(2, d); break;
            case int or long: w.Double(2, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            default: w.String(3, ConfigKeys.Format(value)); break;
        }
    });

    static Summary.Types.Value Plugin(string tag, byte[] content) => new()
    {
        Tag = tag,
        Metadata = new SummaryMetadata
        {
            PluginData = new SummaryMetadata.Types.PluginData { PluginName = "hparams", Content = ByteString.CopyFrom(content) },
        },
    };

    static byte[] Message(Action<Fields> write)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        write(new Fields(output));
        output.Flush();
        return buffer.ToArray();
    }

    /// <summary>Protobuf field writers (tag = field number and wire type).</summary>
    sealed class Fields(CodedOutputStream o)
    {
        public void Bytes(int field, byte[] value) { o.WriteTag(field, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(value)); }
        public void String(int field, string value) { o.WriteTag(field, WireFormat.WireType.LengthDelimited); o.WriteString(value); }
        public void Double(int field, double value) { o.WriteTag(field, WireFormat.WireType.Fixed64); o.WriteDouble(value); }
        public void Int(int field, int value) { o.WriteTag(field, WireFormat.WireType.Varint); o.WriteInt32(value); }
        public void Bool(int field, bool value) { o.WriteTag(field, WireFormat.WireType.Varint); o.WriteBool(value); }
    }
}
