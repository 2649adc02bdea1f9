#include "router/batch.h"

namespace coexist::router {

void Batch::seal() {
  appends.clear();
  appends.reserve(pending.size());
  for (const PendingAppend& entry : pending) {
    const Transaction& transaction = entry.transaction;
    journal::RecordFields fields;
    fields.received_at_us = entry.received_at_us;
    fields.rules_version = entry.decision.rules_version;
    fields.debit_total = transaction.debit_total;
    fields.minor_units = transaction.minor_units;
    fields.source = transaction.source;
    fields.id = transaction.id;
    fields.entity = transaction.entity;
    fields.type = transaction.type;
    fields.posting_date = transaction.posting_date;
    fields.currency = transaction.currency;
    fields.route = entry.decision.route;
    fields.rule = entry.decision.rule;
    fields.canonical = entry.canonical;
    appends.push_back(journal::AppendRequest{fields});
  }
}

void Batch::clear() {
  requests.clear();
  items.clear();
  pending.clear();
  appends.clear();
  results.clear();
  rules_change.reset();
  status = Status::ok();
}

}  // namespace coexist::router
