#pragma once

// One journal record as the auditor-facing export object (DESIGN.md, "What the journal
// exports"), as a JSON line or a CSV row, written by hand so exporting a million records stays
// fast (the canonical transaction is copied in verbatim: it already is JSON).

#include <optional>
#include <string>

#include "journal/format.h"

namespace coexist::cli {

// Delivery state derived from the route until the delivery engine records attempts: `held` for
// route hold, `pending` otherwise.
[[nodiscard]] std::string_view derived_state(const journal::RecordView& record);

void append_export_json(const journal::RecordView& record, std::string& out);
void append_csv_header(std::string& out);
void append_export_csv(const journal::RecordView& record, std::string& out);

// Record filters shared by `journal list` and `journal export`.
struct RecordFilter {
  std::optional<std::string> entity, source, type, route, state;
  std::uint64_t from_seq = 1;
  std::uint64_t to_seq = UINT64_MAX;
  std::optional<std::int64_t> since_us;  // received_at >= since

  [[nodiscard]] bool matches(const journal::RecordView& record) const;
};

}  // namespace coexist::cli
