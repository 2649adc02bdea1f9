#include "router/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "rules/rule_set_parser.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

using router::Config;
using router::parse_config;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::filesystem::path kBase = "/srv/coexist/conf";

Result<Config> parse(std::string_view text) { return parse_config(text, kBase); }

// The error message of a configuration that must be refused (empty, with a failure, if accepted).
std::string error_of(std::string_view text) {
  Result<Config> config = parse(text);
  EXPECT_FALSE(config.is_ok()) << "accepted: " << text;
  if (config.is_ok()) return "";
  EXPECT_EQ(config.status().code(), Status::Code::invalid_argument);
  return config.status().message();
}

Config accepted(std::string_view text) {
  Result<Config> config = parse(text);
  EXPECT_TRUE(config.is_ok()) << text << "\n -> " << config.status().message();
  return config.is_ok() ? std::move(config).value() : Config{};
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << file;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::filesystem::path& file, std::string_view text) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out << text;
}

// ---------------------------------------------------------------------------------------------
// Numeric knobs: default, minimum and maximum, table-driven.

struct Knob {
  const char* path;                                   // as named in errors
  std::string (*document)(const std::string& value);  // a configuration setting it to `value`
  std::uint64_t (*read)(const Config& config);
  std::uint64_t default_value;
  std::uint64_t minimum;
  std::uint64_t maximum;
};

std::string zmq_target(const std::string& timeout) {
  return R"({"targets":{"new":{"adapter":"zmq","endpoint":"tcp://127.0.0.1:5580")" +
         (timeout.empty() ? std::string() : R"(,"timeout_ms":)" + timeout) + "}}}";
}

std::string http_target(const std::string& timeout) {
  return R"({"targets":{"new":{"adapter":"http","profile":"hledger","url":"http://x:5000")" +
         (timeout.empty() ? std::string() : R"(,"timeout_ms":)" + timeout) + "}}}";
}

std::uint64_t target_timeout(const Config& config) {
  return config.targets.at("new").settings.at("timeout_ms").get<std::uint64_t>();
}

