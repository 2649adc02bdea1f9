// parse_options: defaults, every documented range, usage errors that name the option.

#include "tools/loadgen/options.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace coexist::loadgen {
namespace {

struct Parsed {
  std::optional<Options> options;
  int exit_code = -1;  // parse_options leaves it alone on success
  std::string out;
  std::string err;
};

Parsed parse(std::vector<std::string> args) {
  args.insert(args.begin(), "coexist-loadgen");
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  Parsed parsed;
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  parsed.options = parse_options(static_cast<int>(args.size()), argv.data(), parsed.exit_code);
  parsed.err = testing::internal::GetCapturedStderr();
  parsed.out = testing::internal::GetCapturedStdout();
  return parsed;
}

TEST(OptionsTest, NoArgumentsGiveTheDocumentedDefaults) {
  Parsed parsed = parse({});
  ASSERT_TRUE(parsed.options.has_value()) << parsed.err;
  const Options& options = *parsed.options;
  EXPECT_EQ(options.endpoint, "tcp://127.0.0.1:5570");
  EXPECT_EQ(options.clients, 1U);
  EXPECT_EQ(options.window, 1U);
  EXPECT_EQ(options.transactions, 10000U);
  EXPECT_EQ(options.seed, 1U);
  EXPECT_EQ(options.first_index, 0U);
  EXPECT_EQ(options.duplicates_percent, 0U);
  EXPECT_EQ(options.batch, 1U);
  EXPECT_EQ(options.timeout_ms, 10000U);
  EXPECT_EQ(options.acks_out, "");
  EXPECT_EQ(parsed.err, "");
}

TEST(OptionsTest, EveryOptionIsRead) {
  Parsed parsed = parse(
      {"--endpoint", "tcp://127.0.0.2:6000", "--clients",     "8",          "--window",
       "64",         "--transactions",       "123456",        "--batch",    "50",
       "--seed",     "9223372036854775807",  "--first-index", "1000000",    "--duplicates-percent",
       "30",         "--timeout-ms",         "2500",          "--acks-out", "/tmp/acks.jsonl"});
  ASSERT_TRUE(parsed.options.has_value()) << parsed.err;
  const Options& options = *parsed.options;
  EXPECT_EQ(options.endpoint, "tcp://127.0.0.2:6000");
  EXPECT_EQ(options.clients, 8U);
  EXPECT_EQ(options.window, 64U);
  EXPECT_EQ(options.transactions, 123456U);
  EXPECT_EQ(options.batch, 50U);
  EXPECT_EQ(options.seed, static_cast<std::uint64_t>(INT64_MAX));
  EXPECT_EQ(options.first_index, 1000000U);
  EXPECT_EQ(options.duplicates_percent, 30U);
  EXPECT_EQ(options.timeout_ms, 2500U);
  EXPECT_EQ(options.acks_out, "/tmp/acks.jsonl");
}

// The "=" form is what scripts write; it must mean the same.
TEST(OptionsTest, EqualsFormIsRead) {
  Parsed parsed = parse({"--clients=3", "--window=5"});
  ASSERT_TRUE(parsed.options.has_value()) << parsed.err;
  EXPECT_EQ(parsed.options->clients, 3U);
  EXPECT_EQ(parsed.options->window, 5U);
}

// Both ends of every range are accepted.
TEST(OptionsTest, RangeEndsAreAccepted) {
  using OptionValue = std::pair<const char*, const char*>;
  for (auto [option, value] :
       {OptionValue{"clients", "1"}, OptionValue{"clients", "256"}, OptionValue{"window", "1"},
        OptionValue{"window", "1024"}, OptionValue{"transactions", "1"},
        OptionValue{"transactions", "9223372036854775807"}, OptionValue{"batch", "1"},
        OptionValue{"batch", "10000"}, OptionValue{"duplicates-percent", "0"},
        OptionValue{"duplicates-percent", "100"}, OptionValue{"timeout-ms", "1"},
        OptionValue{"timeout-ms", "3600000"}, OptionValue{"seed", "0"},
        OptionValue{"seed", "9223372036854775807"}, OptionValue{"first-index", "0"},
        OptionValue{"first-index", "9223372036854775807"}}) {
    SCOPED_TRACE(testing::Message() << "--" << option << " " << value);
    Parsed parsed = parse({std::string("--") + option, value});
    EXPECT_TRUE(parsed.options.has_value()) << parsed.err;
  }
}

struct Bound {
  const char* option;
  const char* value;
  const char* range;  // as the usage error must state it
};

// Named as GoogleTest looks it up, to show a failing case as its command line.
void PrintTo(const Bound& bound, std::ostream* out) {  // NOLINT(readability-identifier-naming)
  *out << "--" << bound.option << " " << bound.value;
}

class OutOfRangeTest : public testing::TestWithParam<Bound> {};

// Refused with kExitUsage, and the message names the option and its range. The negative values
// check that "-1" is refused rather than wrapped to a huge unsigned count.
TEST_P(OutOfRangeTest, IsAUsageErrorNamingTheOptionAndRange) {
  const Bound& bound = GetParam();
  Parsed parsed = parse({std::string("--") + bound.option, bound.value});
  EXPECT_FALSE(parsed.options.has_value());
  EXPECT_EQ(parsed.exit_code, kExitUsage);
  EXPECT_NE(parsed.err.find(std::string("--") + bound.option + " must be in " + bound.range),
            std::string::npos)
      << parsed.err;
  EXPECT_NE(parsed.err.find(std::string("got ") + bound.value), std::string::npos) << parsed.err;
}

INSTANTIATE_TEST_SUITE_P(
    EveryRange, OutOfRangeTest,
    testing::Values(
        Bound{"clients", "0", "1..256"}, Bound{"clients", "257", "1..256"},
        Bound{"clients", "4294967297", "1..256"},  // 2^32 + 1: not truncated to 1
        Bound{"window", "0", "1..1024"}, Bound{"window", "1025", "1..1024"},
        Bound{"window", "-1", "1..1024"}, Bound{"transactions", "0", "1..9223372036854775807"},
        Bound{"transactions", "-5", "1..9223372036854775807"}, Bound{"batch", "0", "1..10000"},
        Bound{"batch", "10001", "1..10000"}, Bound{"duplicates-percent", "101", "0..100"},
        Bound{"duplicates-percent", "-1", "0..100"}, Bound{"timeout-ms", "0", "1..3600000"},
        Bound{"timeout-ms", "3600001", "1..3600000"},
        // Not wrapped to 2^64 - 1; and first_index + transactions cannot wrap to reuse ids.
        Bound{"seed", "-1", "0..9223372036854775807"},
        Bound{"first-index", "-1", "0..9223372036854775807"}));

TEST(OptionsTest, NegativeValueInEqualsFormIsRefused) {
  Parsed parsed = parse({"--window=-1"});
  EXPECT_FALSE(parsed.options.has_value());
  EXPECT_EQ(parsed.exit_code, kExitUsage);
}

TEST(OptionsTest, NonNumericValueIsAUsageError) {
  for (const char* value : {"many", "1.5", "99999999999999999999", ""}) {
    SCOPED_TRACE(value);
    Parsed parsed = parse({"--clients", value});
    EXPECT_FALSE(parsed.options.has_value());
    EXPECT_EQ(parsed.exit_code, kExitUsage);
    EXPECT_NE(parsed.err.find("clients"), std::string::npos) << parsed.err;
  }
}

TEST(OptionsTest, UnknownOptionIsAUsageErrorWithTheSynopsis) {
  Parsed parsed = parse({"--bogus", "1"});
  EXPECT_FALSE(parsed.options.has_value());
  EXPECT_EQ(parsed.exit_code, kExitUsage);
  EXPECT_NE(parsed.err.find("--bogus"), std::string::npos) << parsed.err;
  EXPECT_NE(parsed.err.find("usage: coexist-loadgen"), std::string::npos) << parsed.err;
}

// A bare word (an endpoint without --endpoint, say) is refused, not silently ignored.
TEST(OptionsTest, StrayPositionalArgumentIsAUsageError) {
  Parsed parsed = parse({"tcp://127.0.0.2:5570"});
  EXPECT_FALSE(parsed.options.has_value());
  EXPECT_EQ(parsed.exit_code, kExitUsage);
}

TEST(OptionsTest, HelpPrintsUsageToStdoutAndExitsOk) {
  for (const char* flag : {"--help", "-h"}) {
    SCOPED_TRACE(flag);
    // --help wins over options that would otherwise be refused.
    Parsed parsed = parse({flag, "--clients", "0"});
    EXPECT_FALSE(parsed.options.has_value());
    EXPECT_EQ(parsed.exit_code, kExitOk);
    EXPECT_NE(parsed.out.find("usage: coexist-loadgen"), std::string::npos) << parsed.out;
    EXPECT_NE(parsed.out.find("--duplicates-percent"), std::string::npos) << parsed.out;
    EXPECT_EQ(parsed.err, "");
  }
}

}  // namespace
}  // namespace coexist::loadgen
