// coexist: the one CLI (DESIGN.md, "CLI").

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

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
    std::cout << kUsage;
    return words.empty() ? coexist::cli::kExitUsage : coexist::cli::kExitOk;
  }
  std::string command = words[0];
  coexist::cli::Arguments arguments{command, {words.begin() + 1, words.end()}};
  if (command == "serve") return coexist::cli::run_serve(arguments);
  if (command == "send") return coexist::cli::run_send(arguments);
  if (command == "journal") return coexist::cli::run_journal(arguments);
  if (command == "rules") return coexist::cli::run_rules(arguments);
  std::cerr << "coexist: unknown command \"" << command << "\"\n\n" << kUsage;
  return coexist::cli::kExitUsage;
}
