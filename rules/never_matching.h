#pragma once

// Warnings for condition values no valid transaction can carry: an entity longer than an
// entity may be, a source with a space, a currency not in the ISO 4217 table, `amount.max`
// below the smallest amount there is. Such a rule is allowed (the set is still usable) but
// is almost certainly a typo, so validation says so, naming the value and the field's rule.

#include <string>

#include "rules/conditions.h"
#include "rules/problem.h"

namespace coexist::rules {

void warn_never_matching(StringField field, const StringCondition& condition,
                         const std::string& path, ProblemList& problems);
void warn_never_matching(const AccountCondition& condition, const std::string& path,
                         ProblemList& problems);
void warn_never_matching(const AttributeCondition& condition, const std::string& path,
                         ProblemList& problems);
void warn_never_matching(const AmountRange& range, const std::string& path, ProblemList& problems);

}  // namespace coexist::rules
