// coexist rules apply | rollback | active: through the router's admin socket, so a new version
// takes effect between two group commits of the running router.

#include <iostream>

#include "model/timestamp.h"
#include "rules/rule_set_parser.h"
#include "tools/coexist/admin_client.h"
#include "tools/coexist/cli.h"

namespace coexist::cli {
namespace {

void print_rules_reply(const nlohmann::json& reply, bool as_json) {
  if (as_json) {
    std::cout << reply.dump() << "\n";
    return;
  }
  if (reply.value("status", "") != "ok") {
    const auto& error = reply["error"];
    std::cout << error.value("code", "error") << ": " << error.value("message", "") << "\n";
    for (const auto& problem : error.value("problems", nlohmann::json::array())) {
      std::cout << "error: " << problem.value("path", "") << ": " << problem.value("message", "") << "\n";
    }
    return;
  }
  std::cout << "applied rules version " << reply["version"] << " (sha256 "
            << reply.value("sha256", "") << "), effective " << reply.value("effective_at", "")
            << ", recorded after seq " << reply.value("activated_after_seq", 0) << "\n";
  for (const auto& warning : reply.value("warnings", nlohmann::json::array())) {
    std::cout << "warning: " << warning.value("path", "") << ": " << warning.value("message", "") << "\n";
  }
}

// Builds the apply or rollback request; prints the problem and returns nullopt on bad input.
std::optional<nlohmann::json> build_request(const Arguments& arguments, const po::variables_map& values,
                                            bool rollback, bool as_json, int& exit_code) {
  nlohmann::json request{{"reason", values["reason"].as<std::string>()},
                         {"applied_by", values.count("by") != 0U ? values["by"].as<std::string>() : default_actor()}};
  if (values.count("effective-at") != 0U) {
    std::string when = values["effective-at"].as<std::string>();
    if (!parse_rfc3339_utc(when)) {
      print_error(arguments.command, "--effective-at must be an RFC 3339 time with Z or an offset, e.g. 2026-12-01T00:00:00Z");
      exit_code = kExitUsage;
      return std::nullopt;
    }
    request["effective_at"] = when;
  }
  if (rollback) {
    request["op"] = "rules.rollback";
    request["to"] = values["to"].as<std::uint32_t>();
    return request;
  }
  std::string text;
  std::string error;
  if (!read_text_file(values["file"].as<std::string>(), text, error)) {
    print_error(arguments.command, error);
    exit_code = kExitUsage;
    return std::nullopt;
  }
  rules::ParseOutcome outcome = rules::parse_rule_set(text);  // refuse early, without the router
  if (!outcome.rule_set) {
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& problem : outcome.errors) problems.push_back({{"path", problem.path}, {"message", problem.message}});
    print_rules_reply({{"status", "error"},
                       {"error", {{"code", "invalid_rules"},
                                  {"message", "the rule set was not applied"},
                                  {"problems", problems}}}},
                      as_json);
    exit_code = kExitCheckFailed;
    return std::nullopt;
  }
  request["op"] = "rules.apply";
  request["rules"] = text;
  return request;
}

}  // namespace

int run_rules_apply(const Arguments& arguments, bool rollback) {
  po::options_description options("options");
  add_admin_options(options);
  options.add_options()("reason", po::value<std::string>()->required(), "why (kept in the history)")(
      "effective-at", po::value<std::string>(), "RFC 3339 instant the version takes over (Z or +HH:MM)")(
      "by", po::value<std::string>(), "who applies it (default user@host)");
  po::positional_options_description positional;
  if (rollback) {
    options.add_options()("to", po::value<std::uint32_t>()->required(), "the version to go back to");
  } else {
    options.add_options()("file", po::value<std::string>()->required(), "rule file");
    positional.add("file", 1);
  }
  po::variables_map values;
  std::string synopsis = rollback ? "--to V --reason R [--effective-at T]" : "F --reason R [--effective-at T]";
  if (auto exit_code = parse_options(arguments, options, positional, synopsis, values)) return *exit_code;
  bool as_json = false;
  if (!json_output(arguments.command, values, as_json)) return kExitUsage;
  int exit_code = kExitOk;
  auto request = build_request(arguments, values, rollback, as_json, exit_code);
  if (!request) return exit_code;
  std::string error;
  auto endpoint = admin_endpoint(values, error);
  if (!endpoint) {
    print_error(arguments.command, error);
    return kExitUsage;
  }
  auto reply = admin_request(*endpoint, *request, values["timeout-ms"].as<unsigned>(), error);
  if (!reply) {
    print_error(arguments.command, error);
    return kExitUnreachable;
  }
  print_rules_reply(*reply, as_json);
  return reply->value("status", "") == "ok" ? kExitOk : exit_code_for_admin_error(*reply);
}

int run_rules_active(const Arguments& arguments) {
  po::options_description options("options");
  add_admin_options(options);
  po::variables_map values;
  if (auto exit_code = parse_options(arguments, options, {}, "[--admin E]", values)) return *exit_code;
  bool as_json = false;  // the reply is printed as JSON either way; the value is still checked
  if (!json_output(arguments.command, values, as_json)) return kExitUsage;
  std::string error;
  auto endpoint = admin_endpoint(values, error);
  if (!endpoint) {
    print_error(arguments.command, error);
    return kExitUsage;
  }
  auto reply = admin_request(*endpoint, {{"op", "rules.active"}}, values["timeout-ms"].as<unsigned>(), error);
  if (!reply) {
    print_error(arguments.command, error);
    return kExitUnreachable;
  }
  std::cout << reply->dump() << "\n";
  return reply->value("status", "") == "ok" ? kExitOk : exit_code_for_admin_error(*reply);
}

}  // namespace coexist::cli
