#pragma once

// Shared plumbing of the `coexist` subcommands: exit codes (DESIGN.md), option parsing with
// --help, output format, and opening the journal read-only for offline commands.

#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "journal/journal.h"

namespace coexist::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;  // differences found, verification failed, rejected
inline constexpr int kExitUsage = 2;        // usage or configuration error
inline constexpr int kExitUnreachable = 3;  // the router did not answer
inline constexpr int kExitJournal = 4;      // the journal could not be read

namespace po = boost::program_options;

// A subcommand's arguments after the command words ("journal list --entity DE01" → the part
// after "list").
struct Arguments {
  std::string command;  // "journal list", for messages and usage
  std::vector<std::string> words;
};

// Parses `arguments` against `options` (+ positional). Returns an exit code when the command
// must stop here: kExitOk after printing --help, kExitUsage after printing a usage error.
[[nodiscard]] std::optional<int> parse_options(const Arguments& arguments,
                                               const po::options_description& options,
                                               const po::positional_options_description& positional,
                                               const std::string& synopsis,
                                               po::variables_map& values);

// Adds --journal, --config and, unless the command has no use for it, --output to `options`.
void add_journal_options(po::options_description& options, bool with_output = true);

// The journal directory chosen by --journal, else by --config's journal.path, else the
// quickstart's ./coexist-data/journal. Sets `error` on a bad --config.
[[nodiscard]] std::optional<std::filesystem::path> journal_directory(
    const po::variables_map& values, std::string& error);

// The working directory, which the quickstart's relative paths resolve against; nullopt with
// `error` set when it cannot be told (a directory deleted while the shell was in it).
[[nodiscard]] std::optional<std::filesystem::path> current_directory(std::string& error);

// Opens the journal read-only; prints the problem and returns nullptr on failure.
[[nodiscard]] std::unique_ptr<journal::Journal> open_journal_read_only(
    const po::variables_map& values, int& exit_code);

// "json" or "table"; anything else is a usage error printed here, naming `command`.
[[nodiscard]] bool json_output(const std::string& command, const po::variables_map& values,
                               bool& is_json);

void print_error(const std::string& command, const std::string& message);

// Opens a file to read; false with `error` set when it is missing, unreadable or a directory
// (which a stream would read as empty).
[[nodiscard]] bool open_input_file(const std::string& path, std::ifstream& file,
                                   std::string& error);

// Reads a whole file ("-" is standard input); false with `error` set when it cannot.
[[nodiscard]] bool read_text_file(const std::string& path, std::string& text, std::string& error);

int run_serve(const Arguments& arguments);
int run_send(const Arguments& arguments);
int run_journal(const Arguments& arguments);
int run_rules(const Arguments& arguments);

}  // namespace coexist::cli
