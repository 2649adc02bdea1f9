#pragma once

// The configured rule set at start-up (`rules` in the config, or the quickstart's example): it
// seeds an empty history as version 1. Once a history exists the journal's active version wins
// (rules change through `coexist rules apply`, which is audited); a configured file that differs
// from it is reported, not applied.

#include "journal/journal.h"
#include "router/clock.h"
#include "router/config.h"
#include "router/rules_state.h"

namespace coexist::router {

// Validates the configured rules (an invalid file is a configuration error naming every
// problem) and records them as version 1 when the history is empty.
[[nodiscard]] Status seed_rules(const Config& config, journal::Journal& journal,
                                RulesState& rules_state, const Clock& clock);

}  // namespace coexist::router
