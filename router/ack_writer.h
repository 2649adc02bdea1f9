#pragma once

// Writes ingest replies (DESIGN.md, "Ingest protocol"). Hand-written rather than built with
// nlohmann::json because it runs once per transaction on the ack path.
//
//   accepted  {"id":…,"source":…,"status":"accepted","seq":42,"route":"both","rule":"…","rules_version":3}
//   duplicate {"id":…,"source":…,"status":"duplicate","seq":42,"route":…,"rule":…,"rules_version":…}
//   rejected  {"id":…,"source":…,"status":"rejected","error":{"code":"unbalanced","path":"lines","message":"…"}}
//   conflict  {"id":…,"source":…,"status":"rejected","error":{"code":"conflict","message":"…","seq":42}}
//   retryable {"id":…,"source":…,"status":"error","error":{"code":"journal_full","message":"…"}}
//   request   {"status":"rejected","error":{"code":"malformed_json","message":"…"}}

#include <string>

#include "router/batch.h"

namespace coexist::router {

// Appends the reply to request `request` of a committed (or failed) batch: a retryable error
// for each transaction when the append failed, else each transaction's own verdict.
void append_reply(const Batch& batch, const BatchRequest& request, std::string& out);

// The reply for a request refused as a whole (no items).
void append_request_rejection(const Rejection& rejection, std::string& out);

}  // namespace coexist::router
