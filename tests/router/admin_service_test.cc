#include "router/admin_service.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <zmq.hpp>

#include "journal/journal.h"
#include "model/timestamp.h"
#include "rules/rule_set_parser.h"
#include "tests/support/small_journal.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

using nlohmann::json;
using router::RulesChange;

constexpr std::int64_t kNowUs = 1'795'600'800'123'456;  // 2026-11-25T10:00:00.123456Z

class FixedClock final : public router::Clock {
 public:
  [[nodiscard]] std::int64_t now_us() const override { return kNowUs; }
  [[nodiscard]] std::int64_t steady_ns() const override { return 42; }
};

constexpr const char* kRules =
    R"({"default":"legacy",)"
    R"("rules":[{"name":"DE01 dual run","when":{"entity":"DE01"},"route":"both"}]})";
// kRules in canonical form, and its SHA-256 as computed by `sha256sum`.
constexpr const char* kCanonical =
    R"({"default":"legacy",)"
    R"("rules":[{"name":"DE01 dual run","route":"both","when":{"entity":"DE01"}}]})";
constexpr const char* kCanonicalSha256 =
    "8621d6056025e3f0d993ab7cf9f6b1cea2763cf114e6767cc366f6b9d1b9897a";

class AdminServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    journal_ = open_small_journal(dir_);
    ASSERT_NE(journal_, nullptr);
    service_ = std::make_unique<router::AdminService>(context_, *journal_, rules_state_, clock_,
                                                      "inproc://admin-service-test");
  }

  // Prepares a change that must succeed.
  RulesChange prepare(const json& request, const std::string& rules_text = kRules,
                      std::uint32_t copied_from = 0) {
    json error;
    std::optional<RulesChange> change =
        service_->prepare_rules_change(request, rules_text, copied_from, error);
    EXPECT_TRUE(change.has_value()) << error.dump();
    EXPECT_TRUE(error.is_null()) << error.dump();
    return change ? std::move(*change) : RulesChange{};
  }

  // Prepares a change that must be refused; returns the error reply.
  json refuse(const json& request, const std::string& rules_text = kRules) {
    json error;
    std::optional<RulesChange> change =
        service_->prepare_rules_change(request, rules_text, 0, error);
    EXPECT_FALSE(change.has_value());
    EXPECT_EQ(error["status"], "error") << error.dump();
    return error;
  }

  void add_versions(std::uint32_t count) {
    for (std::uint32_t version = 1; version <= count; ++version) {
      rules::ParseOutcome outcome = rules::parse_rule_set(kRules);
      rules_state_.add(version, kNowUs - 1000,
                       std::make_shared<const rules::RuleSet>(std::move(*outcome.rule_set)));
    }
  }

  TempDir dir_;
  std::unique_ptr<journal::Journal> journal_;
  router::RulesState rules_state_;
  FixedClock clock_;
  zmq::context_t context_{1};
  std::unique_ptr<router::AdminService> service_;
};

const json kReason = {{"reason", "DE01 cutover rehearsal"}};

std::set<std::string> problem_paths(const json& problems) {
  std::set<std::string> paths;
  for (const json& problem : problems) {
    EXPECT_TRUE(problem.contains("message")) << problem.dump();
    paths.insert(problem.at("path").get<std::string>());
  }
  return paths;
}

// ---------------------------------------------------------------------------------------------
// Refusals.

TEST_F(AdminServiceTest, InvalidRulesListEveryProblemWithItsPath) {
  json error = refuse(kReason, R"({"default":"nowhere","extra":1,"rules":[
      {"name":"a","when":{"entiy":"DE01"},"route":"new"},
      {"name":"a","when":{},"route":"sideways"}]})");
  EXPECT_EQ(error["error"]["code"], "invalid_rules");
  const json& problems = error["error"]["problems"];
  ASSERT_TRUE(problems.is_array()) << error.dump();
  EXPECT_EQ(problem_paths(problems),
            (std::set<std::string>{"default", "extra", "rules[0].when.entiy", "rules[1].name",
                                   "rules[1].route"}))
      << error.dump();
  EXPECT_EQ(error["error"]["message"],
            std::to_string(problems.size()) + " problem(s); the active version is unchanged");
}

TEST_F(AdminServiceTest, InvalidRulesKeepTheirWarnings) {
  json error = refuse(kReason, R"({"default":"legacy","rules":[
      {"name":"a","when":{"currency":"EURO"},"route":"new"},
      {"name":"b","when":{},"route":"jump"}]})");
  EXPECT_EQ(error["error"]["code"], "invalid_rules");
  EXPECT_EQ(problem_paths(error["error"]["problems"]), std::set<std::string>{"rules[1].route"});
  ASSERT_TRUE(error["warnings"].is_array());
  EXPECT_TRUE(problem_paths(error["warnings"]).contains("rules[0].when.currency")) << error.dump();
}