// An empty value leaves the knob out (its section stays, empty), to read the default.
std::string section(const char* name, const char* key, const std::string& value) {
  return std::string(R"({")") + name + R"(":{)" +
         (value.empty() ? std::string() : std::string("\"") + key + "\":" + value) + "}}";
}

const Knob kKnobs[] = {
    {"journal.map_size_mb_max",
     [](const std::string& v) { return section("journal", "map_size_mb_max", v); },
     [](const Config& c) { return c.journal.map_size_mb_max; }, 65536, 16, 16ULL << 20},
    {"journal.map_size_mb_initial",
     [](const std::string& v) { return section("journal", "map_size_mb_initial", v); },
     [](const Config& c) { return c.journal.map_size_mb_initial; }, 64, 1, 65536},
    {"delivery.attempts_max",
     [](const std::string& v) { return section("delivery", "attempts_max", v); },
     [](const Config& c) -> std::uint64_t { return c.delivery.attempts_max; }, 8, 1, 1000},
    {"delivery.backoff_ms_base",
     [](const std::string& v) { return section("delivery", "backoff_ms_base", v); },
     [](const Config& c) -> std::uint64_t { return c.delivery.backoff_ms_base; }, 200, 1, 600000},
    {"delivery.backoff_ms_max",
     [](const std::string& v) { return section("delivery", "backoff_ms_max", v); },
     [](const Config& c) -> std::uint64_t { return c.delivery.backoff_ms_max; }, 60000, 200,
     86400000},
    {"ingest.batch_transactions_max",
     [](const std::string& v) { return section("ingest", "batch_transactions_max", v); },
     [](const Config& c) -> std::uint64_t { return c.ingest.batch_transactions_max; }, 16384, 1,
     1000000},
    {"ingest.batch_mb_max",
     [](const std::string& v) { return section("ingest", "batch_mb_max", v); },
     [](const Config& c) -> std::uint64_t { return c.ingest.batch_mb_max; }, 64, 1, 4096},
    {"targets.new.timeout_ms", zmq_target, target_timeout, 5000, 10, 600000},
    {"targets.new.timeout_ms", http_target, target_timeout, 5000, 10, 600000},
};

class KnobTest : public ::testing::TestWithParam<Knob> {};

std::string knob_name(const ::testing::TestParamInfo<Knob>& info) {
  std::string name = info.param.path;
  for (char& c : name) {
    if (c == '.') c = '_';
  }
  // The two target knobs differ by adapter.
  if (info.param.document == http_target) name += "_http";
  if (info.param.document == zmq_target) name += "_zmq";
  return name;
}

TEST_P(KnobTest, OmittedTakesTheDefault) {
  const Knob& knob = GetParam();
  EXPECT_EQ(knob.read(accepted(knob.document(""))), knob.default_value);
}

TEST_P(KnobTest, MinimumIsAccepted) {
  const Knob& knob = GetParam();
  EXPECT_EQ(knob.read(accepted(knob.document(std::to_string(knob.minimum)))), knob.minimum);
}

TEST_P(KnobTest, MaximumIsAccepted) {
  const Knob& knob = GetParam();
  EXPECT_EQ(knob.read(accepted(knob.document(std::to_string(knob.maximum)))), knob.maximum);
}

TEST_P(KnobTest, BelowMinimumNamesTheField) {
  const Knob& knob = GetParam();
  EXPECT_EQ(error_of(knob.document(std::to_string(knob.minimum - 1))),
            std::string(knob.path) + ": " + std::to_string(knob.minimum - 1) +
                " is below the minimum " + std::to_string(knob.minimum));
}

TEST_P(KnobTest, AboveMaximumNamesTheField) {
  const Knob& knob = GetParam();
  EXPECT_EQ(error_of(knob.document(std::to_string(knob.maximum + 1))),
            std::string(knob.path) + ": " + std::to_string(knob.maximum + 1) +
                " is above the maximum " + std::to_string(knob.maximum));
}

TEST_P(KnobTest, NegativeIsBelowTheMinimum) {
  const Knob& knob = GetParam();
  EXPECT_EQ(error_of(knob.document("-1")),
            std::string(knob.path) + ": -1 is below the minimum " + std::to_string(knob.minimum));
}

TEST_P(KnobTest, NonIntegersNameTheField) {
  const Knob& knob = GetParam();
  const std::string expected = std::string(knob.path) + ": must be an integer";
  for (const char* value :
       {R"("8")", "8.5", "true", "null", "[8]", "1e3", "18446744073709551616"}) {
    EXPECT_EQ(error_of(knob.document(value)), expected) << value;
  }
}

TEST_P(KnobTest, HugeUnsignedIsAboveTheMaximum) {
  const Knob& knob = GetParam();
  EXPECT_THAT(error_of(knob.document("18446744073709551615")),
              StartsWith(std::string(knob.path) + ": 18446744073709551615 is above the maximum"));
}

INSTANTIATE_TEST_SUITE_P(EveryKnob, KnobTest, ::testing::ValuesIn(kKnobs), knob_name);

TEST(ConfigTest, AttemptsMaxBelowMinimumNamesTheField) {
  EXPECT_EQ(error_of(R"({"delivery":{"attempts_max":0}})"),
            "delivery.attempts_max: 0 is below the minimum 1");
}

TEST(ConfigTest, BackoffMaxMinimumIsTheConfiguredBase) {
  EXPECT_EQ(error_of(R"({"delivery":{"backoff_ms_base":1000,"backoff_ms_max":999}})"),
            "delivery.backoff_ms_max: 999 is below the minimum 1000");
  Config config = accepted(R"({"delivery":{"backoff_ms_base":1000,"backoff_ms_max":1000}})");
  EXPECT_EQ(config.delivery.backoff_ms_max, 1000U);
}

TEST(ConfigTest, MapSizeInitialMaximumIsTheConfiguredMaximum) {
  EXPECT_EQ(error_of(R"({"journal":{"map_size_mb_max":100,"map_size_mb_initial":101}})"),
            "journal.map_size_mb_initial: 101 is above the maximum 100");
  Config config = accepted(R"({"journal":{"map_size_mb_initial":100,"map_size_mb_max":100}})");
  EXPECT_EQ(config.journal.map_size_mb_initial, 100U);
}

// A knob whose bound is another knob: an omitted backoff_ms_max must not stay below a larger base.
TEST(ConfigTest, BackoffBaseAboveTheDefaultMaximumIsRefusedOrRaisesIt) {
  Result<Config> config = parse(R"({"delivery":{"backoff_ms_base":100000}})");
  if (config.is_ok()) {
    EXPECT_GE(config.value().delivery.backoff_ms_max, config.value().delivery.backoff_ms_base);
  } else {
    EXPECT_THAT(config.status().message(), HasSubstr("delivery.backoff_ms_"));
  }
}

// Same shape: the default initial map size 64 must not stay above a map_size_mb_max of 16..63.
TEST(ConfigTest, MapSizeMaxBelowTheDefaultInitialSizeIsRefusedOrLowersIt) {
  Result<Config> config = parse(R"({"journal":{"map_size_mb_max":16}})");
  if (config.is_ok()) {
    EXPECT_LE(config.value().journal.map_size_mb_initial, config.value().journal.map_size_mb_max);
  } else {
    EXPECT_THAT(config.status().message(), HasSubstr("journal.map_size_mb_"));
  }
}

// ---------------------------------------------------------------------------------------------
// Defaults of everything else.

TEST(ConfigTest, EmptyObjectTakesEveryDefault) {
  Config config = accepted("{}");
  EXPECT_EQ(config.journal.path, kBase / "data/journal");
  EXPECT_EQ(config.listen.ingest, "tcp://127.0.0.1:5570");
  EXPECT_EQ(config.listen.admin, "tcp://127.0.0.1:5571");
  EXPECT_EQ(config.listen.http, "127.0.0.1:9470");
  EXPECT_TRUE(config.rules.empty());
  EXPECT_TRUE(config.rules_text.empty());
  EXPECT_TRUE(config.targets.empty());
  EXPECT_EQ(config.log.level, "info");
  EXPECT_FALSE(config.quickstart);
}

TEST(ConfigTest, EmptySectionsTakeTheirDefaults) {
  Config config = accepted(R"({"journal":{},"listen":{},"delivery":{},"ingest":{},"log":{},
                               "targets":{}})");
  EXPECT_EQ(config.journal.path, kBase / "data/journal");
  EXPECT_EQ(config.listen.ingest, "tcp://127.0.0.1:5570");
  EXPECT_EQ(config.log.level, "info");
}

TEST(ConfigTest, DesignExampleIsValid) {
  Config config = accepted(R"({
    "journal":  {"path": "data/journal", "map_size_mb_max": 65536},
    "listen":   {"ingest": "tcp://127.0.0.1:5570", "admin": "tcp://127.0.0.1:5571",
                 "http": "127.0.0.1:9470"},
    "rules":    "rules.json",
    "targets":  {"legacy": {"adapter": "pg_interface", "conninfo": "host=/tmp port=5432 dbname=erp",
                            "mapping": "maps/legacy.json"},
                 "new":    {"adapter": "http", "profile": "hledger",
                            "url": "http://127.0.0.1:5000"}},
    "delivery": {"attempts_max": 8, "backoff_ms_base": 200, "backoff_ms_max": 60000}
  })");
  EXPECT_EQ(config.targets.size(), 2U);
  EXPECT_EQ(config.targets.at("legacy").adapter, "pg_interface");
  EXPECT_EQ(config.targets.at("new").adapter, "http");
}

