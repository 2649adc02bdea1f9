// coexist rules validate | explain | simulate: offline, no router needed (simulate reads the
// journal read-only).

#include <iostream>

#include <nlohmann/json.hpp>

#include "journal/format.h"
#include "model/timestamp.h"
#include "model/transaction_parser.h"
#include "rules/explain.h"
#include "rules/rule_set_parser.h"
#include "rules/simulate.h"
#include "tools/coexist/cli.h"
#include "tools/coexist/rules_simulation.h"

namespace coexist::cli {

int run_rules_history(const Arguments& arguments);
int run_rules_show(const Arguments& arguments);
int run_rules_diff(const Arguments& arguments);
int run_rules_apply(const Arguments& arguments, bool rollback);
int run_rules_active(const Arguments& arguments);

namespace {

nlohmann::json problems_json(const std::vector<rules::Problem>& problems) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& problem : problems) list.push_back({{"path", problem.path}, {"message", problem.message}});
  return list;
}

void print_problems(const rules::ParseOutcome& outcome) {
  for (const auto& error : outcome.errors) {
    std::cout << "error: " << (error.path.empty() ? "(document)" : error.path) << ": " << error.message << "\n";
  }
  for (const auto& warning : outcome.warnings) {
    std::cout << "warning: " << (warning.path.empty() ? "(document)" : warning.path) << ": "
              << warning.message << "\n";
  }
}

// Reads and parses a rule file; prints why it failed. nullopt + exit code on failure.
std::optional<rules::ParseOutcome> load_rules(const std::string& command, const std::string& file,
                                              bool as_json, int& exit_code) {
  std::string text;
  std::string error;
  if (!read_text_file(file, text, error)) {
    print_error(command, error);
    exit_code = kExitUsage;
    return std::nullopt;
  }
  rules::ParseOutcome outcome = rules::parse_rule_set(text);
  if (!outcome.rule_set) {
    if (as_json) {
      std::cout << nlohmann::json{{"valid", false},
                                  {"errors", problems_json(outcome.errors)},
                                  {"warnings", problems_json(outcome.warnings)}}
                       .dump()
                << "\n";
    } else {
      std::cout << file << ": " << outcome.errors.size() << " error(s)\n";
      print_problems(outcome);
    }
    exit_code = kExitCheckFailed;
    return std::nullopt;
  }
  return outcome;
}

int validate(const Arguments& arguments) {
  po::options_description options("options");
  options.add_options()("file", po::value<std::string>()->required(), "rule file (- for stdin)")(
      "output", po::value<std::string>()->default_value("table"), "table | json");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map values;
  if (auto exit_code = parse_options(arguments, options, positional, "FILE", values)) return *exit_code;
  bool as_json = false;
  if (!json_output(arguments.command, values, as_json)) return kExitUsage;
  int exit_code = kExitOk;
  auto outcome = load_rules(arguments.command, values["file"].as<std::string>(), as_json, exit_code);
  if (!outcome) return exit_code;
  std::string sha = journal::to_hex(journal::sha256(outcome->canonical_json));
  if (as_json) {
    std::cout << nlohmann::json{{"valid", true},
                                {"rules", outcome->rule_set->rules().size()},
                                {"sha256", sha},
                                {"errors", nlohmann::json::array()},
                                {"warnings", problems_json(outcome->warnings)}}
                     .dump()
              << "\n";
  } else {
    std::cout << "valid: " << outcome->rule_set->rules().size() << " rules, default "
              << rules::to_string(outcome->rule_set->default_route()) << ", sha256 " << sha << "\n";
    print_problems(*outcome);
  }
  return kExitOk;
}

int explain(const Arguments& arguments) {
  po::options_description options("options");
  options.add_options()("rules", po::value<std::string>()->required(), "rule file")(
      "transaction", po::value<std::string>()->required(), "one transaction (JSON file, - for stdin)")(
      "output", po::value<std::string>()->default_value("table"), "table | json");
  po::positional_options_description positional;
  positional.add("transaction", 1);
  po::variables_map values;
  if (auto exit_code = parse_options(arguments, options, positional, "--rules F TX.json", values)) {
    return *exit_code;
  }
  bool as_json = false;
  if (!json_output(arguments.command, values, as_json)) return kExitUsage;
  int exit_code = kExitOk;
  auto outcome = load_rules(arguments.command, values["rules"].as<std::string>(), as_json, exit_code);
  if (!outcome) return exit_code;
  std::string text;
  std::string error;
  if (!read_text_file(values["transaction"].as<std::string>(), text, error)) {
    print_error(arguments.command, error);
    return kExitUsage;
  }
  TransactionParser parser;
  ParsedItem item = parser.parse_transaction(text);
  if (!item.transaction) {
    print_error(arguments.command, "the transaction is rejected: " + std::string(to_string(item.rejection.code)) +
                                       " at '" + item.rejection.path + "': " + item.rejection.message);
    return kExitCheckFailed;
  }
  rules::Explanation explanation = rules::explain(*outcome->rule_set, *item.transaction);
  if (as_json) {
    std::cout << rules::to_json(explanation).dump() << "\n";
    return kExitOk;
  }
  std::cout << explanation.summary << "\n";
  for (std::size_t i = 0; i < explanation.rules.size(); ++i) {
    const auto& rule = explanation.rules[i];
    std::cout << "  rules[" << i << "] \"" << rule.name << "\" -> " << rules::to_string(rule.route)
              << ": " << rule.summary << "\n";
    for (const auto& note : rule.conditions) {
      std::cout << "      " << (note.matched ? "yes " : "no  ") << note.reason << "\n";
    }
  }
  return kExitOk;
}

