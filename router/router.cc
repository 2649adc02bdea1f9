#include "router/router.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <zmq.hpp>

#include "journal/journal.h"
#include "router/admin_service.h"
#include "router/clock.h"
#include "router/http_endpoint.h"
#include "router/ingest_server.h"
#include "router/metrics.h"
#include "router/readiness.h"
#include "router/ready_file.h"
#include "router/rules_state.h"
#include "router/startup_rules.h"

namespace coexist::router {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitConfig = 2;
constexpr int kExitJournal = 4;

journal::OpenOptions journal_options(const Config& config) {
  journal::OpenOptions options;
  options.path = config.journal.path;
  options.map_size_bytes_initial = config.journal.map_size_mb_initial << 20;
  options.map_size_bytes_max = config.journal.map_size_mb_max << 20;
  return options;
}

// What /api/status answers.
nlohmann::json status_report(bool ready, const Config& config, const journal::Journal& journal,
                             const Metrics& metrics, const std::string& ingest_endpoint) {
  Status failure = journal.failure();
  return nlohmann::json{{"ready", ready},
                        {"journal",
                         {{"path", config.journal.path.string()},
                          {"head_seq", metrics.journal_head_seq.load()},
                          {"failure", failure.is_ok() ? nlohmann::json(nullptr)
                                                      : nlohmann::json(failure.message())}}},
                        {"ingest",
                         {{"endpoint", ingest_endpoint},
                          {"accepted_total", metrics.accepted_total.load()},
                          {"duplicate_total", metrics.duplicate_total.load()},
                          {"rejected_total", metrics.rejected_total.load()}}}};
}

}  // namespace

int serve(const Config& config, const ServeOptions& options, std::atomic<bool>& stop) {
  auto opened = journal::Journal::open(journal_options(config));
  if (!opened.is_ok()) {
    spdlog::error("cannot open journal {}: {}", config.journal.path.string(),
                  opened.status().to_string());
    return kExitJournal;
  }
  journal::Journal& journal = *opened.value();
  auto head = journal.head();
  if (!head.is_ok()) {
    spdlog::error("cannot read journal head: {}", head.status().to_string());
    return kExitJournal;
  }

  Metrics metrics;
  metrics.journal_head_seq.store(head.value().seq);
  SystemClock clock;
  auto rules_state = RulesState::load(journal);
  if (!rules_state.is_ok()) {
    spdlog::error("cannot load the rules history: {}", rules_state.status().to_string());
    return kExitJournal;
  }
  // Every listener is bound, and the ready file written, before anything is written to the
  // journal: a start-up that cannot serve (a port in use, say) must not record the configured
  // rules as version 1, which would then outrank the file the operator corrects for the next
  // start. Ingest and admin route by this very RulesState, so the version seeded below is in
  // force for them without a reload; neither serves before run().
  zmq::context_t context(1);
  AdminService admin(context, journal, *rules_state.value(), clock, config.listen.admin);
  IngestServer ingest(context, journal, *rules_state.value(), &admin, metrics, clock,
                      IngestOptions{config.listen.ingest, config.ingest.batch_transactions_max,
                                    std::uint64_t{config.ingest.batch_mb_max} << 20});
  for (Status bound : {ingest.bind(), admin.bind()}) {
    if (!bound.is_ok()) {
      spdlog::error("{}", bound.message());
      return kExitConfig;
    }
  }
  std::atomic<bool> serving{false};  // /readyz answers 503 until the rules are seeded
  auto ready = [&] { return is_ready(serving, stop, journal); };
  auto status = [&] { return status_report(ready(), config, journal, metrics, ingest.endpoint()); };
  std::unique_ptr<HttpEndpoint> http;
  if (!config.listen.http.empty()) {
    http = std::make_unique<HttpEndpoint>(metrics, ready, status);
    if (Status started = http->start(config.listen.http); !started.is_ok()) {
      spdlog::error("{}", started.message());
      return kExitConfig;
    }
  }
  nlohmann::json endpoints{{"ingest", ingest.endpoint()},
                           {"admin", admin.endpoint()},
                           {"http", http ? http->address() : ""},
                           {"journal", config.journal.path.string()},
                           {"pid", ::getpid()}};
  ReadyFile ready_file(options.ready_file);
  if (Status prepared = ready_file.prepare(endpoints); !prepared.is_ok()) {
    spdlog::error("{}", prepared.message());
    return kExitConfig;
  }

  if (Status seeded = seed_rules(config, journal, *rules_state.value(), clock); !seeded.is_ok()) {
    spdlog::error("{}", seeded.message());
    return seeded.code() == Status::Code::invalid_argument ? kExitConfig : kExitJournal;
  }
  spdlog::info("coexist serving: {} (journal head seq {}, rules version {}{})", endpoints.dump(),
               head.value().seq, rules_state.value()->version_at(clock.now_us()),
               config.quickstart ? ", quickstart defaults" : "");
  serving.store(true);
  if (Status published = ready_file.publish(); !published.is_ok()) {
    spdlog::error("{}", published.message());
    return kExitConfig;
  }

  ingest.run(stop);
  serving.store(false);
  if (Status removed = ready_file.remove(); !removed.is_ok()) {
    spdlog::warn("{}", removed.message());  // the router has stopped all the same
  }
  Status failure = journal.failure();
  spdlog::info("coexist stopped at journal seq {}", metrics.journal_head_seq.load());
  if (!failure.is_ok()) {
    spdlog::error("journal failed while serving: {}", failure.message());
    return kExitJournal;
  }
  return kExitOk;
}

}  // namespace coexist::router