TEST(ConfigTest, EveryLogLevelIsAccepted) {
  for (const char* level : {"trace", "debug", "info", "warn", "error"}) {
    EXPECT_EQ(accepted(std::string(R"({"log":{"level":")") + level + R"("}})").log.level, level);
  }
}

TEST(ConfigTest, LogFormatIsTextUnlessSetToJson) {
  EXPECT_EQ(accepted("{}").log.format, "text");
  EXPECT_EQ(accepted(R"({"log":{"format":"json"}})").log.format, "json");
  EXPECT_EQ(accepted(R"({"log":{"format":"text","level":"debug"}})").log.format, "text");
  EXPECT_EQ(error_of(R"({"log":{"format":"JSON"}})"),
            R"(log.format: "JSON" is not one of json, text)");
}

TEST(ConfigTest, SchedulingIsBatchUnlessSetToNormal) {
  EXPECT_EQ(accepted("{}").ingest.scheduling, "batch");
  EXPECT_EQ(accepted(R"({"ingest":{}})").ingest.scheduling, "batch");
  EXPECT_EQ(accepted(R"({"ingest":{"scheduling":"normal"}})").ingest.scheduling, "normal");
  EXPECT_EQ(accepted(R"({"ingest":{"scheduling":"batch"}})").ingest.scheduling, "batch");
}

TEST(ConfigTest, UnknownSchedulingListsTheChoices) {
  EXPECT_EQ(error_of(R"({"ingest":{"scheduling":"fifo"}})"),
            R"(ingest.scheduling: "fifo" is not one of batch, normal)");
  EXPECT_EQ(error_of(R"({"ingest":{"scheduling":1}})"), "ingest.scheduling: must be a string");
}

TEST(ConfigTest, UnknownLogLevelListsTheChoices) {
  EXPECT_EQ(error_of(R"({"log":{"level":"verbose"}})"),
            R"(log.level: "verbose" is not one of debug, error, info, trace, warn)");
  EXPECT_EQ(error_of(R"({"log":{"level":"INFO"}})"),
            R"(log.level: "INFO" is not one of debug, error, info, trace, warn)");
}

// ---------------------------------------------------------------------------------------------
// Unknown keys and wrong types.

TEST(ConfigTest, UnknownKeyAtTheTopIsNamed) {
  EXPECT_EQ(error_of(R"({"journal":{},"colour":"blue"})"), "colour: unknown key");
}

TEST(ConfigTest, UnknownKeyInEverySectionIsNamed) {
  EXPECT_EQ(error_of(R"({"journal":{"pathh":"x"}})"), "journal.pathh: unknown key");
  EXPECT_EQ(error_of(R"({"listen":{"metrics":"x"}})"), "listen.metrics: unknown key");
  EXPECT_EQ(error_of(R"({"delivery":{"attempts":3}})"), "delivery.attempts: unknown key");
  EXPECT_EQ(error_of(R"({"ingest":{"batch_max":3}})"), "ingest.batch_max: unknown key");
  EXPECT_EQ(error_of(R"({"log":{"pattern":"%v"}})"), "log.pattern: unknown key");
}

TEST(ConfigTest, UnknownKeyInEveryAdapterIsNamed) {
  EXPECT_EQ(error_of(R"({"targets":{"legacy":{"adapter":"file","path":"l.jsonl",
                         "format":"jsonl","timeout_ms":100}}})"),
            "targets.legacy.timeout_ms: unknown key");
  EXPECT_EQ(error_of(R"({"targets":{"new":{"adapter":"zmq","endpoint":"tcp://h:1",
                         "url":"http://h"}}})"),
            "targets.new.url: unknown key");
  EXPECT_EQ(error_of(R"({"targets":{"new":{"adapter":"http","profile":"hledger",
                         "url":"http://h","endpoint":"tcp://h:1"}}})"),
            "targets.new.endpoint: unknown key");
  EXPECT_EQ(error_of(R"({"targets":{"legacy":{"adapter":"pg_interface","conninfo":"x",
                         "tabel":"gl"}}})"),
            "targets.legacy.tabel: unknown key");
}

