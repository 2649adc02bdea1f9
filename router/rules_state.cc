#include "router/rules_state.h"

#include "rules/evaluate.h"
#include "rules/rule_set_parser.h"

namespace coexist::router {

Result<std::unique_ptr<RulesState>> RulesState::load(const journal::Journal& journal) {
  auto history = journal.rule_sets();
  if (!history.is_ok()) return history.status();
  auto state = std::make_unique<RulesState>();
  for (const journal::RuleSetRecord& record : history.value()) {
    rules::ParseOutcome parsed =
        rules::parse_rule_set(record.canonical, rules::RuleSetOrigin::recorded);
    if (!parsed.rule_set) {
      return Status::error(Status::Code::corruption,
                           "rules version " + std::to_string(record.version) +
                               " in the journal no longer parses: " +
                               (parsed.errors.empty() ? "" : parsed.errors[0].message));
    }
    parsed.rule_set->set_version(record.version);
    state->add(record.version, record.effective_at_us,
               std::make_shared<const rules::RuleSet>(std::move(*parsed.rule_set)));
  }
  return state;
}

void RulesState::add(std::uint32_t version, std::int64_t effective_at_us,
                     std::shared_ptr<const rules::RuleSet> rule_set) {
  COEXIST_ASSERT(version == latest_version() + 1);
  versions_.push_back(Version{version, effective_at_us, std::move(rule_set)});
}

void RulesState::withdraw(std::uint32_t version) {
  COEXIST_ASSERT(!versions_.empty() && versions_.back().version == version);
  versions_.pop_back();
}

std::uint32_t RulesState::latest_version() const {
  return versions_.empty() ? 0 : versions_.back().version;
}

const RulesState::Version* RulesState::in_force(std::int64_t at_us) const {
  // Newest first: almost always the first one looked at is in force.
  for (auto it = versions_.rbegin(); it != versions_.rend(); ++it) {
    if (it->effective_at_us <= at_us) return &*it;
  }
  return nullptr;
}

std::uint32_t RulesState::version_at(std::int64_t at_us) const {
  const Version* version = in_force(at_us);
  return version == nullptr ? 0 : version->version;
}

Decision RulesState::decide(const Transaction& transaction, std::int64_t received_at_us) const {
  const Version* version = in_force(received_at_us);
  if (version == nullptr) return Decision{"legacy", "default", 0};
  rules::Decision decision = rules::evaluate(*version->rule_set, transaction);
  return Decision{std::string(rules::to_string(decision.route)), std::string(decision.rule_name),
                  version->version};
}

}  // namespace coexist::router
