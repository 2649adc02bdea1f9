#include "rules/route.h"

namespace coexist::rules {

std::string_view to_string(Route route) {
  switch (route) {
    case Route::legacy:
      return "legacy";
    case Route::new_erp:
      return "new";
    case Route::both:
      return "both";
    case Route::hold:
      return "hold";
  }
  return "unknown";
}

std::optional<Route> parse_route(std::string_view text) {
  if (text == "legacy") return Route::legacy;
  if (text == "new") return Route::new_erp;
  if (text == "both") return Route::both;
  if (text == "hold") return Route::hold;
  return std::nullopt;
}

}  // namespace coexist::rules
