#pragma once

// How a fuzz target reports a broken property: what broke and the input's part in it on stderr,
// then abort(), which libFuzzer takes as a crash and saves the input for.

#include <cstdlib>
#include <iostream>
#include <string_view>

namespace coexist::fuzz {

[[noreturn]] inline void fail(std::string_view target, std::string_view what,
                              std::string_view detail = {}) {
  std::cerr << target << ": " << what << "\n  " << detail << "\n";
  std::abort();
}

}  // namespace coexist::fuzz
