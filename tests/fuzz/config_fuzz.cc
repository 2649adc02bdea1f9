// libFuzzer target: configuration files (router/config.h), which `coexist serve --config F`
// reads before anything else. Beyond "no crash, no sanitizer report, no exception", it checks
// that every refusal is what start-up turns into exit 2: code invalid_argument, with a message.
// Run: tools/fuzz.sh (preset `fuzz`, clang + libFuzzer + ASan/UBSan).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "router/config.h"
#include "tests/fuzz/fuzz_failure.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = coexist::router::parse_config(text, "/etc/coexist");
  if (!parsed.is_ok()) {
    const coexist::Status& status = parsed.status();
    if (status.code() != coexist::Status::Code::invalid_argument || status.message().empty()) {
      coexist::fuzz::fail("config_fuzz", "a refusal that is not a configuration error",
                          status.to_string());
    }
  }
  return 0;
}
