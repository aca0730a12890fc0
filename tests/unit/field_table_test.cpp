// The field table against the seeds: enums, ranges, verbs, write-only and secret flags.
#include <gtest/gtest.h>

#include <set>

#include "model/field_table.hpp"
#include "model/iso_time.hpp"
#include "model/projection.hpp"
#include "model/validate.hpp"

namespace rtk::model {
namespace {

std::set<std::string> enums_of(std::string_view path) {
  const Field* f = find_field(Resource::Meeting, path);
  EXPECT_NE(f, nullptr) << path;
  std::set<std::string> out;
  if (f != nullptr) {
    for (auto v : f->enum_values) out.emplace(v);
  }
  return out;
}

TEST(FieldTable, EnumsMatchSeeds) {
  EXPECT_EQ(enums_of("status"), (std::set<std::string>{"ACTIVE", "INACTIVE"}));
  EXPECT_EQ(enums_of("ai_config.summarization.summary_type"),
            (std::set<std::string>{"general", "team_meeting", "sales_call", "client_check_in",
                                   "interview", "daily_standup", "one_on_one_meeting", "lecture",
                                   "code_review"}));
  EXPECT_EQ(enums_of("ai_config.summarization.text_format"),
            (std::set<std::string>{"plain_text", "markdown"}));
  EXPECT_EQ(
      enums_of("ai_config.transcription.language"),
      (std::set<std::string>{"en-US", "en-IN", "de", "hi", "sv", "ru", "pl", "el", "fr", "nl"}));
  EXPECT_EQ(enums_of("recording_config.audio_config.channel"),
            (std::set<std::string>{"mono", "stereo"}));
  EXPECT_EQ(enums_of("recording_config.audio_config.codec"), (std::set<std::string>{"MP3", "AAC"}));
  EXPECT_EQ(enums_of("recording_config.storage_config.type"),
            (std::set<std::string>{"aws", "azure", "digitalocean", "gcs", "sftp"}));
  EXPECT_EQ(enums_of("recording_config.storage_config.auth_method"),
            (std::set<std::string>{"KEY", "PASSWORD"}));
  EXPECT_EQ(enums_of("recording_config.video_config.codec"),
            (std::set<std::string>{"H264", "VP8"}));
  EXPECT_EQ(enums_of("recording_config.video_config.watermark.position"),
            (std::set<std::string>{"left top", "right top", "left bottom", "right bottom"}));
}

struct RangeCase {
  const char* path;
  std::optional<double> min;
  std::optional<double> max;
};

TEST(FieldTable, RangesMatchSeeds) {
  const RangeCase cases[] = {
      {"ai_config.summarization.word_limit", 150, 1000},
      {"recording_config.max_seconds", 60, 86400},
      {"session_keep_alive_time_in_secs", 60, 600},
      {"recording_config.video_config.width", 1, 1920},
      {"recording_config.video_config.height", 1, 1920},
      {"recording_config.video_config.watermark.size.width", 1, std::nullopt},
      {"recording_config.video_config.watermark.size.height", 1, std::nullopt},
  };
  for (const auto& c : cases) {
    const Field* f = find_field(Resource::Meeting, c.path);
    ASSERT_NE(f, nullptr) << c.path;
    EXPECT_EQ(f->min, c.min) << c.path;
    EXPECT_EQ(f->max, c.max) << c.path;
  }
}

TEST(FieldTable, VerbsMatchSeeds) {
  auto verbs = [](const char* p) { return find_field(Resource::Meeting, p)->verbs; };
  EXPECT_EQ(verbs("status"), unsigned{kPatch});                  // not POST, not PUT
  EXPECT_EQ(verbs("recording_config"), unsigned{kPost | kPut});  // not PATCH
  for (const char* p : {"title", "ai_config", "record_on_start", "live_stream_on_start",
                        "persist_chat", "summarize_on_end", "session_keep_alive_time_in_secs"}) {
    EXPECT_EQ(verbs(p), unsigned{kPost | kPatch | kPut}) << p;
  }
  // PUT: the contract's replace_participant (rtksync itself never sends it).
  EXPECT_EQ(find_field(Resource::Participant, "custom_participant_id")->verbs,
            unsigned{kPost | kPut});
  EXPECT_EQ(find_field(Resource::Participant, "preset_name")->verbs,
            unsigned{kPost | kPatch | kPut});
}

TEST(FieldTable, WriteOnlyAndSecretFlags) {
  // No response type in the reference or the official SDKs returns any of these four.
  for (const char* p :
       {"recording_config.storage_config.access_key", "recording_config.storage_config.secret",
        "recording_config.storage_config.password",
        "recording_config.storage_config.private_key"}) {
    const Field* f = find_field(Resource::Meeting, p);
    EXPECT_TRUE(f->has(kWriteOnly) && f->has(kSecret)) << p;
  }
  // No response type of the official SDK declares the sftp password or private key.
  for (const char* p : {"recording_config.storage_config.password",
                        "recording_config.storage_config.private_key"}) {
    const Field* f = find_field(Resource::Meeting, p);
    EXPECT_TRUE(f->has(kSecret) && f->has(kWriteOnly)) << p;
  }
  EXPECT_TRUE(find_field(Resource::Participant, "token")->has(kSecret));
  for (const char* p : {"id", "created_at", "updated_at"}) {
    EXPECT_TRUE(find_field(Resource::Meeting, p)->has(kReadOnly)) << p;
  }
}

TEST(FieldTable, TranscribeOnEndIsAMeetingFlag) {
  const Field* f = find_field(Resource::Meeting, "transcribe_on_end");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->kind, Kind::Bool);
  EXPECT_EQ(f->verbs, unsigned{kPost | kPatch | kPut});
  EXPECT_EQ(f->default_json, "false");
}

TEST(Validate, NullWhereTheContractAllowsIt) {
  using R = Resource;
  EXPECT_TRUE(validate_body(R::Meeting, json{{"title", nullptr}}, kPost).empty());
  EXPECT_TRUE(validate_body(R::Meeting, json{{"record_on_start", nullptr}}, kPut).empty());
  EXPECT_FALSE(validate_body(R::Meeting, json{{"title", nullptr}}, kPatch).empty());
  EXPECT_FALSE(validate_body(R::Meeting, json{{"persist_chat", nullptr}}, kPost).empty());
  EXPECT_TRUE(
      validate_body(R::Meeting, json{{"recording_config", {{"storage_config", nullptr}}}}, kPut)
          .empty());
  EXPECT_FALSE(
      validate_body(R::Meeting, json{{"ai_config", {{"summarization", nullptr}}}}, kPut).empty());
  EXPECT_TRUE(validate_body(R::Participant, json{{"name", nullptr}}, kPatch).empty());
  EXPECT_TRUE(validate_body(R::Participant, json{{"picture", nullptr}}, kPatch).empty());
  EXPECT_FALSE(validate_body(R::Participant,
                             json{{"custom_participant_id", "a"}, {"preset_name", nullptr}}, kPost)
                   .empty());
}

TEST(Projection, BodiesNeverEchoServerChosenValuesOrUnsendableNulls) {
  json observed{{"recording_config",
                 {{"audio_config", {{"codec", "vorbis"}, {"channel", "mono"}}},
                  {"video_config", {{"codec", "VP8"}}}}}};
  json body = body_for(Resource::Meeting, observed, kPut);
  EXPECT_EQ(body["recording_config"]["audio_config"], (json{{"channel", "mono"}}));
  EXPECT_TRUE(validate_body(Resource::Meeting, body, kPut).empty());
  EXPECT_EQ(body_for(Resource::Meeting, json{{"title", nullptr}, {"ai_config", nullptr}}, kPost),
            (json{{"title", nullptr}}));
  EXPECT_EQ(body_for(Resource::Meeting, json{{"title", nullptr}}, kPatch), json::object());
}

TEST(IsoTime, ParsesRfc3339DateTimes) {
  EXPECT_EQ(parse_iso_time("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_iso_time("1970-01-01T00:00:01.5Z"), 1500);
  EXPECT_EQ(parse_iso_time("1970-01-01T02:00:00+02:00"), 0);
  EXPECT_EQ(parse_iso_time(iso_time(1795000000123)), 1795000000123);
  for (const char* bad : {"yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                          "2026-01-01T00:00:00", "2026-01-01 00:00:00Z", "2026-01-01T00:00:00.Z"}) {
    EXPECT_FALSE(parse_iso_time(bad)) << bad;
  }
}

TEST(FieldTable, StorageTypesSayWhichCredentialsEachTypeUses) {
  auto uses = [](const char* name, const char* type) {
    return find_field(Resource::Meeting, std::string("recording_config.storage_config.") + name)
        ->used_by_storage(type);
  };
  EXPECT_TRUE(uses("access_key", "aws") && uses("secret", "aws"));
  EXPECT_FALSE(uses("access_key", "gcs"));
  EXPECT_TRUE(uses("secret", "gcs"));
  EXPECT_FALSE(uses("access_key", "sftp") || uses("secret", "sftp"));
  EXPECT_TRUE(uses("password", "sftp") && uses("private_key", "sftp"));
  EXPECT_FALSE(uses("password", "aws") || uses("private_key", "azure"));
  EXPECT_TRUE(uses("bucket", "sftp") && uses("bucket", "gcs"));
}

TEST(FieldTable, ParentsPrecedeChildren) {
  for (Resource r : {Resource::Meeting, Resource::Participant}) {
    std::set<std::string> seen;
    for (const auto& f : fields(r)) {
      if (!f.parent().empty()) {
        EXPECT_TRUE(seen.count(std::string(f.parent())) != 0U) << f.path;
      }
      seen.emplace(f.path);
    }
  }
}

TEST(Validate, CheckValue) {
  const Field* wl = find_field(Resource::Meeting, "ai_config.summarization.word_limit");
  EXPECT_FALSE(check_value(*wl, json(300)));
  EXPECT_FALSE(check_value(*wl, json(300.0)));
  EXPECT_EQ(*check_value(*wl, json(100)), "word_limit must be 150..1000, got 100");
  EXPECT_EQ(*check_value(*wl, json(300.5)), "expected integer for word_limit, got number 300.5");
  const Field* url = find_field(Resource::Meeting, "recording_config.video_config.watermark.url");
  EXPECT_FALSE(check_value(*url, json("https://example.com/a.png")));
  EXPECT_TRUE(check_value(*url, json("not a url")));
  const Field* lang = find_field(Resource::Meeting, "ai_config.transcription.language");
  EXPECT_EQ(*check_value(*lang, json("xx")),
            "language must be one of en-US, en-IN, de, hi, sv, ru, pl, el, fr, nl; got \"xx\"");
}

TEST(Validate, BodyPerVerb) {
  EXPECT_TRUE(validate_body(Resource::Meeting, json{{"title", "x"}}, kPost).empty());
  EXPECT_FALSE(validate_body(Resource::Meeting, json{{"status", "ACTIVE"}}, kPost).empty());
  EXPECT_FALSE(validate_body(Resource::Meeting, json{{"status", "ACTIVE"}}, kPut).empty());
  EXPECT_TRUE(validate_body(Resource::Meeting, json{{"status", "ACTIVE"}}, kPatch).empty());
  EXPECT_FALSE(
      validate_body(Resource::Meeting, json{{"recording_config", json::object()}}, kPatch).empty());
  auto missing_type = validate_body(
      Resource::Meeting, json{{"recording_config", {{"storage_config", {{"bucket", "b"}}}}}}, kPut);
  ASSERT_EQ(missing_type.size(), 1U);
  EXPECT_EQ(missing_type[0].message, "recording_config.storage_config.type is required");
  EXPECT_FALSE(validate_body(Resource::Participant, json{{"name", "x"}}, kPost).empty());
  EXPECT_TRUE(validate_body(Resource::Participant, json{{"name", "x"}}, kPatch).empty());
}

TEST(Projection, RedactHidesEverySecret) {
  json m{{"title", "t"},
         {"recording_config",
          {{"storage_config",
            {{"type", "sftp"}, {"password", "pw"}, {"private_key", "pk"}, {"secret", "s"}}}}}};
  std::string text = redact(Resource::Meeting, m).dump();
  EXPECT_EQ(text.find("pw"), std::string::npos);
  EXPECT_EQ(text.find("\"pk\""), std::string::npos);
  EXPECT_EQ(text.find("\"s\""), std::string::npos);
  EXPECT_NE(text.find(kSensitive), std::string::npos);
  EXPECT_EQ(redact(Resource::Participant, json{{"token", "abc"}})["token"], kSensitive);
}

}  // namespace
}  // namespace rtk::model
