#include "tools/loadgen/reference_data.h"

#include <array>
#include <numeric>

namespace coexist::loadgen {
namespace {

// Currencies cover 0 (JPY, KRW), 2 and 3 (BHD, KWD) minor-unit digits.
constexpr std::array<EntityProfile, 21> kEntities = {{
    {"DE01", "EUR", "USD", "EMEA", "V19"},    {"DE02", "EUR", "CHF", "EMEA", "V7"},
    {"FR01", "EUR", "USD", "EMEA", "TVA20"},  {"NL01", "EUR", "GBP", "EMEA", "BTW21"},
    {"IT01", "EUR", "USD", "EMEA", "IVA22"},  {"ES01", "EUR", "USD", "EMEA", "IVA21"},
    {"IE01", "EUR", "GBP", "EMEA", "VAT23"},  {"GB01", "GBP", "EUR", "EMEA", "S20"},
    {"CH01", "CHF", "EUR", "EMEA", "MWST81"}, {"SE01", "SEK", "EUR", "EMEA", "MOMS25"},
    {"BH01", "BHD", "USD", "EMEA", "VAT10"},  {"KW01", "KWD", "USD", "EMEA", "EXEMPT"},
    {"US01", "USD", "CAD", "AMER", "ST-CA"},  {"US02", "USD", "EUR", "AMER", "ST-NY"},
    {"CA01", "CAD", "USD", "AMER", "GST5"},   {"BR01", "BRL", "USD", "AMER", "ICMS18"},
    {"JP01", "JPY", "USD", "APAC", "JCT10"},  {"KR01", "KRW", "USD", "APAC", "VAT10"},
    {"SG01", "SGD", "USD", "APAC", "GST9"},   {"AU01", "AUD", "USD", "APAC", "GST10"},
    {"IN01", "INR", "USD", "APAC", "GST18"},
}};

constexpr std::array<std::string_view, 2> kReceivable = {"1200", "1210"};
constexpr std::array<std::string_view, 2> kBank = {"1000", "1010"};
constexpr std::array<std::string_view, 7> kRevenueAndTax = {"4000", "4010", "4020", "4030",
                                                            "4050", "4090", "1776"};
constexpr std::array<std::string_view, 4> kUsageRevenue = {"4100", "4110", "4120", "4130"};
constexpr std::array<std::string_view, 2> kDeferredRevenue = {"2400", "2410"};
constexpr std::array<std::string_view, 3> kBankAndFees = {"1000", "1010", "6800"};
constexpr std::array<std::string_view, 14> kAnyAccount = {"1000", "1200", "1400", "1776", "2000",
                                                          "2400", "3000", "4000", "4100", "5000",
                                                          "6000", "6200", "6800", "8400"};

constexpr std::array<TypeProfile, 8> kTypes = {{
    {"invoice", "billing", 28, FewSide::debit, kReceivable, kRevenueAndTax},
    {"credit_memo", "billing", 7, FewSide::credit, kRevenueAndTax, kReceivable},
    {"payment", "crm", 16, FewSide::debit, kBankAndFees, kReceivable},
    {"refund", "crm", 4, FewSide::credit, kReceivable, kBank},
    {"usage", "usage", 18, FewSide::debit, kReceivable, kUsageRevenue},
    {"revenue_schedule", "billing", 9, FewSide::debit, kDeferredRevenue, kRevenueAndTax},
    {"journal", "crm", 10, FewSide::either, kAnyAccount, kAnyAccount},
    {"adjustment", "crm", 8, FewSide::either, kAnyAccount, kAnyAccount},
}};

constexpr std::array<std::string_view, 12> kHeaderDescriptions = {
    "Subscription renewal, annual plan",
    "Monthly usage charges",
    "Professional services milestone 2 of 4",
    "Quarterly revenue recognition",
    "Customer payment via SEPA credit transfer",
    "Refund for duplicate charge",
    "Intercompany recharge",
    "Miete Büro München, Nebenkosten inbegriffen",
    "Facture récurrente — abonnement Pro",
    "月額利用料 (API calls)",
    "Credit for \"Pro\" plan downgrade",
    "FX revaluation adjustment",
};

constexpr std::array<std::string_view, 10> kLineDescriptions = {
    "Seats tier 3",       "API calls overage", "Support plan Gold", "Setup fee",
    "Storage GB-month",   "Travel expenses",   "Bank fee",          "Tax on services",
    "Discount 10% promo", "Prorated seats",
};

constexpr std::array<std::string_view, 4> kChannels = {"direct", "partner", "marketplace",
                                                       "self_service"};
constexpr std::array<std::string_view, 3> kPlans = {"starter", "pro", "enterprise"};
constexpr std::array<std::string_view, 4> kSegments = {"smb", "mid_market", "enterprise",
                                                       "public_sector"};
constexpr std::array<std::string_view, 3> kBillingCycles = {"monthly", "quarterly", "annual"};

constexpr std::array<AttributeProfile, 5> kAttributes = {{
    {"billing_cycle", kBillingCycles},
    {"channel", kChannels},
    {"contract", {}},
    {"plan", kPlans},
    {"segment", kSegments},
}};

}  // namespace

std::span<const EntityProfile> entity_profiles() { return kEntities; }

std::span<const TypeProfile> type_profiles() { return kTypes; }

std::uint32_t type_weight_total() {
  static const std::uint32_t total = std::accumulate(
      kTypes.begin(), kTypes.end(), 0U,
      [](std::uint32_t sum, const TypeProfile& profile) { return sum + profile.weight; });
  return total;
}

std::span<const std::string_view> header_descriptions() { return kHeaderDescriptions; }

std::span<const std::string_view> line_descriptions() { return kLineDescriptions; }

std::span<const AttributeProfile> attribute_profiles() { return kAttributes; }

}  // namespace coexist::loadgen
