// Loads the ERDF-style example programme and prints its tree: for every indicator its kind, unit,
// the 2024 milestone and 2029 target (with any earlier, revised target), and the thresholds in force.
//   example-erdf-style [examples/erdf-style/programme.json]
#include <cstdio>
#include <regiokpi/programme_io.hpp>
#include <string>

namespace {

std::string value_text(const regiokpi::indicator& i, double v) {
  if (i.kind == regiokpi::measure_kind::ordinal) return i.levels.at(static_cast<std::size_t>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "examples/erdf-style/programme.json";
  try {
    const regiokpi::programme p = regiokpi::read_programme_file(path);
    std::printf("%s\n", p.name.c_str());
    for (const auto& pi : p.pillars)
      for (const auto& g : pi.goals) {
        std::printf("  %s / %s: %s\n", pi.id.c_str(), g.id.c_str(), g.name.c_str());
        for (const auto& r : g.results) {
          std::printf("    %s\n", r.name.c_str());
          for (const auto& i : r.indicators) {
            const auto& th = p.thresholds_for(i);
            std::printf("      %-16s %-10s %-12s achieved >= %.0f %%, serious failure < %.0f %%\n", i.id.c_str(),
                        std::string(regiokpi::to_string(i.kind)).c_str(), i.unit.empty() ? "-" : i.unit.c_str(),
                        th.achieved * 100, th.serious_failure * 100);
            for (const auto& t : i.targets) {
              std::printf("        %-9s %s: %s\n", std::string(regiokpi::to_string(t.kind)).c_str(),
                          regiokpi::format_date(t.due).c_str(),
                          value_text(i, regiokpi::resolved_value(t, i.baseline)).c_str());
              for (const auto& rev : t.revisions)
                std::printf("          (was %s until %s: %s)\n", value_text(i, rev.value).c_str(),
                            regiokpi::format_date(rev.revised_on).c_str(), rev.reason.c_str());
            }
          }
        }
      }
  } catch (const regiokpi::error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