// Values a target could only fail on at its first delivery are refused at start, named.
TEST(ConfigTest, TargetValuesThatCannotWorkAreRefused) {
  EXPECT_EQ(error_of(R"({"targets":{"new":{"adapter":"http","profile":"sap","url":"http://h"}}})"),
            "targets.new.profile: \"sap\" is not a built-in profile (hledger)");
  for (const char* url : {"not a url", "ftp://h", "http://", "http:///x", "http://h /x",
                          "http://h\\u001b[0m", "127.0.0.1:5000"}) {
    EXPECT_THAT(error_of(std::string(R"({"targets":{"new":{"adapter":"http","profile":"hledger",)"
                                     R"("url":")") +
                         url + R"("}}})"),
                HasSubstr("targets.new.url: "))
        << url;
  }
  // A target is connected to, so its tcp port is 1..65535: no "*", no 0, nothing libzmq would
  // read modulo 65536.
  for (const char* endpoint : {"garbage", "://h:1", "tcp://", "tcp://h:0", "tcp://h:00",
                               "tcp://h:*", "tcp://h:70000", "tcp://h"}) {
    EXPECT_THAT(error_of(std::string(R"({"targets":{"new":{"adapter":"zmq","endpoint":")") +
                         endpoint + R"("}}})"),
                HasSubstr("targets.new.endpoint: "))
        << endpoint;
  }
  for (const char* table :
       {"x y; drop table z", "1gl", "gl-interface", "a.b.c", "\"GL\"", "$gl", "a.", ".a"}) {
    EXPECT_THAT(error_of(std::string(R"({"targets":{"legacy":{"adapter":"pg_interface",)"
                                     R"("conninfo":"dbname=erp","table":)") +
                         nlohmann::json(table).dump() + "}}}"),
                HasSubstr("targets.legacy.table: "))
        << table;
  }
  Config config = accepted(R"({"targets":{
      "legacy":{"adapter":"pg_interface","conninfo":"dbname=erp","table":"erp.GL_INTERFACE_2"},
      "new":{"adapter":"http","profile":"hledger","url":"https://erp.example:8443/api"}}})");
  EXPECT_EQ(config.targets.at("legacy").settings.at("table"), "erp.GL_INTERFACE_2");
  // PostgreSQL's unquoted identifiers also take '$' and non-ASCII letters; schemes any case.
  for (const char* table : {"gl$interface", "gl_interfacé", "_x"}) {
    (void)accepted(std::string(R"({"targets":{"legacy":{"adapter":"pg_interface",)"
                               R"("conninfo":"dbname=erp","table":)") +
                   nlohmann::json(table).dump() + "}}}");  // accepted() fails the test itself
  }
  for (const char* url : {"HTTP://h:5000", "Https://user:secret@h/api?x=1", "http://[::1]:5000"}) {
    (void)accepted(std::string(R"({"targets":{"new":{"adapter":"http","profile":"hledger",)"
                               R"("url":)") +
                   nlohmann::json(url).dump() + "}}}");
  }
  // The URL may hold a password: a refusal does not repeat it.
  EXPECT_EQ(error_of(R"({"targets":{"new":{"adapter":"http","profile":"hledger",)"
                     R"("url":"ftp://user:secret@h"}}})"),
            "targets.new.url: must be an http:// or https:// URL with a host");
  EXPECT_EQ(accepted(R"({"targets":{"new":{"adapter":"zmq","endpoint":"ipc:///run/erp.sock"}}})")
                .targets.at("new")
                .settings.at("endpoint"),
            "ipc:///run/erp.sock");
}

TEST(ConfigTest, RootThatIsNotAnObjectIsRefused) {
  EXPECT_EQ(error_of("[]"), "configuration: must be an object");
  EXPECT_EQ(error_of("\"journal\""), "configuration: must be an object");
  EXPECT_EQ(error_of("null"), "configuration: must be an object");
}

TEST(ConfigTest, SectionThatIsNotAnObjectNamesIt) {
  EXPECT_EQ(error_of(R"({"journal":"data/journal"})"), "journal: must be an object");
  EXPECT_EQ(error_of(R"({"listen":[]})"), "listen: must be an object");
  EXPECT_EQ(error_of(R"({"delivery":8})"), "delivery: must be an object");
  EXPECT_EQ(error_of(R"({"ingest":null})"), "ingest: must be an object");
  EXPECT_EQ(error_of(R"({"log":"info"})"), "log: must be an object");
  EXPECT_EQ(error_of(R"({"targets":[]})"), "targets: must be an object of target name -> target");
  EXPECT_EQ(error_of(R"({"targets":{"legacy":"file"}})"), "targets.legacy: must be an object");
}

TEST(ConfigTest, StringFieldsOfTheWrongTypeNameTheField) {
  EXPECT_EQ(error_of(R"({"journal":{"path":7}})"), "journal.path: must be a string");
  EXPECT_EQ(error_of(R"({"listen":{"ingest":5570}})"), "listen.ingest: must be a string");
  EXPECT_EQ(error_of(R"({"listen":{"admin":null}})"), "listen.admin: must be a string");
  EXPECT_EQ(error_of(R"({"listen":{"http":9470}})"), "listen.http: must be a string");
  EXPECT_EQ(error_of(R"({"rules":{"default":"legacy"}})"), "rules: must be a string");
  EXPECT_EQ(error_of(R"({"log":{"level":3}})"), "log.level: must be a string");
  EXPECT_EQ(error_of(R"({"targets":{"new":{"adapter":"http","profile":"hledger","url":5}}})"),
            "targets.new.url: must be a string");
  EXPECT_EQ(error_of(R"({"targets":{"new":{"adapter":1}}})"),
            "targets.new.adapter: must be a string");
}

TEST(ConfigTest, FirstProblemIsTheOneReported) {
  EXPECT_EQ(error_of(R"({"journal":{"path":""},"delivery":{"attempts_max":0}})"),
            "journal.path: must not be empty");
}

TEST(ConfigTest, EmptyJournalPathIsRefused) {
  EXPECT_EQ(error_of(R"({"journal":{"path":""}})"), "journal.path: must not be empty");
}

// ---------------------------------------------------------------------------------------------
// Invalid JSON.

TEST(ConfigTest, InvalidJsonIsRefused) {
  for (const char* text : {"", "{", R"({"journal":})", "{} {}", "{'journal':{}}",
                           R"({"delivery":{"attempts_max":8,}})", "\xff"}) {
    EXPECT_THAT(error_of(text), HasSubstr("configuration is not valid JSON")) << text;
  }
  EXPECT_THAT(error_of(R"({"journal":})"),
              HasSubstr("configuration is not valid JSON: invalid JSON at byte 12"));
}

// nlohmann alone keeps the last of a repeated key: the router would start on a journal other than
// the one the operator read first.
TEST(ConfigTest, ARepeatedKeyIsRefusedNamingIt) {
  EXPECT_EQ(error_of(R"({"journal":{"path":"a"},"journal":{"path":"b"}})"),
            "journal: duplicate key \"journal\" in the same object");
  EXPECT_EQ(error_of(R"({"journal":{"path":"a","path":"b"}})"),
            "journal.path: duplicate key \"path\" in the same object");
}

// ---------------------------------------------------------------------------------------------
// Relative paths.

TEST(ConfigTest, RelativePathsResolveAgainstTheBase) {
  Config config = accepted(R"({
    "journal": {"path": "data/journal"},
    "rules": "rules.json",
    "targets": {
      "legacy": {"adapter": "file", "path": "out/legacy.csv", "format": "csv",
                 "mapping": "maps/legacy.json"},
      "new": {"adapter": "http", "profile": "hledger", "url": "http://127.0.0.1:5000",
              "journal_file": "ledgers/new.journal", "mapping": "maps/new.json"}
    }
  })");
  EXPECT_EQ(config.journal.path, kBase / "data/journal");
  EXPECT_EQ(config.rules, kBase / "rules.json");
  const nlohmann::json& legacy = config.targets.at("legacy").settings;
  EXPECT_EQ(legacy.at("path"), (kBase / "out/legacy.csv").string());
  EXPECT_EQ(legacy.at("mapping"), (kBase / "maps/legacy.json").string());
  const nlohmann::json& next = config.targets.at("new").settings;
  EXPECT_EQ(next.at("journal_file"), (kBase / "ledgers/new.journal").string());
  EXPECT_EQ(next.at("mapping"), (kBase / "maps/new.json").string());
  EXPECT_EQ(next.at("url"), "http://127.0.0.1:5000");  // not a path: untouched
}

