#include "tools/loadgen/request_plan.h"

#include <algorithm>
#include <optional>

#include "model/canonical_json.h"
#include "model/limits.h"
#include "model/transaction_parser.h"
#include "tools/loadgen/random_draw.h"
#include "tools/loadgen/transaction_generator.h"

namespace coexist::loadgen {
namespace {

// Keeps the plan's draws independent of the generator's, which are seeded from (seed, index).
constexpr std::uint64_t kPlanStream = 0x706c616e;  // "plan"

// Generates transactions first..first+count-1 as one frame (an array when batching) and adds
// their canonical sizes to `canonical_bytes`, checking on the way that the model accepts them.
Status append_new_frame(const TransactionGenerator& generator, TransactionParser& parser,
                        std::uint64_t first, std::uint32_t count, bool as_array, ClientPlan& client,
                        std::uint64_t& canonical_bytes) {
  std::string frame;
  if (as_array) frame.push_back('[');
  std::string transaction;
  for (std::uint32_t i = 0; i < count; ++i) {
    transaction.clear();
    generator.append_json(first + i, transaction);
    ParsedItem parsed = parser.parse_transaction(transaction);
    if (!parsed.transaction) {
      return Status::error(Status::Code::failed_precondition,
                           "generator bug: transaction " + std::to_string(first + i) +
                               " is rejected " + std::string(to_string(parsed.rejection.code)) +
                               " at '" + parsed.rejection.path + "': " + parsed.rejection.message);
    }
    canonical_bytes += canonical_json(*parsed.transaction).size();
    if (i > 0) frame.push_back(',');
    frame += transaction;
  }
  if (as_array) frame.push_back(']');
  if (frame.size() > limits::kRequestBytesMax) {
    // The router would answer the whole request too_large: no load worth measuring.
    return Status::error(
        Status::Code::invalid_argument,
        "a request of " + std::to_string(count) + " transactions (" + std::to_string(first) + ".." +
            std::to_string(first + count - 1) + ") is " + std::to_string(frame.size()) +
            " bytes, over the router's request limit of " +
            std::to_string(limits::kRequestBytesMax) + " bytes; use a smaller --batch");
  }
  client.send_order.push_back(static_cast<std::uint32_t>(client.frames.size()));
  client.frames.push_back(std::move(frame));
  client.transactions_in_frame.push_back(count);
  return Status::ok();
}

// The earlier frame this request resends, or nullopt for a request of new transactions. A frame
// bigger than what is left to send is not resent, so the run sends exactly N transactions.
std::optional<std::uint32_t> pick_resubmission(Rng& rng, std::uint32_t duplicates_percent,
                                               const ClientPlan& client, std::uint64_t remaining) {
  if (client.frames.empty() || !chance(rng, duplicates_percent)) return std::nullopt;
  auto earlier = static_cast<std::uint32_t>(below(rng, client.frames.size()));
  if (client.transactions_in_frame[earlier] > remaining) return std::nullopt;
  return earlier;
}

}  // namespace

Result<RequestPlan> build_plan(const Options& options) {
  RequestPlan plan;
  plan.clients.resize(options.clients);
  TransactionGenerator generator(options.seed);
  TransactionParser parser;
  Rng rng(mix(options.seed ^ kPlanStream));
  std::uint64_t sent = 0;
  std::uint64_t canonical_bytes = 0;
  // An array request even for --batch 1 would change what the router is asked to do, so single
  // transactions go as bare objects.
  bool as_array = options.batch > 1;
  while (sent < options.transactions) {
    ClientPlan& client = plan.clients[plan.requests % options.clients];
    std::uint64_t remaining = options.transactions - sent;
    std::optional<std::uint32_t> earlier =
        pick_resubmission(rng, options.duplicates_percent, client, remaining);
    if (earlier) {
      client.send_order.push_back(*earlier);
      sent += client.transactions_in_frame[*earlier];
      ++plan.resubmitted_requests;
    } else {
      auto count = static_cast<std::uint32_t>(std::min<std::uint64_t>(options.batch, remaining));
      Status status =
          append_new_frame(generator, parser, options.first_index + plan.new_transactions, count,
                           as_array, client, canonical_bytes);
      if (!status.is_ok()) return status;
      plan.new_transactions += count;
      sent += count;
    }
    ++plan.requests;
  }
  if (plan.new_transactions > 0) {
    plan.mean_canonical_bytes =
        static_cast<double>(canonical_bytes) / static_cast<double>(plan.new_transactions);
  }
  return plan;
}

}  // namespace coexist::loadgen
