// coexist journal verify | digest: the auditor's tamper check.

#include <cstdint>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>

#include "journal/verify.h"
#include "rules/json_document.h"
#include "tools/coexist/cli.h"

namespace coexist::cli {
namespace {

// A digest is one flat object; anything nested deeper is not one.
constexpr std::size_t kDigestJsonDepthMax = 2;

constexpr const char* kDigestShape =
    ": a digest is {\"seq\": N, \"hash\": \"64 hex digits\"} with, since digests cover the rules "
    "history, \"rules_version\": V and \"rules_hash\": \"64 hex digits\"";

// The rules history's head from a digest: "rules_version" and "rules_hash", which come together.
// nullopt when the digest has neither (saved by a coexist whose digests did not cover the rules
// history), or when they are wrong, with `error` set.
std::optional<journal::RulesHead> read_rules_head(const nlohmann::json& document,
                                                  const std::string& file, std::string& error) {
  const bool has_version = document.contains("rules_version");
  if (!has_version && !document.contains("rules_hash")) return std::nullopt;
  if (!has_version || !document.contains("rules_hash")) {
    error = file + ": rules_version and rules_hash go together" + kDigestShape;
    return std::nullopt;
  }
  const nlohmann::json& version = document["rules_version"];
  if (!version.is_number_unsigned() ||
      version.get<std::uint64_t>() > std::numeric_limits<std::uint32_t>::max()) {
    error = file + ": rules_version must be a rules version (0 when none was recorded)";
    return std::nullopt;
  }
  const nlohmann::json& hash_text = document["rules_hash"];
  auto hash =
      hash_text.is_string() ? journal::hash_from_hex(hash_text.get<std::string>()) : std::nullopt;
  if (!hash) {
    error = file + ": rules_hash must be 64 lower-case hex digits";
    return std::nullopt;
  }
  journal::RulesHead rules{version.get<std::uint32_t>(), *hash};
  // As for seq 0: with no rules version, only the all-zero hash was ever printed.
  if (rules.version == 0 && rules.hash != journal::Hash{}) {
    error = file +
            ": rules_version 0 (no rules recorded) has the all-zero rules_hash; this digest "
            "is not one";
    return std::nullopt;
  }
  return rules;
}

// A digest file is what `journal digest` printed.
std::optional<journal::Digest> read_digest(const std::string& file, std::string& error) {
  std::string text;
  if (!read_text_file(file, text, error)) return std::nullopt;
  // The rules module's reader, not nlohmann's own parser, which keeps the last of a repeated key:
  // {"seq":5,"hash":…,"seq":1} would vouch for seq 1 only, while its reader sees seq 5.
  rules::JsonDocument read = rules::read_json_document(text, kDigestJsonDepthMax);
  if (read.document && !read.errors.empty()) {
    error = file + ": " + read.errors.front().message;
    return std::nullopt;
  }
  const nlohmann::json document = read.document.value_or(nullptr);
  if (!document.is_object() || !document.contains("seq") || !document["seq"].is_number_unsigned() ||
      !document.contains("hash") || !document["hash"].is_string()) {
    error = file + kDigestShape;
    return std::nullopt;
  }
  auto hash = journal::hash_from_hex(document["hash"].get<std::string>());
  if (!hash) {
    error = file + ": hash must be 64 lower-case hex digits";
    return std::nullopt;
  }
  journal::Digest digest{journal::Head{document["seq"].get<std::uint64_t>(), *hash}, {}};
  // Seq 0 is the empty journal, whose digest is the all-zero hash; any other hash there was not
  // printed by `journal digest` and would otherwise vouch for nothing while verify says ok.
  if (digest.head.seq == 0 && digest.head.hash != journal::Hash{}) {
    error = file + ": seq 0 (an empty journal) has the all-zero hash; this digest is not one";
    return std::nullopt;
  }
  digest.rules = read_rules_head(document, file, error);
  if (!error.empty()) return std::nullopt;
  return digest;
}

nlohmann::json head_json(const journal::Head& head) {
  return {{"seq", head.seq}, {"hash", journal::to_hex(head.hash)}};
}

nlohmann::json digest_json(const journal::Digest& digest) {
  nlohmann::json document = head_json(digest.head);
  if (digest.rules) {
    document["rules_version"] = digest.rules->version;
    document["rules_hash"] = journal::to_hex(digest.rules->hash);
  }
  return document;
}

nlohmann::json report_json(const journal::VerifyReport& report, bool with_digest) {
  nlohmann::json document{
      {"ok", report.ok},
      {"records", report.records},
      {"head", head_json(report.head)},
      {"rules", {{"version", report.rules.version}, {"hash", journal::to_hex(report.rules.hash)}}}};
  if (with_digest) document["digest_covers_rules"] = report.digest_covers_rules;
  if (!report.ok) {
    // null, not 0, when the problem is not one record's (the rules history, an orphan index
    // entry): there is no seq 0.
    document["first_bad_seq"] =
        report.first_bad_seq == 0 ? nlohmann::json(nullptr) : nlohmann::json(report.first_bad_seq);
    document["problem"] = report.problem;
  }
  return document;
}

void print_report_text(const journal::VerifyReport& report,
                       const std::optional<std::string>& digest_file) {
  if (report.ok) {
    std::cout << "ok: " << report.records << " records, chain intact, head seq " << report.head.seq
              << " hash " << journal::to_hex(report.head.hash) << "; rules version "
              << report.rules.version << " hash " << journal::to_hex(report.rules.hash) << "\n";
  } else if (report.first_bad_seq == 0) {
    std::cout << "FAILED: " << report.problem << "\n";
  } else {
    std::cout << "FAILED at seq " << report.first_bad_seq << ": " << report.problem << "\n";
  }
  if (digest_file && !report.digest_covers_rules) {
    std::cout << "note: " << *digest_file
              << " has no rules_version and rules_hash (an older coexist saved it): it vouches "
                 "for the transactions only, not for the rules history; `coexist journal digest` "
                 "saves one that covers both\n";
  }
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
  if (!json_output(arguments.command, values, as_json)) return kExitUsage;
  std::optional<std::string> digest_file;
  std::optional<journal::Digest> digest;
  if (values.count("digest") != 0U) {
    digest_file = values["digest"].as<std::string>();
    std::string error;
    digest = read_digest(*digest_file, error);
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
  if (as_json) {
    std::cout << report_json(report, digest.has_value()).dump() << "\n";
  } else {
    print_report_text(report, digest_file);
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
  if (!json_output(arguments.command, values, as_json)) return kExitUsage;
  int exit_code = kExitOk;
  auto journal = open_journal_read_only(values, exit_code);
  if (!journal) return exit_code;
  auto digest = journal->digest();
  if (!digest.is_ok()) {
    print_error(arguments.command, digest.status().to_string());
    return kExitJournal;
  }
  std::cout << digest_json(digest.value()).dump() << "\n";
  return kExitOk;
}

}  // namespace coexist::cli