TEST_F(AdminServiceTest, UnparseableRulesAreInvalidRules) {
  json error = refuse(kReason, R"({"default":"legacy","rules":[)");
  EXPECT_EQ(error["error"]["code"], "invalid_rules");
  EXPECT_FALSE(error["error"]["problems"].empty());
}

TEST_F(AdminServiceTest, InvalidRulesLeaveTheVersionsUnchanged) {
  (void)refuse(kReason, R"({"default":"nowhere","rules":[]})");
  EXPECT_EQ(prepare(kReason).record.version, 1U);
}

TEST_F(AdminServiceTest, MissingReasonIsABadRequest) {
  json error = refuse(json::object());
  EXPECT_EQ(error["error"]["code"], "bad_request");
  EXPECT_EQ(error["error"]["message"], R"("reason" must be a non-empty string)");
}

TEST_F(AdminServiceTest, EmptyOrNonStringReasonIsABadRequest) {
  for (const json& reason : {json(""), json(7), json(nullptr), json::array({"why"})}) {
    EXPECT_EQ(refuse({{"reason", reason}})["error"]["code"], "bad_request") << reason.dump();
  }
}

TEST_F(AdminServiceTest, MissingReasonIsReportedBeforeInvalidRules) {
  EXPECT_EQ(refuse(json::object(), "{")["error"]["code"], "bad_request");
}

TEST_F(AdminServiceTest, EffectiveAtWithAnOffsetIsTheSameInstant) {
  json request = kReason;
  request["effective_at"] = "2026-12-01T01:00:00+01:00";
  EXPECT_EQ(prepare(request).reply["effective_at"], "2026-12-01T00:00:00.000000Z");
}

TEST_F(AdminServiceTest, EffectiveAtThatIsNotRfc3339IsABadRequest) {
  for (const json& at : {json("tomorrow"), json("2026-11-25T10:00:00"),
                         json("2026-02-30T00:00:00Z"), json(1795600800), json(nullptr)}) {
    json request = kReason;
    request["effective_at"] = at;
    json error = refuse(request);
    EXPECT_EQ(error["error"]["code"], "bad_request") << at.dump();
    EXPECT_EQ(error["error"]["message"],
              R"("effective_at" must be an RFC 3339 time with Z or an offset)");
  }
}

TEST_F(AdminServiceTest, AppliedByThatIsNotAStringIsABadRequest) {
  json request = kReason;
  request["applied_by"] = 7;
  json error;
  std::optional<RulesChange> change;
  EXPECT_NO_THROW(change = service_->prepare_rules_change(request, kRules, 0, error));
  EXPECT_FALSE(change.has_value());
  EXPECT_EQ(error["error"]["code"], "bad_request");
}

// ---------------------------------------------------------------------------------------------
// The prepared version.

TEST_F(AdminServiceTest, FirstVersionIsOne) {
  RulesChange change = prepare(kReason);
  EXPECT_EQ(change.record.version, 1U);
  EXPECT_EQ(change.reply["version"], 1);
  ASSERT_NE(change.rule_set, nullptr);
  EXPECT_EQ(change.rule_set->version(), 1U);
}

TEST_F(AdminServiceTest, VersionIsTheLatestPlusOne) {
  add_versions(3);
  RulesChange change = prepare(kReason);
  EXPECT_EQ(change.record.version, 4U);
  EXPECT_EQ(change.rule_set->version(), 4U);
  EXPECT_EQ(change.reply["version"], 4);
}

TEST_F(AdminServiceTest, VersionFollowsTheLatestEvenIfItIsScheduled) {
  rules::ParseOutcome outcome = rules::parse_rule_set(kRules);
  rules_state_.add(1, kNowUs + 1'000'000'000,
                   std::make_shared<const rules::RuleSet>(std::move(*outcome.rule_set)));
  EXPECT_EQ(prepare(kReason).record.version, 2U);
}

TEST_F(AdminServiceTest, Sha256IsOfTheCanonicalJson) {
  RulesChange change = prepare(kReason);
  EXPECT_EQ(change.record.canonical, kCanonical);
  EXPECT_EQ(change.record.sha256, journal::sha256(kCanonical));
  EXPECT_EQ(journal::to_hex(change.record.sha256), kCanonicalSha256);
  EXPECT_EQ(change.reply["sha256"], kCanonicalSha256);
}

TEST_F(AdminServiceTest, FormattingAndKeyOrderDoNotChangeTheSha256) {
  RulesChange change = prepare(kReason, R"({
      "rules": [ {"route": "both", "when": {"entity": "DE01"}, "name": "DE01 dual run"} ],
      "default": "legacy"
  })");
  EXPECT_EQ(change.record.canonical, kCanonical);
  EXPECT_EQ(change.reply["sha256"], kCanonicalSha256);
}

TEST_F(AdminServiceTest, DifferentRulesHaveADifferentSha256) {
  RulesChange change = prepare(kReason, R"({"default":"new","rules":[]})");
  EXPECT_EQ(change.record.canonical, R"({"default":"new","rules":[]})");
  EXPECT_EQ(change.reply["sha256"],
            "f29b2d7de92943770ece8805ce8df38f79d5a1c4720a7618517b4f3cc990f840");
}

