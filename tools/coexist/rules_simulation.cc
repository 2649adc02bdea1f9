#include "tools/coexist/rules_simulation.h"

#include <mutex>
#include <thread>
#include <vector>

#include "model/limits.h"
#include "model/transaction_parser.h"
#include "rules/evaluate.h"

namespace coexist::cli {
namespace {

constexpr std::uint8_t kNotEvaluated = 0xff;

// Whether evaluating `rule_set` needs a transaction's lines or attributes. When it does not, the
// record's own fields (entity, source, type, currency, posting_date, debit_total — checked against
// the canonical transaction by `journal verify`) are all it reads, and the JSON need not be parsed.
bool needs_transaction_body(const rules::RuleSet& rule_set) {
  for (const rules::Rule& rule : rule_set.rules()) {
    if (rule.when.account || !rule.when.attributes.empty()) return true;
  }
  return false;
}

// Fills `transaction` with what `record` knows, reusing its strings' storage.
void transaction_from_record(const journal::RecordView& record, Transaction& transaction) {
  transaction.id.assign(record.id);
  transaction.source.assign(record.source);
  transaction.entity.assign(record.entity);
  transaction.type.assign(record.type);
  transaction.posting_date.assign(record.posting_date);
  transaction.currency.assign(record.currency);
  transaction.minor_units = record.minor_units;
  transaction.debit_total = record.debit_total;
  transaction.credit_total = record.debit_total;
}

// Evaluates the draft on the records of `range`, writing each one's new route at its seq.
Status evaluate_range(const journal::Journal& journal, const rules::RuleSet& draft,
                      const SimulationFilter& filter, journal::SeqRange range,
                      std::vector<std::uint8_t>& new_routes) {
  // Canonical JSON can be a little longer than the request it came from (limits.h).
  TransactionParser parser(limits::kStoredTransactionBytesMax, ParsePurpose::stored);
  Transaction from_record;
  bool parse_body = needs_transaction_body(draft);
  std::uint64_t unreadable = 0;
  Status status = journal.for_each(range, [&](const journal::RecordView& record) {
    if (!filter.matches(record)) return true;
    std::optional<ParsedItem> item;
    if (parse_body) {
      item = parser.parse_transaction(record.canonical);
      if (!item->transaction) {
        unreadable = record.seq;
        return false;
      }
    } else {
      transaction_from_record(record, from_record);
    }
    rules::Decision decision = rules::evaluate(draft, item ? *item->transaction : from_record);
    new_routes[record.seq] = static_cast<std::uint8_t>(decision.route);
    return true;
  });
  if (status.is_ok() && unreadable != 0) {
    return Status::error(Status::Code::corruption,
                         "record " + std::to_string(unreadable) + " cannot be re-read");
  }
  return status;
}

}  // namespace

Status simulate_journal(const journal::Journal& journal, const rules::RuleSet& draft,
                        const SimulationFilter& filter, rules::SimulationReport& report) {
  auto head = journal.head();
  if (!head.is_ok()) return head.status();
  std::uint64_t last = head.value().seq;
  std::vector<std::uint8_t> new_routes(last + 1, kNotEvaluated);
  std::uint64_t middle = last / 2;
  Status second_half;
  std::thread helper([&] {
    second_half = evaluate_range(journal, draft, filter, {middle + 1, last}, new_routes);
  });
  Status first_half = evaluate_range(journal, draft, filter, {1, middle}, new_routes);
  helper.join();
  if (!first_half.is_ok()) return first_half;
  if (!second_half.is_ok()) return second_half;
  std::uint64_t unreadable = 0;
  Status status = journal.for_each({1, last}, [&](const journal::RecordView& record) {
    if (!filter.matches(record)) return true;
    auto old_route = rules::parse_route(record.route);
    if (!old_route || new_routes[record.seq] == kNotEvaluated) {
      unreadable = record.seq;
      return false;
    }
    report.add(record.entity, record.source, record.id, *old_route,
               static_cast<rules::Route>(new_routes[record.seq]));
    return true;
  });
  if (status.is_ok() && unreadable != 0) {
    return Status::error(Status::Code::corruption,
                         "record " + std::to_string(unreadable) + " has an unknown route");
  }
  return status;
}

}  // namespace coexist::cli
