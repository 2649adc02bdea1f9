#include "model/field_values.h"

#include "model/text_rules.h"

namespace coexist {

namespace {

const detail::TextRule& rule_of(ValueField field) {
  switch (field) {
    case ValueField::source:
      return detail::kSourceRule;
    case ValueField::entity:
      return detail::kEntityRule;
    case ValueField::type:
      return detail::kTypeRule;
    case ValueField::account:
      return detail::kAccountRule;
    case ValueField::attribute_name:
      return detail::kAttributeNameRule;
    case ValueField::attribute_value:
      break;
  }
  return detail::kAttributeValueRule;
}

}  // namespace

std::optional<std::string> why_never_carried(ValueField field, std::string_view text) {
  const detail::TextRule& rule = rule_of(field);
  detail::TextProblem problem = detail::check_text(text, rule);
  if (problem == detail::TextProblem::none) return std::nullopt;
  return detail::describe(problem, rule);
}

}  // namespace coexist
