// coexist-lmdb-ceiling: the raw LMDB ceiling the router's ingest throughput is compared with.
//
// It puts N journal-like records into a fresh LMDB environment exactly as the journal lays them
// out (journal/format.h: big-endian seq keys appended with MDB_APPEND, plus the idempotency
// index source 0x00 id → seq put with MDB_NOOVERWRITE), in batches of --batch records per durable
// commit (LMDB's default synced commit, as the journal opens it). The values are the generator's
// transactions canonicalized by the model behind a real record header, with the hash left zero:
// no parsing, validation, hashing or networking is timed, only LMDB and the disk. Everything is
// generated before the clock starts. Lives in journal/ because only journal/ may include
// <lmdb.h>.
//
// --id-streams K spreads the ids over K interleaved sequences, as K client systems each with its
// own numbering would: record i gets id "LG-<seed>-s<i mod K>-<i div K>". Each sequence is its own
// insertion point in the index, so every commit dirties about one more index page per sequence;
// the report's written_bytes_per_record shows what that costs.

#include <lmdb.h>
#include <time.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "journal/format.h"
#include "journal/lmdb_util.h"
#include "model/canonical_json.h"
#include "model/transaction_parser.h"
#include "tools/loadgen/transaction_generator.h"

namespace coexist::journal::bench {
namespace {

namespace po = boost::program_options;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
// Every record is generated in memory before the clock starts: ~1.2 KiB each.
constexpr std::int64_t kRecordsMax = 10'000'000;

struct Options {
  std::filesystem::path dir;
  std::uint64_t records = 200'000;
  std::uint64_t batch = 1000;
  std::uint64_t seed = 1;
  std::uint64_t id_streams = 1;
};

struct Record {
  std::string key;              // seq, big-endian
  std::string idempotency_key;  // source 0x00 id
  std::string value;            // version, hash (zero), body with the canonical JSON
};

// A fresh environment closed on scope exit.
struct Environment {
  MDB_env* env = nullptr;
  MDB_dbi transactions = 0;
  MDB_dbi idempotency = 0;
  ~Environment() {
    if (env != nullptr) mdb_env_close(env);
  }
};

std::optional<Options> parse_options(int argc, char** argv, int& exit_code) {
  po::options_description description("coexist-lmdb-ceiling options");
  description.add_options()("help,h", "print this help")(
      "dir", po::value<std::string>()->required(),
      "a new or empty directory for the LMDB environment (same disk as the journal)")(
      "records", po::value<std::int64_t>()->default_value(200'000), "records to put")(
      "batch", po::value<std::int64_t>()->default_value(1000), "records per synced commit")(
      "seed", po::value<std::uint64_t>()->default_value(1), "transaction generator seed")(
      "id-streams", po::value<std::int64_t>()->default_value(1),
      "interleaved id sequences (client systems) the index keys come from");
  po::variables_map values;
  try {
    po::store(po::parse_command_line(argc, argv, description), values);
    if (values.count("help") != 0) {
      std::cout << description;
      exit_code = kExitOk;
      return std::nullopt;
    }
    po::notify(values);
  } catch (const po::error& error) {
    std::cerr << "coexist-lmdb-ceiling: " << error.what() << "\n" << description;
    exit_code = kExitUsage;
    return std::nullopt;
  }
  // Signed, so that "-1" is refused instead of wrapping to 2^64 - 1.
  std::int64_t records = values["records"].as<std::int64_t>();
  std::int64_t batch = values["batch"].as<std::int64_t>();
  std::int64_t id_streams = values["id-streams"].as<std::int64_t>();
  if (records < 1 || records > kRecordsMax || batch < 1 || id_streams < 1) {
    std::cerr << "coexist-lmdb-ceiling: --records must be in 1.." << kRecordsMax
              << ", --batch and --id-streams at least 1\n";
    exit_code = kExitUsage;
    return std::nullopt;
  }
  return Options{values["dir"].as<std::string>(), static_cast<std::uint64_t>(records),
                 static_cast<std::uint64_t>(batch), values["seed"].as<std::uint64_t>(),
                 static_cast<std::uint64_t>(id_streams)};
}

Result<std::vector<Record>> make_records(const Options& options) {
  loadgen::TransactionGenerator generator(options.seed);
  TransactionParser parser;
  std::vector<Record> records;
  records.reserve(options.records);
  for (std::uint64_t index = 0; index < options.records; ++index) {
    ParsedItem parsed = parser.parse_transaction(generator.json(index));
    if (!parsed.transaction) {
      return Status::error(Status::Code::failed_precondition,
                           "generator bug: transaction " + std::to_string(index) +
                               " rejected: " + parsed.rejection.message);
    }
    const Transaction& transaction = *parsed.transaction;
    std::string canonical = canonical_json(transaction);
    RecordFields fields{1'780'000'000'000'000,
                        0,
                        transaction.debit_total,
                        transaction.minor_units,
                        transaction.source,
                        transaction.id,
                        transaction.entity,
                        transaction.type,
                        transaction.posting_date,
                        transaction.currency,
                        "legacy",
                        "default",
                        canonical};
    std::string id = options.id_streams == 1 ? transaction.id
                                             : "LG-" + std::to_string(options.seed) + "-s" +
                                                   std::to_string(index % options.id_streams) +
                                                   "-" + std::to_string(index / options.id_streams);
    Record record{seq_key(index + 1), idempotency_key(transaction.source, id), {}};
    record.value.push_back(static_cast<char>(kRecordVersion));
    record.value.append(kHashBytes, '\0');
    encode_body(fields, record.value);
    records.push_back(std::move(record));
  }
  return records;
}

Status open_environment(const Options& options, std::uint64_t data_bytes, Environment& out) {
  std::error_code error;
  std::filesystem::create_directories(options.dir, error);
  if (std::filesystem::exists(options.dir / "data.mdb")) {
    return Status::error(Status::Code::invalid_argument,
                         "--dir " + options.dir.string() + " already holds an LMDB environment");
  }
  if (int rc = mdb_env_create(&out.env); rc != 0) return lmdb::error("env_create", rc);
  // Room for the records, the index and B-tree slack, so the map never has to grow mid-run.
  std::uint64_t map_size = std::max<std::uint64_t>(1ULL << 30, data_bytes * 3);
  if (int rc = mdb_env_set_mapsize(out.env, map_size); rc != 0) return lmdb::error("mapsize", rc);
  if (int rc = mdb_env_set_maxdbs(out.env, 4); rc != 0) return lmdb::error("maxdbs", rc);
  // The journal's flags: durable commits (no MDB_NOSYNC / NOMETASYNC / MAPASYNC).
  if (int rc = mdb_env_open(out.env, options.dir.c_str(), MDB_NOTLS, 0640); rc != 0) {
    return lmdb::error("env_open " + options.dir.string(), rc);
  }
  lmdb::Transaction txn;
  if (int rc = txn.begin(out.env, 0); rc != 0) return lmdb::error("begin", rc);
  if (int rc = mdb_dbi_open(txn.get(), "transactions", MDB_CREATE, &out.transactions); rc != 0) {
    return lmdb::error("open transactions", rc);
  }
  if (int rc = mdb_dbi_open(txn.get(), "idempotency", MDB_CREATE, &out.idempotency); rc != 0) {
    return lmdb::error("open idempotency", rc);
  }
  if (int rc = txn.commit(); rc != 0) return lmdb::error("commit", rc);
  return Status::ok();
}

// Puts records[first, first + count) in one write transaction and commits it durably.
Status put_batch(Environment& environment, const std::vector<Record>& records, std::size_t first,
                 std::size_t count) {
  lmdb::Transaction txn;
  if (int rc = txn.begin(environment.env, 0); rc != 0) return lmdb::error("begin", rc);
  for (std::size_t i = first; i < first + count; ++i) {
    MDB_val key = lmdb::value_of(records[i].key);
    MDB_val value = lmdb::value_of(records[i].value);
    if (int rc = mdb_put(txn.get(), environment.transactions, &key, &value, MDB_APPEND); rc != 0) {
      return lmdb::error("put record", rc);
    }
    MDB_val index_key = lmdb::value_of(records[i].idempotency_key);
    MDB_val index_value = lmdb::value_of(records[i].key);
    if (int rc =
            mdb_put(txn.get(), environment.idempotency, &index_key, &index_value, MDB_NOOVERWRITE);
        rc != 0) {
      return lmdb::error("put index", rc);
    }
  }
  if (int rc = txn.commit(); rc != 0) return lmdb::error("commit", rc);
  return Status::ok();
}

// Bytes this process has handed to write system calls so far (/proc/self/io wchar): while the
// clock runs only LMDB writes, so the difference is the pages it wrote. (write_bytes read about
// 2.4 times as much here as LMDB handed to pwrite/writev under strace, so it is not used.)
// nullopt where the kernel does not report it.
std::optional<std::uint64_t> bytes_written() {
  std::ifstream io("/proc/self/io");
  std::string name;
  std::uint64_t value = 0;
  while (io >> name >> value) {
    if (name == "wchar:") return value;
  }
  return std::nullopt;
}

int fail(const Status& status) {
  std::cerr << "coexist-lmdb-ceiling: " << status.message() << "\n";
  return kExitFailure;
}

// This process's CPU time (user and system, all threads) in seconds.
double process_cpu_s() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

int run(int argc, char** argv) {
  int exit_code = kExitOk;
  std::optional<Options> options = parse_options(argc, argv, exit_code);
  if (!options) return exit_code;
  Result<std::vector<Record>> records = make_records(*options);
  if (!records.is_ok()) return fail(records.status());
  std::uint64_t data_bytes = 0;
  for (const Record& record : records.value()) data_bytes += record.value.size();
  Environment environment;
  if (Status status = open_environment(*options, data_bytes, environment); !status.is_ok()) {
    return fail(status);
  }
  std::size_t total = records.value().size();
  std::uint64_t commits = 0;
  std::optional<std::uint64_t> written_before = bytes_written();
  auto started = std::chrono::steady_clock::now();
  double cpu_started_s = process_cpu_s();
  for (std::size_t first = 0; first < total; first += options->batch) {
    std::size_t count = std::min<std::size_t>(options->batch, total - first);
    if (Status status = put_batch(environment, records.value(), first, count); !status.is_ok()) {
      return fail(status);
    }
    ++commits;
  }
  double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  double cpu_s = process_cpu_s() - cpu_started_s;
  std::optional<std::uint64_t> written_after = bytes_written();
  nlohmann::json report = {
      {"records", total},
      {"batch", options->batch},
      {"elapsed_s", elapsed_s},
      {"records_per_s", static_cast<double>(total) / elapsed_s},
      {"commits_per_s", static_cast<double>(commits) / elapsed_s},
      // LMDB's and the kernel's CPU per record, the disk's waits excluded: the least CPU that
      // journaling a record costs on this machine, whatever the router around it does.
      {"cpu_us_per_record", cpu_s * 1e6 / static_cast<double>(total)},
      {"mean_record_bytes", static_cast<double>(data_bytes) / static_cast<double>(total)},
      {"id_streams", options->id_streams},
      {"written_bytes_per_record", nullptr},
  };
  if (written_before && written_after) {
    report["written_bytes_per_record"] =
        static_cast<double>(*written_after - *written_before) / static_cast<double>(total);
  }
  std::cout << report.dump() << std::endl;
  return kExitOk;
}

}  // namespace
}  // namespace coexist::journal::bench

int main(int argc, char** argv) {
  try {
    return coexist::journal::bench::run(argc, argv);
  } catch (const std::exception& error) {  // out of memory for the records, mostly
    std::cerr << "coexist-lmdb-ceiling: " << error.what() << "\n";
    return 1;
  }
}
