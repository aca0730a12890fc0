#include "model/field_table.hpp"

#include <array>
#include <unordered_map>

namespace rtk::model {
namespace {

using SV = std::string_view;
constexpr unsigned kAll = kPost | kPatch | kPut;
constexpr unsigned kCreateReplace = kPost | kPut;  // recording_config: not PATCH-able
constexpr unsigned kNone = 0;

constexpr std::array<SV, 2> kStatus{kActive, kInactive};
constexpr std::array<SV, 9> kSummaryType{
    "general",       "team_meeting",       "sales_call", "client_check_in", "interview",
    "daily_standup", "one_on_one_meeting", "lecture",    "code_review"};
constexpr std::array<SV, 2> kTextFormat{"plain_text", "markdown"};
constexpr std::array<SV, 10> kLanguage{"en-US", "en-IN", "de", "hi", "sv",
                                       "ru",    "pl",    "el", "fr", "nl"};
constexpr std::array<SV, 2> kChannel{"mono", "stereo"};
constexpr std::array<SV, 2> kAudioCodec{"MP3", "AAC"};
constexpr std::array<SV, 1> kAudioCodecChosen{"vorbis"};  // set by the server with VP8
constexpr std::array<SV, 5> kStorageType{"aws", "azure", "digitalocean", "gcs", "sftp"};
constexpr std::array<SV, 2> kAuthMethod{"KEY", "PASSWORD"};
constexpr std::array<SV, 2> kVideoCodec{"H264", "VP8"};
constexpr std::array<SV, 4> kPosition{"left top", "right top", "left bottom", "right bottom"};

// Which storage types use which storage_config members (seed 001: access_key "is not required
// for the gcs storage media type"; host, port, username, auth_method, password and
// private_key are "for SFTP type storage medium").
constexpr std::array<SV, 1> kSftp{"sftp"};
constexpr std::array<SV, 3> kAccessKeyTypes{"aws", "azure", "digitalocean"};
constexpr std::array<SV, 4> kSecretTypes{"aws", "azure", "digitalocean", "gcs"};

constexpr std::span<const SV> none{};
constexpr std::optional<double> no_bound{};

Field f(SV path, Kind kind, unsigned verbs, unsigned flags, SV doc, SV def = "",
        std::span<const SV> enums = none, std::optional<double> min = no_bound,
        std::optional<double> max = no_bound) {
  return Field{path, kind, verbs, flags, enums, min, max, def, doc};
}

// The contract lets these verbs' bodies carry null for the field.
Field nullable(unsigned verbs, Field field) {
  field.nullable = verbs;
  return field;
}

Field server_chooses(std::span<const SV> values, Field field) {
  field.server_values = values;
  return field;
}

Field used_by(std::span<const SV> storage_types, Field field) {
  field.storage_types = storage_types;
  return field;
}

// Order matters only for output (schema, export): parents precede their children.
const std::vector<Field>& meeting_table() {
  static const std::vector<Field> table{
      f("id", Kind::String, kNone, kReadOnly | kSummary,
        "ID of the meeting (server-generated UUID)."),
      f("created_at", Kind::String, kNone, kReadOnly | kSummary, "Creation time, ISO format."),
      f("updated_at", Kind::String, kNone, kReadOnly | kSummary, "Last update time, ISO format."),
      nullable(kCreateReplace, f("title", Kind::String, kAll, kSummary, "Title of the meeting.")),
      f("status", Kind::Enum, kPatch, kSummary,
        "ACTIVE or INACTIVE. Users cannot join an INACTIVE meeting. Set by PATCH only.",
        R"("ACTIVE")", kStatus),
      nullable(kCreateReplace, f("record_on_start", Kind::Bool, kAll, kSummary,
                                 "Start recording as soon as someone joins.", "false")),
      nullable(kCreateReplace, f("live_stream_on_start", Kind::Bool, kAll, kSummary,
                                 "Start livestreaming on start.", "false")),
      f("persist_chat", Kind::Bool, kAll, kSummary, "Keep chat for a week within the meeting.",
        "false"),
      f("summarize_on_end", Kind::Bool, kAll, kSummary,
        "Summarise the meeting from its transcript (requires transcription).", "false"),
      f("transcribe_on_end", Kind::Bool, kAll, 0, "Generate transcripts when the meeting ends.",
        "false"),
      f("session_keep_alive_time_in_secs", Kind::Number, kAll, kSummary,
        "Seconds a session stays active after the last participant left.", "60", none, 60, 600),
      f("ai_config", Kind::Object, kAll, 0, "Transcription and summary behaviour."),
      f("ai_config.summarization", Kind::Object, kAll, 0, "Summary configuration."),
      f("ai_config.summarization.summary_type", Kind::Enum, kAll, 0, "Style of the summary.",
        R"("general")", kSummaryType),
      f("ai_config.summarization.text_format", Kind::Enum, kAll, 0, "Text format of the summary.",
        R"("markdown")", kTextFormat),
      f("ai_config.summarization.word_limit", Kind::Integer, kAll, 0,
        "Maximum number of words in the summary.", "500", none, 150, 1000),
      f("ai_config.transcription", Kind::Object, kAll, 0, "Transcription configuration."),
      f("ai_config.transcription.keywords", Kind::StringList, kAll, 0,
        "Terms that improve detection during transcription (compared as a set)."),
      f("ai_config.transcription.language", Kind::Enum, kAll, 0, "Transcription language.",
        R"("en-US")", kLanguage),
      f("ai_config.transcription.profanity_filter", Kind::Bool, kAll, 0,
        "Filter offensive language from transcriptions.", "false"),
      f("recording_config", Kind::Object, kCreateReplace, 0,
        "Recording configuration; overrides app-level settings. Changed only by PUT."),
      f("recording_config.audio_config", Kind::Object, kCreateReplace, 0, "Recorded audio."),
      f("recording_config.audio_config.channel", Kind::Enum, kCreateReplace, 0, "mono or stereo.",
        R"("stereo")", kChannel),
      server_chooses(kAudioCodecChosen,
                     f("recording_config.audio_config.codec", Kind::Enum, kCreateReplace, 0,
                       "Audio codec; not allowed with video codec VP8 (the server then reports "
                       "vorbis).",
                       R"("AAC")", kAudioCodec)),
      f("recording_config.audio_config.export_file", Kind::Bool, kCreateReplace, 0,
        "Export the audio file separately.", "true"),
      f("recording_config.file_name_prefix", Kind::String, kCreateReplace, 0,
        "Prefix of recording file names."),
      f("recording_config.live_streaming_config", Kind::Object, kCreateReplace, 0,
        "Live streaming target."),
      f("recording_config.live_streaming_config.rtmp_url", Kind::String, kCreateReplace, kUrl,
        "RTMP URL to stream to."),
      f("recording_config.max_seconds", Kind::Number, kCreateReplace, 0,
        "Maximum recording duration in seconds.", "", none, 60, 86400),
      f("recording_config.realtimekit_bucket_config", Kind::Object, kCreateReplace, 0,
        "Upload recordings to RealtimeKit's bucket."),
      f("recording_config.realtimekit_bucket_config.enabled", Kind::Bool, kCreateReplace, kRequired,
        "Whether recordings are uploaded to RealtimeKit's bucket."),
      nullable(kCreateReplace, f("recording_config.storage_config", Kind::Object, kCreateReplace, 0,
                                 "Your own storage for recordings.")),
      f("recording_config.storage_config.type", Kind::Enum, kCreateReplace, kRequired,
        "Type of storage.", "", kStorageType),
      used_by(kAccessKeyTypes,
              f("recording_config.storage_config.access_key", Kind::String, kCreateReplace,
                kWriteOnly | kSecret, "Access key (write-only; not needed for gcs).")),
      used_by(kSftp, f("recording_config.storage_config.auth_method", Kind::Enum, kCreateReplace, 0,
                       "sftp authentication method.", "", kAuthMethod)),
      f("recording_config.storage_config.bucket", Kind::String, kCreateReplace, 0, "Bucket name."),
      used_by(kSftp, f("recording_config.storage_config.host", Kind::String, kCreateReplace, 0,
                       "sftp host.")),
      used_by(kSftp, f("recording_config.storage_config.password", Kind::String, kCreateReplace,
                       kWriteOnly | kSecret,
                       "sftp password, or the private key's passphrase (write-only).")),
      f("recording_config.storage_config.path", Kind::String, kCreateReplace, 0,
        "Path relative to the bucket root."),
      used_by(kSftp, f("recording_config.storage_config.port", Kind::Number, kCreateReplace, 0,
                       "sftp port.")),
      used_by(kSftp, f("recording_config.storage_config.private_key", Kind::String, kCreateReplace,
                       kWriteOnly | kSecret, "sftp private key (auth_method KEY; write-only).")),
      f("recording_config.storage_config.region", Kind::String, kCreateReplace, 0,
        "Storage region."),
      used_by(kSecretTypes, f("recording_config.storage_config.secret", Kind::String,
                              kCreateReplace, kWriteOnly | kSecret, "Secret key (write-only).")),
      used_by(kSftp, f("recording_config.storage_config.username", Kind::String, kCreateReplace, 0,
                       "sftp username.")),
      f("recording_config.video_config", Kind::Object, kCreateReplace, 0, "Recorded video."),
      f("recording_config.video_config.codec", Kind::Enum, kCreateReplace, 0, "Video codec.",
        R"("H264")", kVideoCodec),
      f("recording_config.video_config.export_file", Kind::Bool, kCreateReplace, 0,
        "Export the video file separately.", "true"),
      f("recording_config.video_config.height", Kind::Integer, kCreateReplace, 0,
        "Video height in pixels.", "720", none, 1, 1920),
      f("recording_config.video_config.width", Kind::Integer, kCreateReplace, 0,
        "Video width in pixels.", "1280", none, 1, 1920),
      f("recording_config.video_config.watermark", Kind::Object, kCreateReplace, 0,
        "Watermark added to the recording."),
      f("recording_config.video_config.watermark.position", Kind::Enum, kCreateReplace, 0,
        "Watermark position.", R"("left top")", kPosition),
      f("recording_config.video_config.watermark.size", Kind::Object, kCreateReplace, 0,
        "Watermark size."),
      f("recording_config.video_config.watermark.size.height", Kind::Integer, kCreateReplace, 0,
        "Watermark height in px.", "", none, 1),
      f("recording_config.video_config.watermark.size.width", Kind::Integer, kCreateReplace, 0,
        "Watermark width in px.", "", none, 1),
      f("recording_config.video_config.watermark.url", Kind::String, kCreateReplace, kUrl,
        "URL of the watermark image."),
      f("protect", Kind::Bool, kNone, kLocal,
        "rtksync only: never deactivate this meeting (remembered in the state)."),
      f("allow_duplicate_title", Kind::Bool, kNone, kLocal,
        "rtksync only: create this meeting even when an unbound meeting with the same title "
        "exists (set it in the project's defaults to allow it everywhere)."),
  };
  return table;
}

const std::vector<Field>& participant_table() {
  static const std::vector<Field> table{
      f("id", Kind::String, kNone, kReadOnly | kSummary, "ID of the participant."),
      f("created_at", Kind::String, kNone, kReadOnly | kSummary, "Creation time, ISO format."),
      f("updated_at", Kind::String, kNone, kReadOnly | kSummary, "Last update time, ISO format."),
      f("custom_participant_id", Kind::String, kPost | kPut, kRequired | kSummary,
        "Client-chosen id, unique within the meeting. Changing it removes and re-adds."),
      nullable(kPatch, f("preset_name", Kind::String, kAll, kRequired | kSummary,
                         "Preset applied to the participant.")),
      nullable(kAll, f("name", Kind::String, kAll, kSummary, "Name of the participant.")),
      nullable(kAll, f("picture", Kind::String, kAll, kUrl | kSummary,
                       "URL of a picture of the participant.")),
      f("token", Kind::String, kNone, kReadOnly | kSecret,
        "Join token returned by add, edit and token refresh."),
      f("token_rotation", Kind::Integer, kNone, kLocal,
        "rtksync only: raise this number to rotate the participant's join token.", "", none, 0),
  };
  return table;
}

}  // namespace

bool Field::used_by_storage(std::string_view type) const {
  if (storage_types.empty()) return true;
  for (auto t : storage_types) {
    if (t == type) return true;
  }
  return false;
}

std::string_view Field::name() const {
  auto dot = path.rfind('.');
  return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

std::string_view Field::parent() const {
  auto dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string_view{} : path.substr(0, dot);
}

bool Field::server_chosen(const nlohmann::json& value) const {
  if (!value.is_string()) return false;
  const auto& text = value.get_ref<const std::string&>();
  for (auto v : server_values) {
    if (v == text) return true;
  }
  return false;
}

bool Field::removable() const {
  if (has(kReadOnly) || has(kLocal) || verbs == 0) return false;
  return kind == Kind::Object || (nullable != 0 && !has(kRequired));
}

std::span<const Field> fields(Resource r) {
  return r == Resource::Meeting ? meeting_table() : participant_table();
}

const Field* find_field(Resource r, std::string_view path) {
  using Index = std::unordered_map<std::string_view, const Field*>;
  static const auto build = [](std::span<const Field> table) {
    Index index;
    for (const auto& field : table) index.emplace(field.path, &field);
    return index;
  };
  static const Index meeting = build(meeting_table());
  static const Index participant = build(participant_table());
  const Index& index = r == Resource::Meeting ? meeting : participant;
  auto it = index.find(path);
  return it == index.end() ? nullptr : it->second;
}

std::vector<const Field*> children(Resource r, std::string_view parent_path) {
  std::vector<const Field*> out;
  for (const auto& field : fields(r)) {
    if (field.parent() == parent_path) out.push_back(&field);
  }
  return out;
}

std::vector<std::string_view> required_on_create(Resource r, std::string_view parent_path) {
  std::vector<std::string_view> out;
  for (const Field* f : children(r, parent_path)) {
    if (f->has(kRequired) && f->accepts(kPost)) out.push_back(f->name());
  }
  return out;
}

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::Bool:
      return "boolean";
    case Kind::Integer:
      return "integer";
    case Kind::Number:
      return "number";
    case Kind::String:
    case Kind::Enum:
      return "string";
    case Kind::StringList:
      return "list of strings";
    case Kind::Object:
      return "mapping";
  }
  return "value";
}

std::string join_path(std::string_view parent, std::string_view name) {
  if (parent.empty()) return std::string(name);
  std::string out(parent);
  out += '.';
  out += name;
  return out;
}

}  // namespace rtk::model
