#include "rules/route.h"

#include <gtest/gtest.h>

namespace coexist::rules {
namespace {

TEST(Route, SpellingsRoundTrip) {
  for (Route route : {Route::legacy, Route::new_erp, Route::both, Route::hold}) {
    EXPECT_EQ(parse_route(to_string(route)), route);
  }
  EXPECT_EQ(to_string(Route::new_erp), "new");
  EXPECT_EQ(to_string(Route::legacy), "legacy");
  EXPECT_EQ(to_string(Route::both), "both");
  EXPECT_EQ(to_string(Route::hold), "hold");
}

TEST(Route, UnknownSpellingsAreRefused) {
  for (const char* text : {"", "new_erp", "Legacy", "NEW", " new", "hold ", "dual"}) {
    EXPECT_FALSE(parse_route(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace coexist::rules
