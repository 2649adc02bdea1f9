#pragma once

// Private to model/: judges one transaction element of an ingest request (see
// transaction_reader.cc for the order of the checks).

#include <simdjson.h>

#include "model/transaction.h"
#include "model/transaction_parser.h"

namespace coexist::detail {

// Fills item.transaction when `element` is a valid transaction, else item.rejection; copies
// `id` and `source` into the item whenever they are strings. Returns whether it was valid.
bool read_transaction(const simdjson::dom::element& element, ParsePurpose purpose,
                      ParsedItem& item);

// Reads the `lines` value into transaction.lines (currency already known).
bool read_lines(const simdjson::dom::element& value, Transaction& transaction,
                Rejection& rejection);

}  // namespace coexist::detail
