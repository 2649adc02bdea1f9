#include "tools/coexist/cli.h"

#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

#include "router/config.h"

namespace coexist::cli {

std::optional<int> parse_options(const Arguments& arguments, const po::options_description& options,
                                 const po::positional_options_description& positional,
                                 const std::string& synopsis, po::variables_map& values) {
  po::options_description all = options;
  all.add_options()("help,h", "show this help");
  try {
    po::store(po::command_line_parser(arguments.words).options(all).positional(positional).run(),
              values);
    if (values.count("help") != 0U) {
      std::cout << "usage: coexist " << arguments.command << " " << synopsis << "\n\n" << all;
      return kExitOk;
    }
    po::notify(values);
  } catch (const po::error& error) {
    print_error(arguments.command, std::string(error.what()) + " (see --help)");
    return kExitUsage;
  }
  return std::nullopt;
}

void add_journal_options(po::options_description& options, bool with_output) {
  options.add_options()("journal", po::value<std::string>(), "journal directory (read-only)")(
      "config", po::value<std::string>(), "take the journal directory from this router config");
  if (with_output) {
    options.add_options()("output", po::value<std::string>()->default_value("table"),
                          "table | json");
  }
}

std::optional<std::filesystem::path> journal_directory(const po::variables_map& values,
                                                       std::string& error) {
  if (values.count("journal") != 0U && values.count("config") != 0U) {
    // Which would win is a guess a script should not have to make: an audit of the wrong
    // journal would pass just as well.
    error = "--journal and --config both name a journal: give one of them";
    return std::nullopt;
  }
  if (values.count("journal") != 0U)
    return std::filesystem::path(values["journal"].as<std::string>());
  if (values.count("config") != 0U) {
    auto config = router::load_config(values["config"].as<std::string>());
    if (!config.is_ok()) {
      error = config.status().message();
      return std::nullopt;
    }
    return config.value().journal.path;
  }
  auto working_directory = current_directory(error);
  if (!working_directory) {
    error += "; the default journal is ./coexist-data/journal (or pass --journal DIR)";
    return std::nullopt;
  }
  return router::quickstart_config(*working_directory).journal.path;
}

std::optional<std::filesystem::path> current_directory(std::string& error) {
  std::error_code code;
  std::filesystem::path directory = std::filesystem::current_path(code);
  if (code) {
    error = "cannot tell the working directory (was it deleted?): " + code.message();
    return std::nullopt;
  }
  return directory;
}

std::unique_ptr<journal::Journal> open_journal_read_only(const po::variables_map& values,
                                                         int& exit_code) {
  std::string error;
  auto directory = journal_directory(values, error);
  if (!directory) {
    print_error("journal", error);
    exit_code = kExitUsage;
    return nullptr;
  }
  journal::OpenOptions options;
  options.path = *directory;
  options.read_only = true;
  auto opened = journal::Journal::open(options);
  if (!opened.is_ok()) {
    print_error("journal", opened.status().message());
    exit_code = kExitJournal;
    return nullptr;
  }
  return std::move(opened.value());
}

bool json_output(const std::string& command, const po::variables_map& values, bool& is_json) {
  std::string output = values.count("output") != 0U ? values["output"].as<std::string>() : "table";
  if (output != "json" && output != "table") {
    print_error(command, "--output must be table or json, not \"" + output + "\"");
    return false;
  }
  is_json = output == "json";
  return true;
}

void print_error(const std::string& command, const std::string& message) {
  std::cerr << "coexist " << command << ": " << message << "\n";
}

bool open_input_file(const std::string& path, std::ifstream& file, std::string& error) {
  std::error_code code;
  if (std::filesystem::is_directory(path, code)) {
    error = "cannot read " + path + ": it is a directory";
    return false;
  }
  file.open(path, std::ios::binary);
  if (!file) {
    error = "cannot read " + path;
    return false;
  }
  return true;
}

bool read_text_file(const std::string& path, std::string& text, std::string& error) {
  std::ifstream file;
  if (path != "-" && !open_input_file(path, file, error)) return false;
  std::istream& in = path == "-" ? std::cin : file;
  std::stringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return true;
}

}  // namespace coexist::cli