TEST(ConfigTest, MappingOfEveryAdapterResolvesAgainstTheBase) {
  Config config = accepted(R"({"targets": {
      "legacy": {"adapter": "pg_interface", "conninfo": "dbname=erp", "mapping": "m/pg.json"},
      "new": {"adapter": "zmq", "endpoint": "tcp://127.0.0.1:5580", "mapping": "m/zmq.json"}}})");
  EXPECT_EQ(config.targets.at("legacy").settings.at("mapping"), (kBase / "m/pg.json").string());
  EXPECT_EQ(config.targets.at("legacy").settings.at("conninfo"), "dbname=erp");
  EXPECT_EQ(config.targets.at("new").settings.at("mapping"), (kBase / "m/zmq.json").string());
  EXPECT_EQ(config.targets.at("new").settings.at("endpoint"), "tcp://127.0.0.1:5580");
}

TEST(ConfigTest, DotDotInRelativePathsIsNormalised) {
  Config config = accepted(R"({"journal":{"path":"../state/./journal"},"rules":"../rules.json"})");
  EXPECT_EQ(config.journal.path, std::filesystem::path("/srv/coexist/state/journal"));
  EXPECT_EQ(config.rules, std::filesystem::path("/srv/coexist/rules.json"));
}

TEST(ConfigTest, AbsolutePathsAreKept) {
  Config config = accepted(R"({"journal":{"path":"/var/lib/coexist/journal"},
                               "rules":"/etc/coexist/rules.json",
                               "targets":{"legacy":{"adapter":"file","path":"/exports/l.jsonl",
                                                    "format":"jsonl"}}})");
  EXPECT_EQ(config.journal.path, std::filesystem::path("/var/lib/coexist/journal"));
  EXPECT_EQ(config.rules, std::filesystem::path("/etc/coexist/rules.json"));
  EXPECT_EQ(config.targets.at("legacy").settings.at("path"), "/exports/l.jsonl");
}

TEST(ConfigTest, EmptyRulesIsRefusedAndAbsentRulesMeansNone) {
  EXPECT_EQ(error_of(R"({"rules":""})"),
            "rules: must name a rules file (leave the key out to start without rules)");
  EXPECT_TRUE(accepted(R"({})").rules.empty());
}

TEST(ConfigTest, LoadConfigResolvesAgainstTheFilesFolder) {
  TempDir dir;
  const std::filesystem::path file = dir.path() / "etc" / "coexist.json";
  write_file(file, R"({"journal":{"path":"journal"},"rules":"rules.json",
                       "targets":{"legacy":{"adapter":"file","path":"legacy.jsonl",
                                            "format":"jsonl"}}})");
  Result<Config> config = router::load_config(file);
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  EXPECT_EQ(config.value().journal.path, dir.path() / "etc" / "journal");
  EXPECT_EQ(config.value().rules, dir.path() / "etc" / "rules.json");
  EXPECT_EQ(config.value().targets.at("legacy").settings.at("path"),
            (dir.path() / "etc" / "legacy.jsonl").string());
}

TEST(ConfigTest, LoadConfigDefaultJournalIsBesideTheFile) {
  TempDir dir;
  const std::filesystem::path file = dir.path() / "coexist.json";
  write_file(file, "{}");
  Result<Config> config = router::load_config(file);
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  EXPECT_EQ(config.value().journal.path, dir.path() / "data" / "journal");
}

TEST(ConfigTest, LoadConfigErrorNamesTheFileAndTheField) {
  TempDir dir;
  const std::filesystem::path file = dir.path() / "coexist.json";
  write_file(file, R"({"delivery":{"attempts_max":1001}})");
  Result<Config> config = router::load_config(file);
  ASSERT_FALSE(config.is_ok());
  EXPECT_EQ(config.status().code(), Status::Code::invalid_argument);
  EXPECT_EQ(config.status().message(),
            file.string() + ": delivery.attempts_max: 1001 is above the maximum 1000");
}

