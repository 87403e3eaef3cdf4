// Loads the Regio Deal Zuid- en Oost-Drenthe programme and prints its tree: pillars, goals, results
// and indicators with their targets, then the funding plan evaluated to the euro.
//   example-regio-deal-zod [examples/regio-deal-zod/programme.json]
#include <cstdio>
#include <regiokpi/programme_io.hpp>
#include <string>

namespace {

std::string target_text(const regiokpi::indicator& i) {
  std::string out;
  for (const auto& t : i.targets) {
    out += out.empty() ? "" : ", ";
    out += std::string(regiokpi::to_string(t.kind)) + " ";
    if (i.kind == regiokpi::measure_kind::milestone)
      out += t.value == 1 ? "delivered" : "not delivered";
    else
      out += std::to_string(static_cast<long long>(regiokpi::resolved_value(t, i.baseline)));
    out += " by " + regiokpi::format_date(t.due);
  }
  return out.empty() ? std::string(regiokpi::to_string(i.direction)) + ", no numeric target" : out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "examples/regio-deal-zod/programme.json";
  try {
    const regiokpi::programme p = regiokpi::read_programme_file(path);
    std::printf("%s (%s .. %s)\n", p.name.c_str(), regiokpi::format_date(p.start).c_str(),
                regiokpi::format_date(p.end).c_str());
    for (const auto& pi : p.pillars) {
      std::printf("  %s\n", pi.name.c_str());
      for (const auto& g : pi.goals) {
        std::printf("    goal %s\n", g.name.c_str());
        for (const auto& r : g.results) {
          std::printf("      %s: %s\n", r.id.c_str(), r.name.c_str());
          for (const auto& i : r.indicators)
            std::printf("        - %s [%s%s, %s]: %s\n", i.id.c_str(), std::string(regiokpi::to_string(i.kind)).c_str(),
                        i.proxy ? ", proxy" : "", i.unit.empty() ? "-" : i.unit.c_str(), target_text(i).c_str());
        }
      }
    }
    if (p.funding) {
      const regiokpi::funding_result f = regiokpi::evaluate(p.funding->plan);
      std::printf("  funding, total %s\n",
                  regiokpi::format_amount(regiokpi::funding_total(*p.funding), regiokpi::grouped_format).c_str());
      for (const auto& c : f.contributions) {
        std::printf("    %-16s %18s\n", c.id.c_str(),
                    regiokpi::format_amount(c.value, regiokpi::grouped_format).c_str());
        for (const auto& m : c.members)
          std::printf("      %-14s %18s\n", m.member.c_str(),
                      regiokpi::format_amount(m.value, regiokpi::grouped_format).c_str());
      }
    }
  } catch (const regiokpi::error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
