#pragma once

// The admin socket (listen.admin): a ZeroMQ ROUTER taking one JSON request per frame and
// answering one JSON reply that echoes `request_id` (docs/admin_protocol.md). Served on the
// network thread, between batches, so a rules change can ride on the batch being built and take
// effect exactly between two group commits. State-changing replies are sent only after the
// change is durable.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "journal/journal.h"
#include "router/batch.h"
#include "router/clock.h"
#include "router/rules_state.h"
#include "rules/problem.h"

namespace coexist::router {

// Where the admin service hands a validated rules change: the batch being built.
class RulesChangeSink {
 public:
  virtual ~RulesChangeSink() = default;
  // False when a change is already waiting for its commit (the caller answers `busy`); the
  // change is then left as it was, its reply envelope included.
  [[nodiscard]] virtual bool attach_rules_change(RulesChange&& change) = 0;
};

class AdminService {
 public:
  AdminService(zmq::context_t& context, const journal::Journal& journal,
               const RulesState& rules_state, const Clock& clock, std::string endpoint);

  [[nodiscard]] Status bind();
  [[nodiscard]] const std::string& endpoint() const { return bound_endpoint_; }
  [[nodiscard]] zmq::socket_t& socket() { return socket_; }

  // Answers (or defers) every admin request that has arrived.
  void receive_available(RulesChangeSink& sink);
  // Sends the deferred reply of a rules change once its batch was committed (or failed).
  void rules_change_done(RulesChange& change, const Status& status);

  // Validates a rule set and prepares it as version `version`; on invalid rules returns the
  // error reply instead. `found` holds rule-set problems the caller already saw in the request
  // (keys repeated inside a rules.apply object, which the parsed document no longer shows); they
  // make the rules invalid and are listed first. Public for tests.
  [[nodiscard]] std::optional<RulesChange> prepare_rules_change(
      const nlohmann::json& request, const std::string& rules_text, std::uint32_t copied_from,
      nlohmann::json& error_reply, const std::vector<rules::Problem>& found = {}) const;

 private:
  // `repeated_keys`: every key repeated within one object of the request, with its path.
  nlohmann::json handle(const nlohmann::json& request,
                        const std::vector<rules::Problem>& repeated_keys,
                        std::vector<zmq::message_t>& envelope, RulesChangeSink& sink,
                        bool& deferred);
  nlohmann::json apply(const nlohmann::json& request,
                       const std::vector<rules::Problem>& repeated_in_rules,
                       std::vector<zmq::message_t>& envelope, RulesChangeSink& sink,
                       bool& deferred);
  nlohmann::json rollback(const nlohmann::json& request, std::vector<zmq::message_t>& envelope,
                          RulesChangeSink& sink, bool& deferred);
  nlohmann::json active() const;
  void send(std::vector<zmq::message_t>& envelope, const nlohmann::json& reply);

  zmq::socket_t socket_;
  const journal::Journal& journal_;
  const RulesState& rules_state_;
  const Clock& clock_;
  std::string endpoint_;
  std::string bound_endpoint_;
};

}  // namespace coexist::router