TEST(ConfigTest, LoadConfigOfAMissingFileNamesIt) {
  TempDir dir;
  const std::filesystem::path file = dir.path() / "absent.json";
  Result<Config> config = router::load_config(file);
  ASSERT_FALSE(config.is_ok());
  EXPECT_EQ(config.status().code(), Status::Code::invalid_argument);
  EXPECT_EQ(config.status().message(), "cannot read " + file.string());
}

TEST(ConfigTest, LoadConfigOfADirectoryIsRefusedNamingIt) {
  TempDir dir;
  Result<Config> config = router::load_config(dir.path());
  ASSERT_FALSE(config.is_ok());
  EXPECT_EQ(config.status().code(), Status::Code::invalid_argument);
  EXPECT_THAT(config.status().message(), HasSubstr(dir.path().string()));
}

TEST(ConfigTest, LoadConfigOfInvalidJsonNamesTheFile) {
  TempDir dir;
  const std::filesystem::path file = dir.path() / "coexist.json";
  write_file(file, R"({"journal": )");
  Result<Config> config = router::load_config(file);
  ASSERT_FALSE(config.is_ok());
  EXPECT_THAT(config.status().message(),
              HasSubstr(file.string() + ": configuration is not valid JSON: invalid JSON at byte"));
}

// ---------------------------------------------------------------------------------------------
// Adapters.

TEST(ConfigTest, FileAdapterTakesEveryFormat) {
  for (const char* format : {"jsonl", "csv", "hledger"}) {
    Config config = accepted(std::string(R"({"targets":{"legacy":{"adapter":"file",
                                 "path":"l.out","format":")") +
                             format + R"("}}})");
    EXPECT_EQ(config.targets.at("legacy").adapter, "file");
    EXPECT_EQ(config.targets.at("legacy").settings.at("format"), format);
  }
}

TEST(ConfigTest, FileAdapterWithoutPathNamesIt) {
  EXPECT_EQ(error_of(R"({"targets":{"legacy":{"adapter":"file","format":"jsonl"}}})"),
            "targets.legacy.path: missing required key");
}

TEST(ConfigTest, FileAdapterWithoutFormatNamesIt) {
  EXPECT_EQ(error_of(R"({"targets":{"legacy":{"adapter":"file","path":"l.jsonl"}}})"),
            "targets.legacy.format: missing required key");
}

TEST(ConfigTest, FileAdapterUnknownFormatListsTheChoices) {
  EXPECT_EQ(error_of(R"({"targets":{"legacy":{"adapter":"file","path":"l","format":"xml"}}})"),
            R"(targets.legacy.format: "xml" is not one of csv, hledger, jsonl)");
  EXPECT_EQ(error_of(R"({"targets":{"legacy":{"adapter":"file","path":"l","format":"JSONL"}}})"),
            R"(targets.legacy.format: "JSONL" is not one of csv, hledger, jsonl)");
}

TEST(ConfigTest, FileAdapterEmptyPathIsRefused) {
  EXPECT_EQ(error_of(R"({"targets":{"legacy":{"adapter":"file","path":"","format":"csv"}}})"),
            "targets.legacy.path: must not be empty");
}

TEST(ConfigTest, ZmqAdapterWithoutEndpointNamesIt) {
  EXPECT_EQ(error_of(R"({"targets":{"new":{"adapter":"zmq"}}})"),
            "targets.new.endpoint: missing required key");
}

TEST(ConfigTest, ZmqAdapterKeepsItsSettingsAndDefaultsTheTimeout) {
  Config config = accepted(R"({"targets":{"new":{"adapter":"zmq",
                                                 "endpoint":"tcp://127.0.0.1:5580"}}})");
  EXPECT_EQ(config.targets.at("new").settings,
            nlohmann::json::parse(
                R"({"adapter":"zmq","endpoint":"tcp://127.0.0.1:5580","timeout_ms":5000})"));
}

TEST(ConfigTest, HttpAdapterWithoutProfileOrUrlNamesIt) {
  EXPECT_EQ(error_of(R"({"targets":{"new":{"adapter":"http","url":"http://h:5000"}}})"),
            "targets.new.profile: missing required key");
  EXPECT_EQ(error_of(R"({"targets":{"new":{"adapter":"http","profile":"hledger"}}})"),
            "targets.new.url: missing required key");
}

TEST(ConfigTest, HttpAdapterEmptyUrlIsRefused) {
  EXPECT_EQ(error_of(R"({"targets":{"new":{"adapter":"http","profile":"hledger","url":""}}})"),
            "targets.new.url: must not be empty");
}

TEST(ConfigTest, PgInterfaceWithoutConninfoNamesIt) {
  EXPECT_EQ(error_of(R"({"targets":{"legacy":{"adapter":"pg_interface","table":"gl"}}})"),
            "targets.legacy.conninfo: missing required key");
}

TEST(ConfigTest, PgInterfaceTableIsOptional) {
  Config without = accepted(R"({"targets":{"legacy":{"adapter":"pg_interface",
                                                     "conninfo":"dbname=erp"}}})");
  EXPECT_FALSE(without.targets.at("legacy").settings.contains("table"));
  Config with = accepted(R"({"targets":{"legacy":{"adapter":"pg_interface",
                                                  "conninfo":"dbname=erp","table":"gl"}}})");
  EXPECT_EQ(with.targets.at("legacy").settings.at("table"), "gl");
}

TEST(ConfigTest, PgInterfaceHasNoTimeout) {
  EXPECT_EQ(error_of(R"({"targets":{"legacy":{"adapter":"pg_interface","conninfo":"x",
                         "timeout_ms":100}}})"),
            "targets.legacy.timeout_ms: unknown key");
}

