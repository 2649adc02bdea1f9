// coexist journal show | list | export | stats: offline read commands. They open the journal
// read-only and work while the router writes (each command reads one committed snapshot).

#include <algorithm>
#include <array>
#include <charconv>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>

#include "model/money.h"
#include "model/timestamp.h"
#include "tools/coexist/cli.h"
#include "tools/coexist/output_file.h"
#include "tools/coexist/record_damage.h"
#include "tools/coexist/record_output.h"

namespace coexist::cli {

int run_journal_verify(const Arguments& arguments);
int run_journal_digest(const Arguments& arguments);

namespace {

void add_filter_options(po::options_description& options) {
  options.add_options()("entity", po::value<std::string>(), "only this legal entity")(
      "source", po::value<std::string>(), "only this source")("type", po::value<std::string>(),
                                                              "only this transaction type")(
      "route", po::value<std::string>(), "only this route (legacy | new | both | hold)")(
      "state", po::value<std::string>(),
      "only this delivery state (pending | in_flight | delivered | retry_wait | rejected | dead | "
      "held | waiting)")("from-seq", po::value<std::int64_t>(), "first seq")(
      "to-seq", po::value<std::int64_t>(), "last seq (inclusive)")(
      "since", po::value<std::string>(), "received at or after (RFC 3339, or a date)");
}

bool read_filter(const std::string& command, const po::variables_map& values,
                 RecordFilter& filter) {
  auto text = [&](const char* name, std::optional<std::string>& out) {
    if (values.count(name) != 0U) out = values[name].as<std::string>();
  };
  text("entity", filter.entity);
  text("source", filter.source);
  text("type", filter.type);
  text("route", filter.route);
  text("state", filter.state);
  if (filter.route && *filter.route != "legacy" && *filter.route != "new" &&
      *filter.route != "both" && *filter.route != "hold") {
    print_error(command, "--route must be legacy, new, both or hold");
    return false;
  }
  // DESIGN.md's delivery states. Until delivery lands a record is only held or pending, so the
  // others match nothing yet; a script written for them must still run (and find nothing).
  constexpr std::array<std::string_view, 8> kStates = {
      "pending", "in_flight", "delivered", "retry_wait", "rejected", "dead", "held", "waiting"};
  if (filter.state && std::find(kStates.begin(), kStates.end(), *filter.state) == kStates.end()) {
    print_error(command,
                "--state must be pending, in_flight, delivered, retry_wait, rejected, dead, held "
                "or waiting");
    return false;
  }
  // Read signed so that "-1" is refused instead of wrapping to 2^64 - 1.
  for (const char* name : {"from-seq", "to-seq"}) {
    if (values.count(name) == 0U) continue;
    std::int64_t seq = values[name].as<std::int64_t>();
    if (seq < 1) {
      print_error(command, std::string("--") + name + " must be a seq, 1 or more");
      return false;
    }
    (std::string_view(name) == "from-seq" ? filter.from_seq : filter.to_seq) =
        static_cast<std::uint64_t>(seq);
  }
  if (filter.from_seq > filter.to_seq) {
    print_error(command, "--from-seq is after --to-seq");
    return false;
  }
  if (values.count("since") != 0U) {
    filter.since_us = parse_rfc3339_utc(values["since"].as<std::string>());
    if (!filter.since_us) {
      print_error(command,
                  "--since must be a date (2026-11-25) or RFC 3339 time with Z or an offset");
      return false;
    }
  }
  return true;
}

void append_table_row(const journal::RecordView& record, std::string& out) {
  out += std::to_string(record.seq) + "\t" + format_rfc3339_utc(record.received_at_us) + "\t";
  out.append(record.source).append("/").append(record.id).append("\t");
  out.append(record.entity).append("\t").append(record.type).append("\t");
  out.append(record.posting_date).append("\t");
  out += format_amount(record.debit_total, record.minor_units) + " ";
  out.append(record.currency).append("\t").append(record.route).append("\t");
  out.append(record.rule).append(" v").append(std::to_string(record.rules_version)).append("\n");
}

// Appends `record` to `buffer` as `format` asks. Returns why it could not (the record is
// damaged: see record_damage.h), else empty.
std::string append_record(const std::string& format, const journal::RecordView& record, bool first,
                          RecordDamageCheck& damage_check, std::string& buffer) {
  if (format == "table") {
    append_table_row(record, buffer);
    return {};
  }
  if (format == "csv") {
    std::string damage = damage_check.in_transaction(record);
    if (damage.empty()) append_export_csv(record, buffer);
    return damage;
  }
  if (format == "json" && !first) buffer += ",\n";
  const std::size_t start = buffer.size();
  append_export_json(record, buffer);
  std::string damage = damage_check.in_export(record, std::string_view(buffer).substr(start));
  if (format == "jsonl") buffer += "\n";
  return damage;
}

int scan(const Arguments& arguments, const std::string& synopsis, bool is_export) {
  po::options_description options("options");
  // Export's shape is --format's: an --output it would ignore is not offered.
  add_journal_options(options, /*with_output=*/!is_export);
  add_filter_options(options);
  if (is_export) {
    options.add_options()("format", po::value<std::string>()->default_value("jsonl"),
                          "jsonl | csv")("out", po::value<std::string>(), "write here, not stdout");
  }
  po::variables_map values;
  if (auto exit_code = parse_options(arguments, options, {}, synopsis, values)) return *exit_code;
  RecordFilter filter;
  bool as_json = false;
  if (!read_filter(arguments.command, values, filter) ||
      !json_output(arguments.command, values, as_json)) {
    return kExitUsage;
  }
  std::string format =
      is_export ? values["format"].as<std::string>() : (as_json ? "json" : "table");
  if (is_export && format != "jsonl" && format != "csv") {
    print_error(arguments.command, "--format must be jsonl or csv");
    return kExitUsage;
  }
  if (values.count("out") != 0U && values["out"].as<std::string>().empty()) {
    print_error(arguments.command, "--out needs a file name");
    return kExitUsage;
  }
  int exit_code = kExitOk;
  auto journal = open_journal_read_only(values, exit_code);
  if (!journal) return exit_code;
  // --out is written beside itself and renamed into place once complete: an export that fails
  // (no journal, a read error, a signal) leaves an earlier export at that path as it was. An
  // output that cannot even be opened is a usage error (2), like a bad argument; one that fails
  // midway (a full disk) is an output failure (4).
  std::optional<OutputFile> file;
  if (values.count("out") != 0U) {
    file.emplace(values["out"].as<std::string>());
    if (Status opened = file->open(); !opened.is_ok()) {
      print_error(arguments.command, opened.message());
      return kExitUsage;
    }
    // Renamed onto data.mdb, the export would replace the journal: a router writing it carries
    // on into the unlinked file, and every transaction it acknowledged is gone at its restart.
    for (const char* own : {"data.mdb", "lock.mdb", "writer.lock"}) {
      if (file->writes_to(journal->path() / own)) {
        print_error(arguments.command, "--out " + file->path() + " is the journal's own " + own +
                                           ": writing the export there would destroy the journal");
        return kExitUsage;
      }
    }
  }
  std::ostream& out = file ? file->stream() : std::cout;
  std::string buffer;
  if (format == "csv") append_csv_header(buffer);
  if (format == "json") buffer += "[";
  bool first = true;
  RecordDamageCheck damage_check;
  std::string damage;  // set when a record read back is damaged: the scan stops there
  Status status =
      journal->for_each({filter.from_seq, filter.to_seq}, [&](const journal::RecordView& record) {
        if (!filter.matches(record)) return true;
        damage = append_record(format, record, first, damage_check, buffer);
        if (!damage.empty()) return false;
        first = false;
        if (buffer.size() > (1U << 20)) {
          out << buffer;
          buffer.clear();
          // A destination that failed (a full disk, a reader gone) ends the scan: reading on would
          // only hold a snapshot open beside the router for output no one gets.
          return static_cast<bool>(out);
        }
        return true;
      });
  if (status.is_ok() && !damage.empty()) {
    // Nothing more is written (an --out file keeps what it held): exit 4, not a truncated export
    // that looks complete.
    print_error(arguments.command, damage);
    return kExitJournal;
  }
  if (format == "json") buffer += "]\n";
  out << buffer;
  out.flush();
  if (!status.is_ok()) {
    print_error(arguments.command, status.to_string());
    return kExitJournal;
  }
  if (file) {
    if (Status committed = file->commit(); !committed.is_ok()) {
      print_error(arguments.command, committed.message());
      return kExitJournal;
    }
  } else if (!out) {
    print_error(arguments.command, "cannot write standard output");
    return kExitJournal;
  }
  return kExitOk;
}

// What `journal show` was asked for: a seq, or a SOURCE/ID to look up in the idempotency index.
struct ShowKey {
  std::uint64_t seq = 0;
  std::optional<std::pair<std::string, std::string>> source_and_id;
};

// "SOURCE/ID" (split at the first '/': sources cannot contain one) or a seq; nullopt after
// printing why `key` is neither.
std::optional<ShowKey> parse_show_key(const std::string& command, const std::string& key) {
  ShowKey parsed;
  if (auto slash = key.find('/'); slash != std::string::npos) {
    parsed.source_and_id.emplace(key.substr(0, slash), key.substr(slash + 1));
    return parsed;
  }
  if (key.empty() || key.find_first_not_of("0123456789") != std::string::npos) {
    print_error(command, "\"" + key + "\" is neither SOURCE/ID nor a seq");
    return std::nullopt;
  }
  if (std::from_chars(key.data(), key.data() + key.size(), parsed.seq).ec != std::errc{}) {
    print_error(command, "seq " + key + " is out of range");
    return std::nullopt;
  }
  return parsed;
}

// The record `key` names as its export object, or the exit code after printing why there is
// none: 1 for an unknown key, 4 for a journal that cannot be read or is damaged. A SOURCE/ID is
// looked up in the idempotency index, and the record it points at must be that transaction: a
// damaged index must not show another one as if it were the one asked for.
std::variant<std::string, int> read_shown_record(const std::string& command,
                                                 const journal::Journal& journal,
                                                 const std::string& key, ShowKey parsed) {
  constexpr const char* kVerifyHint = "; `coexist journal verify` names the first bad record";
  if (parsed.source_and_id) {
    auto found = journal.find(parsed.source_and_id->first, parsed.source_and_id->second);
    if (!found.is_ok()) {
      print_error(command, found.status().to_string());
      return kExitJournal;
    }
    if (!found.value()) {
      print_error(command, "no record " + key);
      return kExitCheckFailed;
    }
    parsed.seq = *found.value();
  }
  std::string line;
  std::string damage;
  RecordDamageCheck damage_check;
  bool found = false;
  Status status = journal.get(
      parsed.seq,
      [&](const journal::RecordView& record) {
        if (parsed.source_and_id && (record.source != parsed.source_and_id->first ||
                                     record.id != parsed.source_and_id->second)) {
          damage = "the idempotency index is damaged: " + key + " points at seq " +
                   std::to_string(record.seq) + ", which holds " + std::string(record.source) +
                   "/" + std::string(record.id) + kVerifyHint;
          return;
        }
        append_export_json(record, line);
        damage = damage_check.in_export(record, line);
      },
      found);
  if (!status.is_ok()) {
    print_error(command, status.to_string());
    return kExitJournal;
  }
  if (!found && parsed.source_and_id) {
    damage = "the idempotency index is damaged: " + key + " points at seq " +
             std::to_string(parsed.seq) + ", which holds no record" + kVerifyHint;
  }
  if (!damage.empty()) {
    print_error(command, damage);
    return kExitJournal;
  }
  if (!found) {
    print_error(command, "no record " + key);
    return kExitCheckFailed;
  }
  return line;
}

int show(const Arguments& arguments) {
  po::options_description options("options");
  add_journal_options(options);
  options.add_options()("key", po::value<std::string>()->required(), "SOURCE/ID or SEQ");
  po::positional_options_description positional;
  positional.add("key", 1);
  po::variables_map values;
  if (auto exit_code = parse_options(arguments, options, positional, "SOURCE/ID|SEQ", values)) {
    return *exit_code;
  }
  bool as_json = false;
  if (!json_output(arguments.command, values, as_json)) return kExitUsage;
  const std::string key = values["key"].as<std::string>();
  auto parsed = parse_show_key(arguments.command, key);  // checked before the journal is opened
  if (!parsed) return kExitUsage;
  int exit_code = kExitOk;
  auto journal = open_journal_read_only(values, exit_code);
  if (!journal) return exit_code;
  auto record = read_shown_record(arguments.command, *journal, key, *parsed);
  if (const int* failed = std::get_if<int>(&record)) return *failed;
  // The record passed the damage check, so this parses; nlohmann's exceptions stop here anyway.
  auto document = nlohmann::json::parse(std::get<std::string>(record), nullptr, false);
  if (document.is_discarded()) {
    print_error(arguments.command, "record " + key + " cannot be read as JSON");
    return kExitJournal;
  }
  const int indent = as_json ? -1 : 2;
  std::cout << document.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return kExitOk;
}

int stats(const Arguments& arguments) {
  po::options_description options("options");
  add_journal_options(options);
  po::variables_map values;
  if (auto exit_code = parse_options(arguments, options, {}, "[--journal DIR]", values)) {
    return *exit_code;
  }
  bool as_json = false;
  if (!json_output(arguments.command, values, as_json)) return kExitUsage;
  int exit_code = kExitOk;
  auto journal = open_journal_read_only(values, exit_code);
  if (!journal) return exit_code;
  auto result = journal->stats();
  if (!result.is_ok()) {
    print_error(arguments.command, result.status().to_string());
    return kExitJournal;
  }
  std::uint64_t canonical_bytes = 0;
  Status scanned = journal->for_each({}, [&](const journal::RecordView& record) {
    canonical_bytes += record.canonical.size();
    return true;
  });
  if (!scanned.is_ok()) {
    print_error(arguments.command, scanned.to_string());
    return kExitJournal;
  }
  const journal::Stats& stats = result.value();
  double per_transaction = stats.transactions == 0 ? 0.0
                                                   : static_cast<double>(stats.used_bytes) /
                                                         static_cast<double>(stats.transactions);
  double ratio = canonical_bytes == 0
                     ? 0.0
                     : static_cast<double>(stats.used_bytes) / static_cast<double>(canonical_bytes);
  nlohmann::json document{
      {"transactions", stats.transactions},     {"last_seq", stats.last_seq},
      {"map_size_bytes", stats.map_size_bytes}, {"used_bytes", stats.used_bytes},
      {"file_bytes", stats.file_bytes},         {"page_size", stats.page_size},
      {"canonical_bytes", canonical_bytes},     {"bytes_per_transaction", per_transaction},
      {"used_to_canonical_ratio", ratio}};
  std::cout << (as_json ? document.dump() : document.dump(2)) << "\n";
  return kExitOk;
}

}  // namespace

int run_journal(const Arguments& arguments) {
  if (arguments.words.empty() || arguments.words[0] == "--help" || arguments.words[0] == "-h") {
    std::cout
        << "usage: coexist journal show|list|export|verify|digest|stats [options] (--help each)\n";
    return arguments.words.empty() ? kExitUsage : kExitOk;
  }
  Arguments sub{"journal " + arguments.words[0],
                {arguments.words.begin() + 1, arguments.words.end()}};
  const std::string& verb = arguments.words[0];
  if (verb == "show") return show(sub);
  if (verb == "list") return scan(sub, "[filters] [--output table|json]", false);
  if (verb == "export") return scan(sub, "--format jsonl|csv [filters] [--out F]", true);
  if (verb == "verify") return run_journal_verify(sub);
  if (verb == "digest") return run_journal_digest(sub);
  if (verb == "stats") return stats(sub);
  print_error("journal",
              "unknown subcommand \"" + verb + "\" (show, list, export, verify, digest, stats)");
  return kExitUsage;
}

}  // namespace coexist::cli