TEST_F(AdminServiceTest, WithoutEffectiveAtTheVersionAppliesNow) {
  RulesChange change = prepare(kReason);
  EXPECT_EQ(change.record.applied_at_us, kNowUs);
  EXPECT_EQ(change.record.effective_at_us, kNowUs);
  EXPECT_EQ(change.reply["applied_at"], "2026-11-25T10:00:00.123456Z");
  EXPECT_EQ(change.reply["effective_at"], "2026-11-25T10:00:00.123456Z");
}

TEST_F(AdminServiceTest, EffectiveAtInThePastBecomesNow) {
  for (const char* past : {"2020-01-01T00:00:00Z", "2026-11-25", "2026-11-25T10:00:00.123455Z"}) {
    json request = kReason;
    request["effective_at"] = past;
    RulesChange change = prepare(request);
    EXPECT_EQ(change.record.effective_at_us, kNowUs) << past;
    EXPECT_EQ(change.reply["effective_at"], "2026-11-25T10:00:00.123456Z") << past;
  }
}

TEST_F(AdminServiceTest, EffectiveAtExactlyNowIsNow) {
  json request = kReason;
  request["effective_at"] = "2026-11-25T10:00:00.123456Z";
  EXPECT_EQ(prepare(request).record.effective_at_us, kNowUs);
}

TEST_F(AdminServiceTest, EffectiveAtInTheFutureIsKept) {
  json request = kReason;
  request["effective_at"] = "2026-12-01T00:00:00Z";
  RulesChange change = prepare(request);
  EXPECT_EQ(change.record.effective_at_us, *parse_rfc3339_utc("2026-12-01T00:00:00Z"));
  EXPECT_EQ(change.record.applied_at_us, kNowUs);
  EXPECT_EQ(change.reply["effective_at"], "2026-12-01T00:00:00.000000Z");
  EXPECT_EQ(change.reply["applied_at"], "2026-11-25T10:00:00.123456Z");
}

TEST_F(AdminServiceTest, ReasonAndAppliedByAreRecorded) {
  json request = kReason;
  request["applied_by"] = "alice@ops";
  RulesChange change = prepare(request);
  EXPECT_EQ(change.record.reason, "DE01 cutover rehearsal");
  EXPECT_EQ(change.record.applied_by, "alice@ops");
}

TEST_F(AdminServiceTest, AppliedByDefaultsToUnknown) {
  EXPECT_EQ(prepare(kReason).record.applied_by, "unknown");
}

TEST_F(AdminServiceTest, ReplyEchoesTheRequestIdAndCarriesWarnings) {
  json request = kReason;
  request["request_id"] = "r-17";
  RulesChange change =
      prepare(request, R"({"default":"legacy","rules":[{"name":"a","when":{"type":"invoce"},
                                                         "route":"new"}]})");
  EXPECT_EQ(change.reply["status"], "ok");
  EXPECT_EQ(change.reply["request_id"], "r-17");
  EXPECT_EQ(problem_paths(change.reply["warnings"]), std::set<std::string>{"rules[0].when.type"});
  EXPECT_FALSE(change.reply.contains("copied_from"));
  EXPECT_FALSE(change.reply.contains("activated_after_seq")) << "known only after the commit";
}

TEST_F(AdminServiceTest, RollbackCopyNamesItsSource) {
  add_versions(2);
  RulesChange change = prepare(kReason, kRules, 1);
  EXPECT_EQ(change.record.version, 3U);
  EXPECT_EQ(change.record.copied_from, 1U);
  EXPECT_EQ(change.reply["copied_from"], 1);
}

// A version recorded before rule names were checked for control characters can still be rolled
// back to (at 2 a.m. that is no time to learn a new rule); a new rule set cannot use such a name.
TEST_F(AdminServiceTest, RollbackKeepsARecordedNameThatANewRuleSetCannotUse) {
  const std::string recorded =
      R"({"default":"legacy","rules":[{"name":"two\nlines","route":"new","when":{}}]})";
  add_versions(1);
  EXPECT_EQ(prepare(kReason, recorded, 1).record.canonical, recorded);
  json refused = refuse(kReason, recorded);
  EXPECT_EQ(refused["error"]["code"], "invalid_rules") << refused.dump();
  EXPECT_EQ(problem_paths(refused["error"]["problems"]), std::set<std::string>{"rules[0].name"});
}

TEST_F(AdminServiceTest, PreparingDoesNotAddTheVersion) {
  RulesChange change = prepare(kReason);
  EXPECT_EQ(change.record.version, 1U);
  EXPECT_EQ(rules_state_.latest_version(), 0U);
  EXPECT_EQ(prepare(kReason).record.version, 1U);
}

}  // namespace
}  // namespace coexist::test
