// regiokpi (private, not installed): what ingest checks when a programme is given: the indicator exists, members of the
// programme's dimensions exist, and the value suits the indicator's measure kind. Lookups are cached
// per distinct string, so the per-row cost is a hash probe.
//   detail::ingest_checker c(prog, {"region", "sector"});
//   double v = 3;
//   c.check("jobs", {"emmen", "zorg"}, &v, [](std::size_t field, std::string why) { ... });
#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "regiokpi/export.hpp"
#include "regiokpi/programme.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace detail {

class ingest_checker {
 public:
  /// Field codes passed to the report callback besides dimension indices.
  static constexpr std::size_t indicator_field = static_cast<std::size_t>(-1);
  static constexpr std::size_t value_field = static_cast<std::size_t>(-2);

  ingest_checker(const programme& prog, const std::vector<std::string>& dimension_names)
      : indicators_(prog.indicator_index()) {
    for (const auto& name : dimension_names) dimensions_.push_back(prog.find_dimension(name));
  }

  /// The indicator when it is a text indicator of the programme, else nullptr (for a value that is
  /// not a number: only a text indicator's may be text).
  [[nodiscard]] const indicator* text_indicator(std::string_view indicator_id) const {
    const auto it = indicators_.find(indicator_id);
    return it != indicators_.end() && it->second->kind == measure_kind::text ? it->second : nullptr;
  }

  /// Reports every problem of one row through report(field, reason) and returns the row's
  /// indicator (nullptr when unknown). `value` is null for a text value (checked by the caller).
  /// Safe to call from several threads: it only reads.
  template <class Report>
  const indicator* check(std::string_view indicator_id, const std::vector<std::string_view>& members,
                         const double* value, Report&& report) const {
    const auto it = indicators_.find(indicator_id);
    const indicator* found = it == indicators_.end() ? nullptr : it->second;
    if (found == nullptr) {
      report(indicator_field, quote(indicator_id) + " is not an indicator of the programme");
    } else if (const char* why = value != nullptr ? unsuitable(found->kind, *value) : nullptr) {
      report(value_field, std::string("the value ") + format(*value) + " " + why + " (indicator " +
                              quote(indicator_id) + " is a " + std::string(to_string(it->second->kind)) + ")");
    }
    for (std::size_t d = 0; d < members.size() && d < dimensions_.size(); ++d) {
      const dimension* dim = dimensions_[d];
      if (dim == nullptr || members[d].empty()) continue;  // not a programme dimension; "" = no breakdown
      if (dim->find_member(members[d]) == nullptr)
        report(d, quote(members[d]) + " is not a member of dimension " + quote(dim->id));
    }
    return found;
  }

  /// Why a value does not suit a measure kind ("is negative, a count cannot be"), or nullptr.
  static const char* unsuitable(measure_kind kind, double v) {
    switch (kind) {
      case measure_kind::count:
        return v < 0 ? "is negative, a count cannot be" : nullptr;
      case measure_kind::percentage:
        return v < 0 || v > 100 ? "is outside 0..100, a percentage cannot be" : nullptr;
      case measure_kind::milestone:
        return v != 0 && v != 1 ? "is neither 0 nor 1, a milestone is reached or not" : nullptr;
      case measure_kind::ordinal:
        return v < 0 || std::floor(v) != v ? "is not a level number (a whole number 0 or more)" : nullptr;
      default:
        return nullptr;
    }
  }

 private:
  static std::string format(double v) { return number_text(v); }  // shortest round-trip (error.hpp)

  std::unordered_map<std::string_view, const indicator*> indicators_;
  std::vector<const dimension*> dimensions_;
};

}  // namespace detail
REGIOKPI_END_NAMESPACE
