#pragma once

// One part of a batch in one LMDB write transaction, private to journal/: append_batch (in
// journal_append.cc) decides which parts to try and what to do when one does not fit.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "journal/journal.h"
#include "journal/journal_impl.h"

namespace coexist::journal {

// committed: written and durable. map_full: the transaction was aborted, nothing written.
// failed: an LMDB failure (`error` says which; the caller makes it sticky). refused: the request
// itself is wrong (nothing written, the journal stays writable).
enum class Attempt : std::uint8_t { committed, map_full, failed, refused };

// Requests [begin, end) of a batch, then `rules_change` when it is not null.
struct Part {
  std::size_t begin = 0;
  std::size_t end = 0;
  RuleSetRecord* rules_change = nullptr;
};

// Judges and writes the part's requests after what is committed, in one write transaction, and
// commits it durably. A repeat is judged against the committed journal (earlier parts of the same
// batch included) and against the part's earlier requests. Sets results[begin, end) (`results`
// has an entry for every request of the batch) and, for a rules change, its
// activated_after_seq; on `committed` advances the writer's next seq and hash.
[[nodiscard]] Attempt append_part(Journal::Impl& impl, std::span<const AppendRequest> requests,
                                  Part part, std::vector<AppendResult>& results, Status& error);

}  // namespace coexist::journal
