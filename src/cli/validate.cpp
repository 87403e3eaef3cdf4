// `regiokpi validate PROGRAMME.json`: reads and validates a programme definition; prints a one-paragraph
// summary, or every problem on stderr (exit 1). Warnings (a target met at the baseline) go to stderr
// after the summary, exit 0.
#include <fmt/format.h>

#include <iostream>

#include <regiokpi/export.hpp>
#include <regiokpi/money.hpp>
#include <regiokpi/programme_io.hpp>

#include "command.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace cli {
namespace validate_command {

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string summary(const programme& p) {
  std::size_t goals = 0, results = 0, indicators = 0, members = 0;
  for (const auto& pi : p.pillars) {
    goals += pi.goals.size();
    for (const auto& g : pi.goals) {
      results += g.results.size();
      for (const auto& r : g.results) indicators += r.indicators.size();
    }
  }
  for (const auto& d : p.dimensions) members += d.members.size();
  std::string funding = "no funding plan";
  if (p.funding) {
    funding = "funding total " + format_amount(funding_total(*p.funding), grouped_format) + " " + p.funding->currency +
              " in " + plural(p.funding->plan.contributions.size(), "contribution", "contributions");
  }
  return fmt::format("{} ({}), {} to {}: {}, {}, {}, {}; {} with {}; {}; {}.\n", p.name, p.id, format_date(p.start),
                     format_date(p.end), plural(p.pillars.size(), "pillar", "pillars"), plural(goals, "goal", "goals"),
                     plural(results, "result", "results"), plural(indicators, "indicator", "indicators"),
                     plural(p.dimensions.size(), "dimension", "dimensions"), plural(members, "member", "members"),
                     plural(p.parties.size(), "party", "parties"), funding);
}

const bool registered = register_command({
    "validate",
    "Check a programme definition (JSON) and summarise it",
    [](CLI::App& app) -> std::function<int()> {
      auto path = std::make_shared<std::string>();
      auto canonical = std::make_shared<std::string>();
      app.add_option("programme", *path, "Programme definition (JSON)")->required();
      app.add_option("--canonical", *canonical,
                     "Also write the programme in canonical form to this file ('-': stdout)");
      return [path, canonical] {
        const programme p = read_programme(read_file(*path), *path);
        // Everything is computed before anything is written: an error leaves no output behind.
        const std::string text = summary(p);
        const auto warnings = programme_warnings(p);
        const auto warn = [&] {
          for (const auto& w : warnings) std::cerr << "regiokpi: warning: " << w.where << ": " << w.reason << '\n';
          return static_cast<int>(exit_ok);
        };
        if (!canonical->empty()) {
          write_output(*canonical, write_programme(p));
          if (*canonical == "-") return warn();
        }
        write_output("-", text);
        return warn();
      };
    },
});

}  // namespace validate_command
}  // namespace cli
REGIOKPI_END_NAMESPACE
