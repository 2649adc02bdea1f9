#include "tools/loadgen/load_run.h"

#include <latch>
#include <memory>
#include <thread>

namespace coexist::loadgen {

Result<LoadOutcome> run_load(const Options& options, const RequestPlan& plan, AckLog* ack_log) {
  zmq::context_t context;
  std::vector<std::unique_ptr<Client>> clients;
  for (const ClientPlan& client_plan : plan.clients) {
    clients.push_back(std::make_unique<Client>(context, options, client_plan, ack_log));
    Status status = clients.back()->connect();
    if (!status.is_ok()) return status;
  }
  LoadOutcome outcome;
  outcome.clients.resize(clients.size());
  std::latch ready(static_cast<std::ptrdiff_t>(clients.size()));
  std::latch go(1);
  std::vector<std::jthread> threads;
  for (std::size_t i = 0; i < clients.size(); ++i) {
    threads.emplace_back([&, i] {
      ready.count_down();  // the thread exists and its stack is warm: only sending remains
      go.wait();
      outcome.clients[i] = clients[i]->run();
    });
  }
  ready.wait();
  auto started = std::chrono::steady_clock::now();
  go.count_down();
  threads.clear();  // joins
  auto finished = started;
  for (const ClientResult& result : outcome.clients) finished = std::max(finished, result.finished);
  outcome.elapsed_s = std::chrono::duration<double>(finished - started).count();
  return outcome;
}

}  // namespace coexist::loadgen
