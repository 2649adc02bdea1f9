#include "router/admin_service.h"

#include <spdlog/spdlog.h>

#include <map>
#include <optional>
#include <set>

#include "model/limits.h"
#include "model/timestamp.h"
#include "router/ipc_endpoint.h"
#include "router/zmq_envelope.h"
#include "rules/json_document.h"
#include "rules/rule_set_parser.h"

namespace coexist::router {
namespace {

// Envelope (routing id, a proxy's hops, delimiter) and payload; frames beyond are garbage.
constexpr std::size_t kAdminFramesMax = limits::kRequestFramesMax;
// Rule sets nest a few levels (rules > rule > when > condition > list); far more is an attack.
constexpr std::size_t kAdminJsonDepthMax = 64;

nlohmann::json error_reply(std::string_view code, std::string message) {
  return {{"status", "error"}, {"error", {{"code", code}, {"message", std::move(message)}}}};
}

nlohmann::json problems_json(const std::vector<rules::Problem>& problems) {
  nlohmann::json list = nlohmann::json::array();
  for (const rules::Problem& problem : problems) {
    list.push_back({{"path", problem.path}, {"message", problem.message}});
  }
  return list;
}

// A required non-empty string field of the request, or nullopt with `error` set.
std::optional<std::string> required_text(const nlohmann::json& request, const char* field,
                                         nlohmann::json& error) {
  if (!request.contains(field) || !request[field].is_string() ||
      request[field].get<std::string>().empty()) {
    error = error_reply("bad_request", std::string("\"") + field + "\" must be a non-empty string");
    return std::nullopt;
  }
  return request[field].get<std::string>();
}

// "path: message", or the message alone for a problem of the whole text.
std::string describe(const rules::Problem& problem) {
  return problem.path.empty() ? problem.message : problem.path + ": " + problem.message;
}

// The path within the request's rule set of a path inside its `rules` object (`rules.default` →
// `default`, `rules["odd key"]` → `["odd key"]`), as the rule set's own text would name it;
// nullopt for `rules` itself or a path elsewhere.
std::optional<std::string> path_inside_rules(std::string_view path) {
  constexpr std::string_view kRules = "rules";
  if (!path.starts_with(kRules) || path.size() <= kRules.size()) return std::nullopt;
  path.remove_prefix(kRules.size());
  if (path.front() == '.')
    path.remove_prefix(1);
  else if (path.front() != '[')
    return std::nullopt;  // another key that starts with "rules"
  return std::string(path);
}

// A key the op does not take is refused, not ignored: a misspelt "effective_at" would otherwise
// put a rules version in force at once instead of at the planned instant.
std::optional<std::string> unknown_key(const std::string& op, const nlohmann::json& request) {
  static const std::map<std::string, std::set<std::string>, std::less<>> kKeys = {
      {"ping", {"op", "request_id"}},
      {"rules.active", {"op", "request_id"}},
      {"rules.apply", {"op", "request_id", "rules", "reason", "applied_by", "effective_at"}},
      {"rules.rollback", {"op", "request_id", "to", "reason", "applied_by", "effective_at"}}};
  auto keys = kKeys.find(op);
  if (keys == kKeys.end()) return std::nullopt;  // an unknown op is answered as such
  for (const auto& [key, value] : request.items()) {
    if (keys->second.count(key) == 0) {
      std::string allowed;
      for (const std::string& name : keys->second) allowed += (allowed.empty() ? "" : ", ") + name;
      return "unknown key \"" + key + "\" for " + op + " (it takes " + allowed + ")";
    }
  }
  return std::nullopt;
}

}  // namespace

AdminService::AdminService(zmq::context_t& context, const journal::Journal& journal,
                           const RulesState& rules_state, const Clock& clock, std::string endpoint)
    : socket_(context, zmq::socket_type::router),
      journal_(journal),
      rules_state_(rules_state),
      clock_(clock),
      endpoint_(std::move(endpoint)) {}

Status AdminService::bind() {
  if (Status free = check_ipc_endpoint_is_free(endpoint_); !free.is_ok()) {
    return Status::error(Status::Code::invalid_argument,
                         "listen.admin: cannot bind " + endpoint_ + ": " + free.message());
  }
  try {
    socket_.set(zmq::sockopt::router_mandatory, 1);
    socket_.set(zmq::sockopt::maxmsgsize, limits::kFrameBytesAbsoluteMax);
    socket_.set(zmq::sockopt::linger, 1000);
    socket_.bind(endpoint_);
    bound_endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
  } catch (const zmq::error_t& error) {
    return Status::error(Status::Code::invalid_argument,
                         "listen.admin: cannot bind " + endpoint_ + ": " + error.what());
  }
  return Status::ok();
}

void AdminService::receive_available(RulesChangeSink& sink) {
  for (;;) {
    std::vector<zmq::message_t> frames;
    zmq::message_t frame;
    if (!socket_.recv(frame, zmq::recv_flags::dontwait)) return;
    frames.push_back(std::move(frame));
    while (frames.back().more()) {
      zmq::message_t next;
      (void)socket_.recv(next, zmq::recv_flags::none);
      if (frames.size() <= kAdminFramesMax)
        frames.push_back(std::move(next));
      else
        frames.back() = std::move(next);
    }
    const std::size_t envelope_size = envelope_frames(frames);
    std::vector<zmq::message_t> envelope;
    for (std::size_t i = 0; i < envelope_size; ++i) envelope.push_back(std::move(frames[i]));
    // Not nlohmann's own DOM parser: it has no depth limit (building, echoing or dumping a value
    // nested 100,000 deep overflows the stack) and silently keeps the last of a repeated key.
    rules::JsonDocument read;
    if (frames.size() == envelope_size + 1 && frames[envelope_size].size() > 0) {
      read = rules::read_json_document(frames[envelope_size].to_string_view(), kAdminJsonDepthMax);
    }
    bool deferred = false;
    nlohmann::json reply;
    if (!read.document) {  // "invalid JSON at byte 14: …", "…: JSON nested deeper than 64 levels"
      reply = error_reply("bad_request", read.errors.empty()
                                             ? "a request is one frame holding a JSON object"
                                             : describe(read.errors.front()));
    } else if (!read.document->is_object()) {
      reply = error_reply("bad_request", "a request is one frame holding a JSON object");
    } else {
      reply = handle(*read.document, read.errors, envelope, sink, deferred);
    }
    if (!deferred) {
      const nlohmann::json* request = read.document ? &*read.document : nullptr;
      if (request != nullptr && request->is_object() && request->contains("request_id")) {
        reply["request_id"] = (*request)["request_id"];
      }
      send(envelope, reply);
    }
  }
}

nlohmann::json AdminService::handle(const nlohmann::json& request,
                                    const std::vector<rules::Problem>& repeated_keys,
                                    std::vector<zmq::message_t>& envelope, RulesChangeSink& sink,
                                    bool& deferred) {
  std::string op =
      request.contains("op") && request["op"].is_string() ? request["op"].get<std::string>() : "";
  // A repeated key inside a rules.apply's rule set is a problem of the rules, reported like the
  // text form reports it; anywhere else the request is ambiguous and is refused.
  const bool rules_object =
      op == "rules.apply" && request.contains("rules") && request["rules"].is_object();
  std::vector<rules::Problem> repeated_in_rules;
  for (const rules::Problem& problem : repeated_keys) {
    std::optional<std::string> inside =
        rules_object ? path_inside_rules(problem.path) : std::nullopt;
    if (!inside) return error_reply("bad_request", describe(problem));
    repeated_in_rules.push_back(rules::Problem{std::move(*inside), problem.message});
  }
  if (auto unknown = unknown_key(op, request)) return error_reply("bad_request", *unknown);
  if (op == "ping") return {{"status", "ok"}};
  if (op == "rules.active") return active();
  if (op == "rules.apply") return apply(request, repeated_in_rules, envelope, sink, deferred);
  if (op == "rules.rollback") return rollback(request, envelope, sink, deferred);
  return error_reply("bad_request",
                     "unknown op \"" + op + "\" (ping, rules.active, rules.apply, rules.rollback)");
}

std::optional<RulesChange> AdminService::prepare_rules_change(
    const nlohmann::json& request, const std::string& rules_text, std::uint32_t copied_from,
    nlohmann::json& error, const std::vector<rules::Problem>& found) const {
  auto reason = required_text(request, "reason", error);
  if (!reason) return std::nullopt;
  if (request.contains("applied_by") && !request["applied_by"].is_string()) {
    error = error_reply("bad_request", "\"applied_by\" must be a string");
    return std::nullopt;
  }
  std::int64_t now_us = clock_.now_us();
  std::int64_t effective_at_us = now_us;
  if (request.contains("effective_at")) {
    auto parsed = request["effective_at"].is_string()
                      ? parse_rfc3339_utc(request["effective_at"].get<std::string>())
                      : std::nullopt;
    if (!parsed) {
      error = error_reply("bad_request",
                          "\"effective_at\" must be an RFC 3339 time with Z or an offset");
      return std::nullopt;
    }
    effective_at_us = std::max(*parsed, now_us);  // a past instant means now
  }
  // A rollback copies a recorded version: it is held to the checks it was applied under.
  rules::ParseOutcome outcome =
      rules::parse_rule_set(rules_text, copied_from != 0 ? rules::RuleSetOrigin::recorded
                                                         : rules::RuleSetOrigin::submitted);
  if (!outcome.rule_set || !found.empty()) {
    outcome.errors.insert(outcome.errors.begin(), found.begin(), found.end());
    error = error_reply("invalid_rules", std::to_string(outcome.errors.size()) +
                                             " problem(s); the active version is unchanged");
    error["error"]["problems"] = problems_json(outcome.errors);
    error["warnings"] = problems_json(outcome.warnings);
    return std::nullopt;
  }
  RulesChange change;
  change.record.version = rules_state_.latest_version() + 1;
  change.record.applied_at_us = now_us;
  change.record.effective_at_us = effective_at_us;
  change.record.copied_from = copied_from;
  change.record.applied_by = request.value("applied_by", std::string("unknown"));
  change.record.reason = *reason;
  change.record.canonical = std::move(outcome.canonical_json);
  change.record.sha256 = journal::sha256(change.record.canonical);
  outcome.rule_set->set_version(change.record.version);
  change.rule_set = std::make_shared<const rules::RuleSet>(std::move(*outcome.rule_set));
  change.reply = {{"status", "ok"},
                  {"version", change.record.version},
                  {"sha256", journal::to_hex(change.record.sha256)},
                  {"applied_at", format_rfc3339_utc(now_us)},
                  {"effective_at", format_rfc3339_utc(effective_at_us)},
                  {"warnings", problems_json(outcome.warnings)}};
  if (copied_from != 0) change.reply["copied_from"] = copied_from;
  if (request.contains("request_id")) change.reply["request_id"] = request["request_id"];
  return change;
}

nlohmann::json AdminService::apply(const nlohmann::json& request,
                                   const std::vector<rules::Problem>& repeated_in_rules,
                                   std::vector<zmq::message_t>& envelope, RulesChangeSink& sink,
                                   bool& deferred) {
  if (!request.contains("rules") ||
      !(request["rules"].is_string() || request["rules"].is_object())) {
    return error_reply("bad_request", "\"rules\" must be the rule set (object) or its JSON text");
  }
  std::string text =
      request["rules"].is_string() ? request["rules"].get<std::string>() : request["rules"].dump();
  nlohmann::json error;
  auto change = prepare_rules_change(request, text, 0, error, repeated_in_rules);
  if (!change) return error;
  change->admin_envelope = std::move(envelope);
  std::uint32_t version = change->record.version;
  if (!sink.attach_rules_change(std::move(*change))) {
    envelope = std::move(change->admin_envelope);  // left with us: the busy reply needs it
    return error_reply("busy", "another rules change is being committed; retry");
  }
  spdlog::info("rules version {} accepted for the next commit", version);
  deferred = true;
  return {};
}

nlohmann::json AdminService::rollback(const nlohmann::json& request,
                                      std::vector<zmq::message_t>& envelope, RulesChangeSink& sink,
                                      bool& deferred) {
  if (!request.contains("to") || !request["to"].is_number_unsigned()) {
    return error_reply("bad_request", "\"to\" must be a rules version number");
  }
  auto to = request["to"].get<std::uint64_t>();
  auto history = journal_.rule_sets();
  if (!history.is_ok()) return error_reply("unavailable", history.status().message());
  if (to == 0 || to > history.value().size()) {
    return error_reply("not_found", "rules version " + std::to_string(to) + " does not exist");
  }
  nlohmann::json error;
  auto change = prepare_rules_change(request, history.value()[to - 1].canonical,
                                     static_cast<std::uint32_t>(to), error);
  if (!change) return error;
  change->admin_envelope = std::move(envelope);
  if (!sink.attach_rules_change(std::move(*change))) {
    envelope = std::move(change->admin_envelope);  // left with us: the busy reply needs it
    return error_reply("busy", "another rules change is being committed; retry");
  }
  deferred = true;
  return {};
}

nlohmann::json AdminService::active() const {
  std::int64_t now_us = clock_.now_us();
  return {{"status", "ok"},
          {"version", rules_state_.version_at(now_us)},
          {"latest_version", rules_state_.latest_version()},
          {"as_of", format_rfc3339_utc(now_us)}};
}

void AdminService::rules_change_done(RulesChange& change, const Status& status) {
  nlohmann::json reply = change.reply;
  if (status.is_ok()) {
    reply["activated_after_seq"] = change.record.activated_after_seq;
    spdlog::info("rules version {} recorded after seq {} (by {}: {})", change.record.version,
                 change.record.activated_after_seq, change.record.applied_by, change.record.reason);
  } else {
    // journal_full leaves the journal writable and the previous version in force; otherwise the
    // journal failed (and refuses further writes) or refused the change itself.
    reply =
        error_reply(status.code() == Status::Code::journal_full ? "journal_full" : "unavailable",
                    "the journal refused the change: " + status.message());
    if (change.reply.contains("request_id")) reply["request_id"] = change.reply["request_id"];
  }
  send(change.admin_envelope, reply);
}

void AdminService::send(std::vector<zmq::message_t>& envelope, const nlohmann::json& reply) {
  // Messages quote request bytes through json_quote/with_valid_utf8; replacing here as well
  // means no reply can ever throw out of the network thread.
  std::string text = reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  try {
    for (zmq::message_t& frame : envelope) {
      if (!socket_.send(frame, zmq::send_flags::sndmore | zmq::send_flags::dontwait)) return;
    }
    (void)socket_.send(zmq::buffer(text), zmq::send_flags::dontwait);
  } catch (const zmq::error_t& error) {
    spdlog::warn("admin reply dropped: {}", error.what());
  }
}

}  // namespace coexist::router
