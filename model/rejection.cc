#include "model/rejection.h"

namespace coexist {

// These strings are the wire codes of DESIGN.md's ingest protocol: clients match on them.
std::string_view to_string(RejectionCode code) {
  switch (code) {
    case RejectionCode::malformed_json:
      return "malformed_json";
    case RejectionCode::schema:
      return "schema";
    case RejectionCode::unknown_currency:
      return "unknown_currency";
    case RejectionCode::bad_amount:
      return "bad_amount";
    case RejectionCode::unbalanced:
      return "unbalanced";
    case RejectionCode::conflict:
      return "conflict";
    case RejectionCode::too_large:
      return "too_large";
    case RejectionCode::unauthorized:
      return "unauthorized";
  }
  return "unknown";
}

}  // namespace coexist