TEST(ConfigTest, TargetWithoutAdapterNamesIt) {
  EXPECT_EQ(error_of(R"({"targets":{"legacy":{"path":"l.jsonl","format":"jsonl"}}})"),
            "targets.legacy.adapter: missing required key");
}

TEST(ConfigTest, UnknownAdapterListsTheChoices) {
  EXPECT_EQ(error_of(R"({"targets":{"legacy":{"adapter":"sftp"}}})"),
            R"(targets.legacy.adapter: "sftp" is not one of file, http, pg_interface, zmq)");
}

TEST(ConfigTest, EmptyMappingIsRefused) {
  EXPECT_EQ(error_of(R"({"targets":{"new":{"adapter":"zmq","endpoint":"tcp://h:1",
                         "mapping":""}}})"),
            "targets.new.mapping: must not be empty");
}

// ---------------------------------------------------------------------------------------------
// Listen endpoints.

TEST(ConfigTest, ListenEndpointsAreKept) {
  Config config = accepted(R"({"listen":{"ingest":"ipc:///run/coexist/ingest",
                                         "admin":"tcp://0.0.0.0:6571","http":"0.0.0.0:9000"}})");
  EXPECT_EQ(config.listen.ingest, "ipc:///run/coexist/ingest");
  EXPECT_EQ(config.listen.admin, "tcp://0.0.0.0:6571");
  EXPECT_EQ(config.listen.http, "0.0.0.0:9000");
}

TEST(ConfigTest, IngestWithoutTransportIsNotAZeroMqEndpoint) {
  EXPECT_EQ(
      error_of(R"({"listen":{"ingest":"127.0.0.1:5570"}})"),
      R"(listen.ingest: "127.0.0.1:5570" is not a ZeroMQ endpoint such as tcp://127.0.0.1:5570 (a tcp port is 0..65535 or *))");
  EXPECT_EQ(
      error_of(R"({"listen":{"ingest":""}})"),
      R"(listen.ingest: "" is not a ZeroMQ endpoint such as tcp://127.0.0.1:5570 (a tcp port is 0..65535 or *))");
}

TEST(ConfigTest, HttpPortMustBeAPortNumber) {
  for (const char* http :
       {"127.0.0.1:99999", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:80x", ":9470", ":0"}) {
    EXPECT_EQ(error_of(std::string(R"({"listen":{"http":")") + http + R"("}})"),
              std::string("listen.http: \"") + http +
                  "\" must be host:port with a port of 0..65535 (or empty to disable)")
        << http;
  }
  EXPECT_EQ(accepted(R"({"listen":{"http":"127.0.0.1:65535"}})").listen.http, "127.0.0.1:65535");
  EXPECT_EQ(accepted(R"({"listen":{"http":"[::1]:0"}})").listen.http, "[::1]:0");
}

TEST(ConfigTest, AdminWithoutTransportIsNotAZeroMqEndpoint) {
  EXPECT_EQ(
      error_of(R"({"listen":{"admin":"localhost:5571"}})"),
      R"(listen.admin: "localhost:5571" is not a ZeroMQ endpoint such as tcp://127.0.0.1:5570 (a tcp port is 0..65535 or *))");
}

// libzmq reads a port modulo 65536: "110000" would bind 44464 and no client would find it.
TEST(ConfigTest, TcpListenPortsMustBeRealPorts) {
  for (const char* key : {"ingest", "admin"}) {
    for (const char* endpoint :
         {"tcp://127.0.0.1:110000", "tcp://127.0.0.1:65536", "tcp://127.0.0.1:", "tcp://127.0.0.1",
          "tcp://127.0.0.1:55x", "tcp://:5570", "tcp://127.0.0.1:-1"}) {
      EXPECT_EQ(error_of(std::string(R"({"listen":{")") + key + R"(":")" + endpoint + R"("}})"),
                std::string("listen.") + key + ": \"" + endpoint +
                    "\" is not a ZeroMQ endpoint such as tcp://127.0.0.1:5570 (a tcp port is "
                    "0..65535 or *)")
          << key << " " << endpoint;
    }
    for (const char* endpoint : {"tcp://127.0.0.1:65535", "tcp://127.0.0.1:*", "tcp://*:5570",
                                 "tcp://[::1]:5570", "tcp://127.0.0.1:0", "ipc:///tmp/x:99999"}) {
      EXPECT_TRUE(
          parse_config(std::string(R"({"listen":{")") + key + R"(":")" + endpoint + R"("}})", kBase)
              .is_ok())
          << key << " " << endpoint;
    }
  }
}

// No other process can connect to inproc://: a router listening there would serve nobody.
TEST(ConfigTest, InprocListenEndpointsAreRefusedNamingTheKey) {
  for (const char* key : {"ingest", "admin"}) {
    EXPECT_EQ(error_of(std::string(R"({"listen":{")") + key + R"(":"inproc://coexist"}})"),
              std::string("listen.") + key +
                  ": \"inproc://coexist\" is an inproc:// endpoint, which no other process can "
                  "reach; use tcp:// or ipc://")
        << key;
  }
}

// libzmq unlinks an ipc socket file before binding it: the admin socket would silently take the
// ingest socket's place. With tcp the second bind would fail; refused here all the same.
TEST(ConfigTest, IngestAndAdminOnOneEndpointAreRefusedNamingBoth) {
  for (const char* endpoint :
       {"ipc:///run/coexist/router.sock", "tcp://127.0.0.1:5570", "tcp://*:6000"}) {
    EXPECT_EQ(error_of(std::string(R"({"listen":{"ingest":")") + endpoint + R"(","admin":")" +
                       endpoint + R"("}})"),
              std::string("listen.admin: \"") + endpoint +
                  "\" is also listen.ingest; the ingest and admin sockets need an endpoint each")
        << endpoint;
  }
  // The admin socket's default is as much a clash as one written out.
  EXPECT_THAT(error_of(R"({"listen":{"ingest":"tcp://127.0.0.1:5571"}})"),
              StartsWith("listen.admin: \"tcp://127.0.0.1:5571\" is also listen.ingest"));
  // Two spellings of one relative path are one socket file.
  EXPECT_THAT(error_of(R"({"listen":{"ingest":"ipc://run/router.sock",
                                     "admin":"ipc://./run/../run/router.sock"}})"),
              StartsWith("listen.admin: \"ipc:///srv/coexist/conf/run/router.sock\" is also"));
}

TEST(ConfigTest, IngestAndAdminMayBothAskForAFreshAddress) {
  for (const char* endpoint : {"tcp://127.0.0.1:*", "tcp://127.0.0.1:0", "ipc://*"}) {
    Config config = accepted(std::string(R"({"listen":{"ingest":")") + endpoint + R"(","admin":")" +
                             endpoint + R"("}})");
    EXPECT_EQ(config.listen.ingest, endpoint);
    EXPECT_EQ(config.listen.admin, endpoint);
  }
}

// A socket file is a path like every other in the configuration: relative to its folder, not to
// wherever the router happens to be started, so the ready file names an absolute path.
TEST(ConfigTest, RelativeIpcPathsResolveAgainstTheBase) {
  Config config = accepted(R"({"listen":{"ingest":"ipc://ingest.sock",
                                         "admin":"ipc://../run/admin.sock"}})");
  EXPECT_EQ(config.listen.ingest, "ipc:///srv/coexist/conf/ingest.sock");
  EXPECT_EQ(config.listen.admin, "ipc:///srv/coexist/run/admin.sock");
}

