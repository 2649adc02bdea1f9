// coexist journal show | list | export | stats: offline read commands. They open the journal
// read-only and work while the router writes (each command reads one committed snapshot).

#include <algorithm>
#include <array>
#include <charconv>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "model/money.h"
#include "model/timestamp.h"
#include "tools/coexist/cli.h"
#include "tools/coexist/output_file.h"
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

int scan(const Arguments& arguments, const std::string& synopsis, bool is_export) {
  po::options_description options("options");
  add_journal_options(options);
  add_filter_options(options);
  if (is_export) {
    options.add_options()("format", po::value<std::string>()->default_value("jsonl"),
                          "jsonl | csv")("out", po::value<std::string>(), "write here, not stdout");
  }
  po::variables_map values;
  if (auto exit_code = parse_options(arguments, options, {}, synopsis, values)) return *exit_code;
  RecordFilter filter;
  bool as_json = false;
  if (!read_filter(arguments.command, values, filter) || !json_output(values, as_json)) {
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
  }
  std::ostream& out = file ? file->stream() : std::cout;
  std::string buffer;
  if (format == "csv") append_csv_header(buffer);
  if (format == "json") buffer += "[";
  bool first = true;
  Status status =
      journal->for_each({filter.from_seq, filter.to_seq}, [&](const journal::RecordView& record) {
        if (!filter.matches(record)) return true;
        if (format == "csv") {
          append_export_csv(record, buffer);
        } else if (format == "table") {
          append_table_row(record, buffer);
        } else {
          if (format == "json" && !first) buffer += ",\n";
          append_export_json(record, buffer);
          if (format == "jsonl") buffer += "\n";
        }
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

// "SOURCE/ID" (split at the first '/': sources cannot contain one) or a seq.
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
  if (!json_output(values, as_json)) return kExitUsage;
  std::string key = values["key"].as<std::string>();
  std::uint64_t seq = 0;
  auto slash = key.find('/');
  if (slash == std::string::npos) {  // a seq: checked before the journal is opened
    if (key.empty() || key.find_first_not_of("0123456789") != std::string::npos) {
      print_error(arguments.command, "\"" + key + "\" is neither SOURCE/ID nor a seq");
      return kExitUsage;
    }
    if (std::from_chars(key.data(), key.data() + key.size(), seq).ec != std::errc{}) {
      print_error(arguments.command, "seq " + key + " is out of range");
      return kExitUsage;
    }
  }
  int exit_code = kExitOk;
  auto journal = open_journal_read_only(values, exit_code);
  if (!journal) return exit_code;
  if (slash != std::string::npos) {
    auto found = journal->find(key.substr(0, slash), key.substr(slash + 1));
    if (!found.is_ok()) {
      print_error(arguments.command, found.status().to_string());
      return kExitJournal;
    }
    seq = found.value().value_or(0);
  }
  std::string line;
  bool found = false;
  Status status = journal->get(
      seq, [&](const journal::RecordView& record) { append_export_json(record, line); }, found);
  if (!status.is_ok()) {
    print_error(arguments.command, status.to_string());
    return kExitJournal;
  }
  if (!found) {
    print_error(arguments.command, "no record " + key);
    return kExitCheckFailed;
  }
  auto document = nlohmann::json::parse(line);
  std::cout << (as_json ? document.dump() : document.dump(2)) << "\n";
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
  if (!json_output(values, as_json)) return kExitUsage;
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
