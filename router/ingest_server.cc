#include "router/ingest_server.h"

#include <spdlog/spdlog.h>

#include "model/canonical_json.h"
#include "model/limits.h"
#include "router/ack_writer.h"
#include "router/ipc_endpoint.h"
#include "router/zmq_envelope.h"

namespace coexist::router {
namespace {

constexpr std::size_t kRequestsPerBatchMax = 65536;
constexpr int kReceiveHighWaterMark = 1000;             // queued requests per client
constexpr int kSendHighWaterMark = 100000;              // queued replies per client
constexpr int kLingerOnCloseMs = 2000;                  // let the last replies leave at shutdown
constexpr std::chrono::milliseconds kPollInterval{50};  // how often `stop` is looked at

Rejection request_rejection(RejectionCode code, std::string message) {
  return Rejection{code, "", std::move(message)};
}

}  // namespace

IngestServer::IngestServer(zmq::context_t& context, journal::Journal& journal,
                           RulesState& rules_state, AdminService* admin, Metrics& metrics,
                           const Clock& clock, IngestOptions options)
    : context_(context),
      journal_(journal),
      rules_state_(rules_state),
      admin_(admin),
      metrics_(metrics),
      clock_(clock),
      options_(std::move(options)),
      socket_(context, zmq::socket_type::router),
      done_(context, zmq::socket_type::pair) {}

IngestServer::~IngestServer() = default;

Status IngestServer::bind() {
  if (Status free = check_ipc_endpoint_is_free(options_.endpoint); !free.is_ok()) {
    return Status::error(Status::Code::invalid_argument,
                         "listen.ingest: cannot bind " + options_.endpoint + ": " + free.message());
  }
  try {
    socket_.set(zmq::sockopt::router_mandatory, 1);
    socket_.set(zmq::sockopt::maxmsgsize, limits::kFrameBytesAbsoluteMax);
    socket_.set(zmq::sockopt::rcvhwm, kReceiveHighWaterMark);
    socket_.set(zmq::sockopt::sndhwm, kSendHighWaterMark);
    socket_.set(zmq::sockopt::linger, kLingerOnCloseMs);
    socket_.bind(options_.endpoint);
    bound_endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
    done_endpoint_ =
        "inproc://coexist-commit-done-" + std::to_string(reinterpret_cast<std::uintptr_t>(this));
    done_.bind(done_endpoint_);
  } catch (const zmq::error_t& error) {
    return Status::error(Status::Code::invalid_argument,
                         "listen.ingest: cannot bind " + options_.endpoint + ": " + error.what());
  }
  worker_ = std::make_unique<CommitWorker>(context_, done_endpoint_, journal_, metrics_, clock_);
  return Status::ok();
}

bool IngestServer::building_full() const {
  return building_->transaction_count() >= options_.batch_transactions_max ||
         building_->canonical_bytes >= options_.batch_canonical_bytes_max ||
         building_->requests.size() >= kRequestsPerBatchMax;
}

void IngestServer::run(const std::atomic<bool>& stop) {
  COEXIST_ASSERT(worker_ != nullptr);
  for (;;) {
    bool stopping = stop.load(std::memory_order_relaxed);
    if (stopping && committing_ == nullptr) {
      if (building_->empty()) break;
      start_commit();  // finish the batch in hand before leaving
    }
    bool receive = !stopping && !building_full();
    // The admin socket is served while not stopping; a pending rules change waits for its batch.
    bool administer = admin_ != nullptr && !stopping;
    zmq::pollitem_t items[] = {
        {done_.handle(), 0, ZMQ_POLLIN, 0},
        {socket_.handle(), 0, static_cast<short>(receive ? ZMQ_POLLIN : 0), 0},
        {administer ? admin_->socket().handle() : nullptr, 0,
         static_cast<short>(administer ? ZMQ_POLLIN : 0), 0},
    };
    zmq::poll(items, administer ? 3 : 2, kPollInterval);
    if ((items[0].revents & ZMQ_POLLIN) != 0) {
      zmq::message_t signal;
      (void)done_.recv(signal, zmq::recv_flags::none);
      on_commit_done();
    }
    if (receive && (items[1].revents & ZMQ_POLLIN) != 0) receive_available();
    if (administer && (items[2].revents & ZMQ_POLLIN) != 0) admin_->receive_available(*this);
    if (committing_ == nullptr && !building_->empty()) start_commit();
  }
  worker_.reset();
}

void IngestServer::receive_available() {
  std::vector<zmq::message_t> frames;
  // Stops when the commit thread has finished its batch: the caller hands it the next one first.
  while (!building_full() && !(committing_ != nullptr && worker_->finished())) {
    frames.clear();
    zmq::message_t frame;
    if (!socket_.recv(frame, zmq::recv_flags::dontwait)) return;  // nothing more has arrived
    frames.push_back(std::move(frame));
    while (frames.back().more()) {
      zmq::message_t next;
      (void)socket_.recv(next, zmq::recv_flags::none);  // the rest of a multipart is already here
      if (frames.size() < limits::kRequestFramesMax + 1) {
        frames.push_back(std::move(next));
      } else {
        frames.back() = std::move(next);  // keep only `more()` bookkeeping for garbage frames
      }
    }
    accept_request(frames);
  }
}

// frames: the envelope (zmq_envelope.h), then the payload: exactly one frame.
void IngestServer::accept_request(std::vector<zmq::message_t>& frames) {
  metrics_.requests_total.fetch_add(1, std::memory_order_relaxed);
  BatchRequest request;
  request.received_at_us = clock_.now_us();
  request.received_steady_ns = clock_.steady_ns();
  const std::size_t envelope_size = envelope_frames(frames);
  for (std::size_t i = 0; i < envelope_size; ++i) request.envelope.push_back(std::move(frames[i]));
  std::size_t payload_frames = frames.size() - envelope_size;
  request.first_item = building_->items.size();
  if (payload_frames != 1) {
    request.request_rejection = request_rejection(
        RejectionCode::malformed_json,
        "a request is exactly one frame holding JSON; got " + std::to_string(payload_frames) +
            (frames.size() > limits::kRequestFramesMax ? " or more" : ""));
  } else {
    const zmq::message_t& payload = frames[envelope_size];
    parser_.parse_request(
        std::string_view(static_cast<const char*>(payload.data()), payload.size()), parsed_);
    if (parsed_.request_rejection) {
      request.request_rejection = std::move(parsed_.request_rejection);
    } else {
      add_items(parsed_, request);
    }
    trim_parsed();
  }
  if (request.request_rejection) {
    metrics_.rejected_total.fetch_add(1, std::memory_order_relaxed);
    spdlog::debug("request rejected: {}: {}", to_string(request.request_rejection->code),
                  request.request_rejection->message);
  }
  building_->requests.push_back(std::move(request));
}

void IngestServer::add_items(ParsedRequest& parsed, BatchRequest& request) {
  request.is_array = parsed.is_array;
  request.item_count = parsed.items.size();
  for (ParsedItem& parsed_item : parsed.items) {
    BatchItem item;
    item.id = parsed_item.id;  // copied: the parser reuses its buffers for the next request
    item.source = parsed_item.source;
    if (!parsed_item.transaction) {
      metrics_.rejected_total.fetch_add(1, std::memory_order_relaxed);
      spdlog::debug("rejected source={} id={}: {} at '{}': {}", item.source, item.id,
                    to_string(parsed_item.rejection.code), parsed_item.rejection.path,
                    parsed_item.rejection.message);
      item.rejection = std::move(parsed_item.rejection);
    } else {
      const Transaction& transaction = *parsed_item.transaction;
      PendingAppend pending;
      pending.take_fields(transaction);
      append_canonical_json(transaction, pending.canonical);
      pending.decision = rules_state_.decide(transaction, request.received_at_us);
      pending.received_at_us = request.received_at_us;
      journal::prepare_body(pending.record_fields(), pending.prepared);
      item.append_index = building_->pending.size();
      building_->canonical_bytes += pending.canonical.size();
      building_->pending.push_back(std::move(pending));
    }
    building_->items.push_back(std::move(item));
  }
}

// The parser's request is reused from frame to frame, its transactions' buffers included (they
// stay in this thread's cache). What a rare large request grew is let go of here: at most
// kItemsKept items stay (a client's arrays of up to 32 transactions keep the full benefit), each
// with at most kLinesKept lines. That keeps about 0.4 MiB for typical lines, and at most about
// 11 MiB for lines crafted with every string at the parser's length limits.
void IngestServer::trim_parsed() {
  constexpr std::size_t kItemsKept = 32;
  constexpr std::size_t kLinesKept = 64;
  std::vector<ParsedItem>& items = parsed_.items;
  if (items.capacity() > kItemsKept) {
    std::vector<ParsedItem> kept;
    kept.reserve(kItemsKept);
    for (std::size_t i = 0; i < std::min(items.size(), kItemsKept); ++i) {
      kept.push_back(std::move(items[i]));
    }
    items.swap(kept);
  }
  for (ParsedItem& item : items) {
    if (item.transaction && item.transaction->lines.capacity() > kLinesKept) {
      item.transaction.reset();
    }
  }
}

void IngestServer::start_commit() {
  COEXIST_ASSERT(committing_ == nullptr && !building_->empty());
  COEXIST_ASSERT(!free_.empty());
  building_->seal();
  committing_ = building_;
  building_ = free_.back();
  free_.pop_back();
  COEXIST_ASSERT(building_->empty());
  if (committing_->rules_change) {
    // From here on, transactions go into later batches, committed after this version's record.
    const RulesChange& change = *committing_->rules_change;
    rules_state_.add(change.record.version, change.record.effective_at_us, change.rule_set);
  }
  worker_->submit(committing_);
}

bool IngestServer::attach_rules_change(RulesChange&& change) {
  if (building_->rules_change) return false;
  building_->rules_change = std::move(change);
  return true;
}

// The committed batch is answered only after the next one has been handed over: the commit
// thread syncs while this thread writes replies.
void IngestServer::on_commit_done() {
  COEXIST_ASSERT(committing_ != nullptr);
  Batch* finished = committing_;
  committing_ = nullptr;
  std::optional<RulesChange> refused_follow_up;
  if (finished->rules_change && !finished->rules_change->status.is_ok()) {
    refused_follow_up = withdraw_rules_change(*finished);
  }
  if (!building_->empty()) start_commit();
  answer(*finished);
  if (refused_follow_up && admin_ != nullptr) {  // answered after the change it followed
    const std::uint32_t withdrawn = finished->rules_change->record.version;
    admin_->rules_change_done(
        *refused_follow_up,
        Status::error(Status::Code::unavailable,
                      "rules version " + std::to_string(withdrawn) +
                          ", which this one follows, was not recorded; apply it again"));
  }
  finished->clear();
  free_.push_back(finished);
}

// A rules version that was not recorded (journal_full, say, even while transactions of its batch
// were) must not stay in force. Transactions decided by it since its batch was handed over wait in
// the batch being built: they are decided again and their records re-encoded, so none is journaled
// with a version that does not exist. A change waiting there was numbered after the withdrawn one:
// it is taken out and returned, to be refused (the admin may apply again).
std::optional<RulesChange> IngestServer::withdraw_rules_change(const Batch& failed) {
  std::uint32_t version = failed.rules_change->record.version;
  rules_state_.withdraw(version);
  spdlog::warn("rules version {} was not recorded ({}); the previous version stays in force",
               version, failed.rules_change->status.message());
  // The batch keeps no parsed transactions: those to decide again are read back from their
  // canonical JSON, which holds every field the rules look at.
  TransactionParser reader(limits::kStoredTransactionBytesMax, ParsePurpose::stored);
  for (PendingAppend& pending : building_->pending) {
    if (pending.decision.rules_version != version) continue;
    ParsedItem reread = reader.parse_transaction(pending.canonical);
    COEXIST_ASSERT(reread.transaction.has_value());  // accepted moments ago, in canonical form
    pending.decision = rules_state_.decide(*reread.transaction, pending.received_at_us);
    journal::prepare_body(pending.record_fields(), pending.prepared);
  }
  std::optional<RulesChange> follow_up = std::move(building_->rules_change);
  building_->rules_change.reset();
  return follow_up;
}

void IngestServer::answer(Batch& batch) {
  for (const journal::AppendResult& result : batch.results) {
    if (result.status == journal::AppendStatus::accepted) {
      metrics_.accepted_total.fetch_add(1, std::memory_order_relaxed);
      metrics_.journal_head_seq.store(result.seq, std::memory_order_relaxed);
    } else if (result.status == journal::AppendStatus::duplicate) {
      metrics_.duplicate_total.fetch_add(1, std::memory_order_relaxed);
    } else if (result.status == journal::AppendStatus::journal_full) {
      metrics_.retryable_errors_total.fetch_add(1, std::memory_order_relaxed);
    } else {
      metrics_.rejected_total.fetch_add(1, std::memory_order_relaxed);
    }
  }
  if (!batch.status.is_ok()) {
    metrics_.retryable_errors_total.fetch_add(batch.appends.size(), std::memory_order_relaxed);
  }
  for (BatchRequest& request : batch.requests) {
    reply_buffer_.clear();
    append_reply(batch, request, reply_buffer_);
    send_reply(request, reply_buffer_);
    metrics_.ack_seconds.observe_ns(clock_.steady_ns() - request.received_steady_ns);
  }
  if (batch.rules_change && admin_ != nullptr) {
    admin_->rules_change_done(*batch.rules_change, batch.rules_change->status);
  }
}

void IngestServer::send_reply(BatchRequest& request, const std::string& reply) {
  try {
    for (zmq::message_t& frame : request.envelope) {
      if (!socket_.send(frame, zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
        metrics_.replies_dropped_total.fetch_add(1, std::memory_order_relaxed);
        return;  // the client is not reading: its transactions stay journaled; resubmit → duplicate
      }
    }
    (void)socket_.send(zmq::buffer(reply), zmq::send_flags::dontwait);
  } catch (const zmq::error_t& error) {
    // EHOSTUNREACH (ROUTER_MANDATORY): the client disconnected before its reply.
    metrics_.replies_dropped_total.fetch_add(1, std::memory_order_relaxed);
    spdlog::debug("reply dropped: {}", error.what());
  }
}

}  // namespace coexist::router
