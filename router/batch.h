#pragma once

// A group-commit batch: every request received while the previous batch was being committed.
// The network thread fills it (parse, validate, decide the route, canonicalize), the commit
// thread appends its valid transactions in one durable journal transaction, then the network
// thread sends each request its reply, in arrival order.

#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "journal/journal.h"
#include "model/rejection.h"
#include "model/transaction.h"
#include "router/decider.h"
#include "rules/rule_set.h"

namespace coexist::router {

// One element of a request, in request order.
struct BatchItem {
  std::string id;
  std::string source;
  std::optional<Rejection> rejection;  // set: rejected before the journal
  std::size_t append_index = 0;        // else: its index in Batch::appends
};

struct BatchRequest {
  std::vector<zmq::message_t> envelope;  // routing id (+ empty delimiter for REQ peers)
  std::optional<Rejection> request_rejection;
  bool is_array = false;
  std::size_t first_item = 0;
  std::size_t item_count = 0;
  std::int64_t received_at_us = 0;
  std::int64_t received_steady_ns = 0;  // for the ack latency histogram
};

// The data behind one journal append; AppendRequest views point into it, so the vectors holding
// these must not reallocate once `seal` has built the views.
//
// It keeps what the commit and the reply need, not the parsed Transaction: the lines, most of a
// transaction's memory, live on in the canonical JSON and the record body. The network thread
// parses every request into the same reused Transaction, which so stays in its cache, and a
// batch holds about a third of the memory per transaction it held with the whole Transaction.
// That footprint, not the allocations, is what cost the network thread its time.
struct PendingAppend {
  // The record's own fields (journal/format.h), copied out of the transaction.
  std::string source;
  std::string id;
  std::string entity;
  std::string type;
  std::string posting_date;
  std::string currency;
  std::int64_t debit_total = 0;
  std::uint8_t minor_units = 0;

  std::string canonical;
  Decision decision;
  std::int64_t received_at_us = 0;
  journal::PreparedBody prepared;  // encoded and digested on the network thread

  // Copies the record's fields out of `transaction`.
  void take_fields(const Transaction& transaction);
  // The journal record's fields, viewing this entry's strings.
  [[nodiscard]] journal::RecordFields record_fields() const;
};

// A new rule-set version riding on a batch: recorded after the batch's transactions in the same
// commit, in force for every transaction received after the batch was handed to the committer.
struct RulesChange {
  journal::RuleSetRecord record;
  std::shared_ptr<const rules::RuleSet> rule_set;
  std::vector<zmq::message_t> admin_envelope;  // who asked, answered after the commit
  nlohmann::json reply;                        // the admin reply, completed after the commit
  // Of recording it, set by the commit thread; not ok: not recorded, so not in force. It can be
  // refused journal_full while transactions of its batch are accepted (journal.h).
  Status status;
};

struct Batch {
  std::vector<BatchRequest> requests;
  std::vector<BatchItem> items;
  std::vector<PendingAppend> pending;
  std::vector<journal::AppendRequest> appends;  // built by seal()
  std::vector<journal::AppendResult> results;   // filled by the commit thread
  std::optional<RulesChange> rules_change;
  std::uint64_t canonical_bytes = 0;  // of `pending`: what bounds a batch besides its counts
  // Of the append; not ok: the journal failed, `results` is empty and nothing of the batch is
  // acknowledged. A transaction that did not fit has its own journal_full result instead.
  Status status;

  [[nodiscard]] bool empty() const { return requests.empty() && !rules_change; }
  [[nodiscard]] std::size_t transaction_count() const { return pending.size(); }

  // Builds the journal views once every request is in.
  void seal();
  void clear();
};

}  // namespace coexist::router
