// coexist journal verify | digest: the auditor's tamper check.

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "journal/verify.h"
#include "tools/coexist/cli.h"

namespace coexist::cli {
namespace {

// A digest file is what `journal digest --output json` printed: {"seq": N, "hash": "hex"}.
std::optional<journal::Head> read_digest(const std::string& file, std::string& error) {
  std::ifstream in(file);
  if (!in) {
    error = "cannot read digest " + file;
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto document = nlohmann::json::parse(text.str(), nullptr, false);
  if (!document.is_object() || !document.contains("seq") || !document["seq"].is_number_unsigned() ||
      !document.contains("hash") || !document["hash"].is_string()) {
    error = file + ": a digest is {\"seq\": N, \"hash\": \"64 hex digits\"}";
    return std::nullopt;
  }
  auto hash = journal::hash_from_hex(document["hash"].get<std::string>());
  if (!hash) {
    error = file + ": hash must be 64 lower-case hex digits";
    return std::nullopt;
  }
  journal::Head head{document["seq"].get<std::uint64_t>(), *hash};
  // Seq 0 is the empty journal, whose digest is the all-zero hash; any other hash there was not
  // printed by `journal digest` and would otherwise vouch for nothing while verify says ok.
  if (head.seq == 0 && head.hash != journal::Hash{}) {
    error = file + ": seq 0 (an empty journal) has the all-zero hash; this digest is not one";
    return std::nullopt;
  }
  return head;
}

nlohmann::json head_json(const journal::Head& head) {
  return {{"seq", head.seq}, {"hash", journal::to_hex(head.hash)}};
}

}  // namespace

int run_journal_verify(const Arguments& arguments) {
  po::options_description options("options");
  add_journal_options(options);
  options.add_options()("digest", po::value<std::string>(),
                        "also prove the history up to this saved digest is unchanged");
  po::variables_map values;
  if (auto exit_code = parse_options(arguments, options, {}, "[--digest F]", values))
    return *exit_code;
  bool as_json = false;
  if (!json_output(values, as_json)) return kExitUsage;
  std::optional<journal::Head> digest;
  if (values.count("digest") != 0U) {
    std::string error;
    digest = read_digest(values["digest"].as<std::string>(), error);
    if (!digest) {
      print_error(arguments.command, error);
      return kExitUsage;
    }
  }
  int exit_code = kExitOk;
  auto journal = open_journal_read_only(values, exit_code);
  if (!journal) return exit_code;
  auto result = journal::verify(*journal, digest);
  if (!result.is_ok()) {
    print_error(arguments.command, result.status().to_string());
    return kExitJournal;
  }
  const journal::VerifyReport& report = result.value();
  nlohmann::json document{
      {"ok", report.ok}, {"records", report.records}, {"head", head_json(report.head)}};
  if (!report.ok) {
    document["first_bad_seq"] = report.first_bad_seq;
    document["problem"] = report.problem;
  }
  if (as_json) {
    std::cout << document.dump() << "\n";
  } else if (report.ok) {
    std::cout << "ok: " << report.records << " records, chain intact, head seq " << report.head.seq
              << " hash " << journal::to_hex(report.head.hash) << "\n";
  } else {
    std::cout << "FAILED at seq " << report.first_bad_seq << ": " << report.problem << "\n";
  }
  return report.ok ? kExitOk : kExitCheckFailed;
}

int run_journal_digest(const Arguments& arguments) {
  po::options_description options("options");
  add_journal_options(options);
  po::variables_map values;
  if (auto exit_code = parse_options(arguments, options, {}, "[--journal DIR]", values))
    return *exit_code;
  bool as_json = false;  // a digest is JSON either way (verify --digest reads it); still checked
  if (!json_output(values, as_json)) return kExitUsage;
  int exit_code = kExitOk;
  auto journal = open_journal_read_only(values, exit_code);
  if (!journal) return exit_code;
  auto head = journal->head();
  if (!head.is_ok()) {
    print_error(arguments.command, head.status().to_string());
    return kExitJournal;
  }
  std::cout << head_json(head.value()).dump() << "\n";
  return kExitOk;
}

}  // namespace coexist::cli
