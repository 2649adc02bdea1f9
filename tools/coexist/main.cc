// coexist: the one CLI (DESIGN.md, "CLI").

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "tools/coexist/cli.h"

namespace {

constexpr const char* kUsage = R"(usage: coexist COMMAND [options]   (every command takes --help)

  serve [--config F]              run the router (no config: quickstart on embedded defaults)
  send [--endpoint E] FILE|-      submit JSON lines, print the acks
  rules validate F                check a rule set: exit 0 valid, 1 with every problem
  rules explain --rules F TX.json why a transaction routes where it does (offline)
  rules apply F --reason R [--effective-at T]   activate a new version (via the router)
  rules rollback --to V --reason R              re-activate an earlier version's content
  rules history | show V | diff V1 V2 | active  the versions in the journal
  rules simulate F [--since D] [--entity E]     what the draft would route differently
  journal show KEY|SEQ            one record (KEY is SOURCE/ID)
  journal list [filters]          records matching --entity --source --type --route --state ...
  journal export --format jsonl|csv
  journal verify [--digest F]     recompute the hash chain; exit 1 naming the first bad seq
  journal digest                  the head's seq and hash, to verify against later
  journal stats                   sizes and counts

exit codes: 0 ok, 1 a check failed or a transaction was rejected, 2 usage or config error,
            3 router unreachable, 4 journal error
)";

// A command's result is only as good as its output: a digest saved to a full disk or acks piped
// into a closed file are lost. The commands write standard output as they go; this checks, once
// they are done, that all of it reached its destination. A failure turns "ok" and "a check
// failed" into kExitJournal, as `journal list` and `export` report their own output failures;
// usage errors, an unreachable router and journal errors keep their codes and their own message.
// `serve` is left out: what it prints is its log, not a result.
int finish_output(const std::string& command, int exit_code) {
  std::cout.flush();
  const bool written =
      static_cast<bool>(std::cout) && std::fflush(stdout) == 0 && std::ferror(stdout) == 0;
  if (written ||
      (exit_code != coexist::cli::kExitOk && exit_code != coexist::cli::kExitCheckFailed)) {
    return exit_code;
  }
  std::cerr << "coexist " << command << ": cannot write standard output\n";
  return coexist::cli::kExitJournal;
}

int dispatch(const std::string& command, const coexist::cli::Arguments& arguments) {
  if (command == "serve") return coexist::cli::run_serve(arguments);
  if (command == "send") return coexist::cli::run_send(arguments);
  if (command == "journal") return coexist::cli::run_journal(arguments);
  if (command == "rules") return coexist::cli::run_rules(arguments);
  std::cerr << "coexist: unknown command \"" << command << "\"\n\n" << kUsage;
  return coexist::cli::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
    std::cout << kUsage;
    return words.empty() ? coexist::cli::kExitUsage : coexist::cli::kExitOk;
  }
  std::string command = words[0];
  // A reader that went away (`coexist journal list | head -1`) makes a write fail with EPIPE, which
  // finish_output reports as exit 4 with a message, rather than killing the command with SIGPIPE
  // mid-output and no word. (`serve` writes only its log; ZeroMQ never raises SIGPIPE.)
  if (command != "serve") std::signal(SIGPIPE, SIG_IGN);
  coexist::cli::Arguments arguments{command, {words.begin() + 1, words.end()}};
  const int exit_code = dispatch(command, arguments);
  if (command == "serve") return exit_code;
  // "journal digest", not just "journal": the message names what lost its output. Only `journal`
  // and `rules` have subcommands (always the next word); `send FILE`'s next word is a file.
  const bool has_subcommand = (command == "journal" || command == "rules") && words.size() > 1 &&
                              !words[1].starts_with("-");
  return finish_output(has_subcommand ? command + " " + words[1] : command, exit_code);
}