void print_simulation_table(const nlohmann::json& report) {
  std::cout << "examined " << report["examined"] << ", would route differently "
            << report["changed"] << "\n";
  for (const auto& [entity, stats] : report["entities"].items()) {
    for (const auto& change : stats["changes"]) {
      std::cout << "  " << entity << "\t" << change["from"].get<std::string>() << " -> "
                << change["to"].get<std::string>() << "\t" << change["count"] << "\te.g.";
      for (const auto& id : change["ids"]) {
        std::cout << " " << id["source"].get<std::string>() << "/" << id["id"].get<std::string>();
      }
      std::cout << (change.value("ids_truncated", false) ? " …" : "") << "\n";
    }
  }
}

int simulate(const Arguments& arguments) {
  po::options_description options("options");
  add_journal_options(options);
  options.add_options()("file", po::value<std::string>()->required(), "draft rule file")(
      "since", po::value<std::string>(), "only transactions received at or after (RFC 3339 or date)")(
      "entity", po::value<std::string>(), "only this entity")(
      "sample", po::value<std::size_t>()->default_value(5), "ids listed per change in table output");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map values;
  if (auto exit_code = parse_options(arguments, options, positional, "F [--since D] [--entity E]", values)) {
    return *exit_code;
  }
  bool as_json = false;
  if (!json_output(arguments.command, values, as_json)) return kExitUsage;
  std::optional<std::int64_t> since;
  if (values.count("since") != 0U) {
    since = parse_rfc3339_utc(values["since"].as<std::string>());
    if (!since) {
      print_error(arguments.command, "--since must be a date (2026-11-25) or RFC 3339 time with Z or an offset");
      return kExitUsage;
    }
  }
  int exit_code = kExitOk;
  auto outcome = load_rules(arguments.command, values["file"].as<std::string>(), as_json, exit_code);
  if (!outcome) return exit_code;
  auto journal = open_journal_read_only(values, exit_code);
  if (!journal) return exit_code;
  SimulationFilter filter;
  if (values.count("entity") != 0U) filter.entity = values["entity"].as<std::string>();
  filter.since_us = since;
  rules::SimulationReport report;
  if (Status status = simulate_journal(*journal, *outcome->rule_set, filter, report); !status.is_ok()) {
    print_error(arguments.command, status.to_string());
    return kExitJournal;
  }
  nlohmann::json result = report.to_json(as_json ? 0 : values["sample"].as<std::size_t>());
  if (as_json) {
    std::cout << result.dump() << "\n";
  } else {
    print_simulation_table(result);
  }
  return kExitOk;
}

}  // namespace

int run_rules(const Arguments& arguments) {
  static const char* kUsage =
      "usage: coexist rules validate|explain|simulate|apply|rollback|history|show|diff|active "
      "[options] (--help each)\n";
  if (arguments.words.empty() || arguments.words[0] == "--help" || arguments.words[0] == "-h") {
    std::cout << kUsage;
    return arguments.words.empty() ? kExitUsage : kExitOk;
  }
  Arguments sub{"rules " + arguments.words[0], {arguments.words.begin() + 1, arguments.words.end()}};
  const std::string& verb = arguments.words[0];
  if (verb == "validate") return validate(sub);
  if (verb == "explain") return explain(sub);
  if (verb == "simulate") return simulate(sub);
  if (verb == "apply") return run_rules_apply(sub, false);
  if (verb == "rollback") return run_rules_apply(sub, true);
  if (verb == "history") return run_rules_history(sub);
  if (verb == "show") return run_rules_show(sub);
  if (verb == "diff") return run_rules_diff(sub);
  if (verb == "active") return run_rules_active(sub);
  print_error("rules", "unknown subcommand \"" + verb + "\"");
  std::cerr << kUsage;
  return kExitUsage;
}

}  // namespace coexist::cli