TEST(ConfigTest, AbsoluteWildcardAndAbstractIpcEndpointsAreKept) {
  Config config = accepted(R"({"listen":{"ingest":"ipc:///run/coexist/ingest.sock",
                                         "admin":"ipc://@coexist-admin"}})");
  EXPECT_EQ(config.listen.ingest, "ipc:///run/coexist/ingest.sock");
  EXPECT_EQ(config.listen.admin, "ipc://@coexist-admin");
  EXPECT_EQ(accepted(R"({"listen":{"ingest":"ipc://*"}})").listen.ingest, "ipc://*");
  EXPECT_THAT(error_of(R"({"listen":{"ingest":"ipc://"}})"),
              StartsWith(R"(listen.ingest: "ipc://" is not a ZeroMQ endpoint)"));
}

TEST(ConfigTest, HttpWithoutPortIsRefused) {
  EXPECT_EQ(
      error_of(R"({"listen":{"http":"localhost"}})"),
      R"(listen.http: "localhost" must be host:port with a port of 0..65535 (or empty to disable))");
}

TEST(ConfigTest, EmptyHttpDisablesTheEndpoint) {
  EXPECT_EQ(accepted(R"({"listen":{"http":""}})").listen.http, "");
}

// ---------------------------------------------------------------------------------------------
// The quickstart.

TEST(ConfigTest, QuickstartRulesAreByteIdenticalToTheExampleFile) {
  const std::string example =
      read_file(std::filesystem::path(COEXIST_SOURCE_DIR) / "examples" / "rules.json");
  ASSERT_FALSE(example.empty());
  EXPECT_EQ(router::quickstart_rules_json(), example);
}

TEST(ConfigTest, QuickstartRulesAreAValidRuleSet) {
  rules::ParseOutcome outcome = rules::parse_rule_set(router::quickstart_rules_json());
  EXPECT_TRUE(outcome.rule_set.has_value());
  EXPECT_TRUE(outcome.errors.empty());
  EXPECT_TRUE(outcome.warnings.empty());
}

TEST(ConfigTest, QuickstartConfigJsonIsValid) {
  EXPECT_TRUE(parse_config(router::quickstart_config_json(), kBase).is_ok());
}

TEST(ConfigTest, QuickstartHasBothTargetsAsFileAdaptersBesideTheJournal) {
  TempDir dir;
  Config config = router::quickstart_config(dir.path());
  EXPECT_TRUE(config.quickstart);
  EXPECT_EQ(config.journal.path, dir.path() / "coexist-data" / "journal");
  ASSERT_EQ(config.targets.size(), 2U);
  for (const char* name : {"legacy", "new"}) {
    ASSERT_TRUE(config.targets.contains(name)) << name;
    const router::TargetConfig& target = config.targets.at(name);
    EXPECT_EQ(target.adapter, "file") << name;
    EXPECT_EQ(target.settings.at("format"), "jsonl") << name;
    EXPECT_EQ(target.settings.at("path"),
              (dir.path() / "coexist-data" / (std::string(name) + ".jsonl")).string());
  }
}

TEST(ConfigTest, QuickstartUsesTheEmbeddedRulesAndDefaultListeners) {
  TempDir dir;
  Config config = router::quickstart_config(dir.path());
  EXPECT_TRUE(config.rules.empty());
  EXPECT_EQ(config.rules_text, router::quickstart_rules_json());
  EXPECT_EQ(config.listen.ingest, "tcp://127.0.0.1:5570");
  EXPECT_EQ(config.listen.admin, "tcp://127.0.0.1:5571");
  EXPECT_EQ(config.listen.http, "127.0.0.1:9470");
  EXPECT_EQ(config.journal.map_size_mb_max, 65536U);
  EXPECT_EQ(config.delivery.attempts_max, 8U);
}

}  // namespace
}  // namespace coexist::test
