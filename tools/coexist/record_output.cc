#include "tools/coexist/record_output.h"

#include "model/canonical_json.h"
#include "model/money.h"
#include "model/timestamp.h"
#include "tools/coexist/cli.h"

namespace coexist::cli {
namespace {

constexpr const char* kCsvColumns =
    "seq,received_at,source,id,entity,type,posting_date,currency,debit_total,route,rule,"
    "rules_version,hash,legacy_state,legacy_attempts,legacy_document_id,legacy_last_error,"
    "new_state,new_attempts,new_document_id,new_last_error,transaction";
constexpr int kDeliveryColumns = 8;

void append_field(std::string& out, const char* key, std::string_view value) {
  out += ",\"";
  out += key;
  out += "\":";
  append_json_string(out, value);
}

// RFC 4180: quote when the field holds a comma, quote or line break; double inner quotes.
void append_csv_field(std::string& out, std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(value);
    return;
  }
  out.push_back('"');
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

std::string_view derived_state(const journal::RecordView& record) {
  return record.route == "hold" ? "held" : "pending";
}

void append_export_json(const journal::RecordView& record, std::string& out) {
  out += "{\"seq\":" + std::to_string(record.seq);
  append_field(out, "received_at", format_rfc3339_utc(record.received_at_us));
  append_field(out, "source", record.source);
  append_field(out, "id", record.id);
  append_field(out, "entity", record.entity);
  append_field(out, "type", record.type);
  append_field(out, "posting_date", record.posting_date);
  append_field(out, "currency", record.currency);
  append_field(out, "debit_total", format_amount(record.debit_total, record.minor_units));
  append_field(out, "route", record.route);
  append_field(out, "rule", record.rule);
  out += ",\"rules_version\":" + std::to_string(record.rules_version);
  append_field(out, "hash", journal::to_hex(record.hash));
  out += ",\"transaction\":";
  out += record.canonical;
  out += ",\"deliveries\":{}}";
}

void append_csv_header(std::string& out) {
  out += kCsvColumns;
  out += "\r\n";
}

void append_export_csv(const journal::RecordView& record, std::string& out) {
  out += std::to_string(record.seq) + ",";
  out += format_rfc3339_utc(record.received_at_us) + ",";
  for (std::string_view text : {record.source, record.id, record.entity, record.type,
                                record.posting_date, record.currency}) {
    append_csv_field(out, text);
    out.push_back(',');
  }
  out += format_amount(record.debit_total, record.minor_units) + ",";
  append_csv_field(out, record.route);
  out.push_back(',');
  append_csv_field(out, record.rule);
  out += "," + std::to_string(record.rules_version) + "," + journal::to_hex(record.hash) + ",";
  out.append(kDeliveryColumns, ',');  // no delivery attempts recorded yet
  append_csv_field(out, record.canonical);
  out += "\r\n";
}

bool RecordFilter::matches(const journal::RecordView& record) const {
  if (record.seq < from_seq || record.seq > to_seq) return false;
  if (entity && record.entity != *entity) return false;
  if (source && record.source != *source) return false;
  if (type && record.type != *type) return false;
  if (route && record.route != *route) return false;
  if (state && derived_state(record) != *state) return false;
  if (since_us && record.received_at_us < *since_us) return false;
  return true;
}

}  // namespace coexist::cli
