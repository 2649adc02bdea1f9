#include "router/batch.h"

namespace coexist::router {

void PendingAppend::take_fields(const Transaction& transaction) {
  source = transaction.source;
  id = transaction.id;
  entity = transaction.entity;
  type = transaction.type;
  posting_date = transaction.posting_date;
  currency = transaction.currency;
  debit_total = transaction.debit_total;
  minor_units = transaction.minor_units;
}

journal::RecordFields PendingAppend::record_fields() const {
  journal::RecordFields fields;
  fields.received_at_us = received_at_us;
  fields.rules_version = decision.rules_version;
  fields.debit_total = debit_total;
  fields.minor_units = minor_units;
  fields.source = source;
  fields.id = id;
  fields.entity = entity;
  fields.type = type;
  fields.posting_date = posting_date;
  fields.currency = currency;
  fields.route = decision.route;
  fields.rule = decision.rule;
  fields.canonical = canonical;
  return fields;
}

void Batch::seal() {
  appends.clear();
  appends.reserve(pending.size());
  for (const PendingAppend& entry : pending) {
    appends.push_back(journal::AppendRequest{entry.record_fields(), &entry.prepared});
  }
}

void Batch::clear() {
  requests.clear();
  items.clear();
  pending.clear();
  appends.clear();
  results.clear();
  rules_change.reset();
  canonical_bytes = 0;
  status = Status::ok();
}

}  // namespace coexist::router
