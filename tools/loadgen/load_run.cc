#include "tools/loadgen/load_run.h"

#include <time.h>

#include <algorithm>
#include <memory>

namespace coexist::loadgen {
namespace {

double process_cpu_s() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// Polls every unfinished client until all are done; a client without a reply for timeout_ms
// while it has requests in flight times out (and stops), the others go on.
void drive(std::vector<std::unique_ptr<Client>>& clients, const Options& options,
           Clock::time_point started) {
  const auto timeout = std::chrono::milliseconds(options.timeout_ms);
  std::vector<Client*> active;
  for (auto& client : clients) {
    client->start(started);
    if (client->done()) {
      client->finish(false);
    } else {
      active.push_back(client.get());
    }
  }
  std::vector<zmq::pollitem_t> items;
  while (!active.empty()) {
    items.clear();
    Clock::time_point deadline = Clock::time_point::max();
    for (Client* client : active) {
      auto events = static_cast<short>(ZMQ_POLLIN | (client->send_blocked() ? ZMQ_POLLOUT : 0));
      items.push_back({client->socket().handle(), 0, events, 0});
      deadline = std::min(deadline, client->last_reply() + timeout);
    }
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    zmq::poll(items.data(), items.size(), std::max(wait, std::chrono::milliseconds(0)));
    Clock::time_point now = Clock::now();
    std::size_t kept = 0;
    for (std::size_t i = 0; i < active.size(); ++i) {
      Client* client = active[i];
      if ((items[i].revents & ZMQ_POLLIN) != 0) client->take_replies();
      if ((items[i].revents & (ZMQ_POLLIN | ZMQ_POLLOUT)) != 0) client->fill_window();
      if (client->done()) {
        client->finish(false);
      } else if ((client->in_flight() > 0 || client->send_blocked()) &&
                 now - client->last_reply() >= timeout) {
        client->finish(true);
      } else {
        active[kept++] = client;
      }
    }
    active.resize(kept);
  }
}

}  // namespace

Result<LoadOutcome> run_load(const Options& options, const RequestPlan& plan, AckLog* ack_log) {
  zmq::context_t context;
  std::vector<std::unique_ptr<Client>> clients;
  for (const ClientPlan& client_plan : plan.clients) {
    clients.push_back(std::make_unique<Client>(context, options, client_plan, ack_log));
    Status status = clients.back()->connect();
    if (!status.is_ok()) return status;
  }
  LoadOutcome outcome;
  double cpu_started = process_cpu_s();
  auto started = Clock::now();
  for (auto& client : clients) client->result().finished = started;
  try {
    drive(clients, options, started);
  } catch (const zmq::error_t& error) {  // poll itself failed: every client stops here
    for (auto& client : clients) {
      if (client->result().failure.empty()) {
        client->result().failure = std::string("poll failed: ") + error.what();
      }
      client->finish(false);
    }
  }
  outcome.cpu_s = process_cpu_s() - cpu_started;
  auto finished = started;
  for (auto& client : clients) {
    finished = std::max(finished, client->result().finished);
    outcome.clients.push_back(std::move(client->result()));
  }
  outcome.elapsed_s = std::chrono::duration<double>(finished - started).count();
  return outcome;
}

}  // namespace coexist::loadgen
