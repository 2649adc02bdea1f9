#pragma once

// The ingest side of the router (DESIGN.md, "Ingest protocol"): a ZeroMQ ROUTER socket served by
// one network thread that drains every request that has arrived, validates and routes it into
// the building batch, and hands sealed batches to the CommitWorker. Replies go out only after
// the batch's journal commit returned; requests are answered in arrival order.

#include <zmq.hpp>

#include <atomic>
#include <memory>
#include <string>

#include "journal/journal.h"
#include "model/transaction_parser.h"
#include "router/batch.h"
#include "router/clock.h"
#include "router/commit_worker.h"
#include "router/admin_service.h"
#include "router/metrics.h"
#include "router/rules_state.h"

namespace coexist::router {

struct IngestOptions {
  std::string endpoint = "tcp://127.0.0.1:5570";
  std::uint32_t batch_transactions_max = 16384;
  // A batch takes no more requests once its transactions' canonical JSON reaches this many bytes
  // (the request that crosses it is kept whole): the rest wait in ZeroMQ's queues, and behind
  // them in the clients' TCP connections, for the next batch.
  std::uint64_t batch_canonical_bytes_max = std::uint64_t{64} << 20;
};

class IngestServer final : public RulesChangeSink {
 public:
  // `admin` may be null (no admin socket); otherwise it is polled on the same thread.
  IngestServer(zmq::context_t& context, journal::Journal& journal, RulesState& rules_state,
               AdminService* admin, Metrics& metrics, const Clock& clock, IngestOptions options);
  ~IngestServer() override;
  IngestServer(const IngestServer&) = delete;
  IngestServer& operator=(const IngestServer&) = delete;

  // Binds the ingest socket; the endpoint actually bound (port resolved) is then `endpoint()`.
  [[nodiscard]] Status bind();
  [[nodiscard]] const std::string& endpoint() const { return bound_endpoint_; }

  // Serves until `stop` becomes true, then stops reading, commits and answers what it already
  // received, and returns.
  void run(const std::atomic<bool>& stop);

  [[nodiscard]] bool attach_rules_change(RulesChange&& change) override;

 private:
  void receive_available();
  void accept_request(std::vector<zmq::message_t>& frames);
  void add_items(ParsedRequest& parsed, BatchRequest& request);
  void trim_parsed();
  void start_commit();
  void on_commit_done();
  std::optional<RulesChange> withdraw_rules_change(const Batch& failed);
  void answer(Batch& batch);
  void send_reply(BatchRequest& request, const std::string& reply);
  [[nodiscard]] bool building_full() const;

  zmq::context_t& context_;
  journal::Journal& journal_;
  RulesState& rules_state_;
  AdminService* admin_;
  Metrics& metrics_;
  const Clock& clock_;
  IngestOptions options_;
  std::string bound_endpoint_;
  std::string done_endpoint_;
  zmq::socket_t socket_;
  zmq::socket_t done_;
  TransactionParser parser_;
  ParsedRequest parsed_;  // reused from request to request (see trim_parsed)
  // Three batches rotate: one being built, one being committed, and one whose replies are being
  // sent right after its commit, while the next commit already runs.
  Batch batches_[3];
  Batch* building_ = &batches_[0];
  Batch* committing_ = nullptr;  // handed to the worker, not yet answered
  std::vector<Batch*> free_{&batches_[1], &batches_[2]};
  std::unique_ptr<CommitWorker> worker_;
  std::string reply_buffer_;
};

}  // namespace coexist::router
