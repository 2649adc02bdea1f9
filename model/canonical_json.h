#pragma once

// The canonical form of a transaction: keys sorted (byte order), no insignificant whitespace,
// absent optional fields omitted, amounts normalised to the currency's minor units ("119.0" ->
// "119.00"), strings escaped exactly as nlohmann::json::dump() does (so parsing the canonical
// form and dumping it again is the identity). Two submissions are "the same content" when their
// canonical forms are byte-equal. Journal hashes and idempotency depend on this form: changing
// it is a journal format change.

#include <string>

#include "model/transaction.h"

namespace coexist {

void append_canonical_json(const Transaction& transaction, std::string& out);
[[nodiscard]] std::string canonical_json(const Transaction& transaction);

// Appends `text` as a JSON string literal (quotes included), escaped like nlohmann's dump().
void append_json_string(std::string& out, std::string_view text);

}  // namespace coexist
