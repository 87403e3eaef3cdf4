// regiokpi store info|verify|compact DIR   (docs/store.md)
#include <iostream>
#include <memory>
#include <regiokpi/calendar.hpp>
#include <regiokpi/store_dir.hpp>
#include <string>

#include "command.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace cli {
namespace store_command {

struct store_cli_options {
  std::string dir;
  std::string format = "text";
  std::string output = "-";
  bool wait = false;
};

std::string date_text(const std::optional<date>& d) { return d ? format_date(*d) : std::string("-"); }

int run_info(const store_cli_options& o) {
  const store_summary s = store_describe(o.dir);
  std::string out;
  if (o.format == "json") {
    out = store_summary_to_json(s);
  } else {
    std::uint64_t bytes = 0;
    for (const auto& b : s.batches) bytes += b.bytes;
    for (const auto& b : s.dictionaries) bytes += b.bytes;
    out = "store " + s.path + ": " + std::to_string(s.rows) + " rows in " + std::to_string(s.batches.size()) +
          " batch" + (s.batches.size() == 1 ? "" : "es") + ", " + std::to_string(s.series) + " series, " +
          std::to_string(bytes) + " bytes; dimensions: ";
    for (std::size_t d = 0; d < s.dimensions.size(); ++d) out += (d ? ", " : "") + s.dimensions[d];
    if (s.dimensions.empty()) out += "none";
    out += "; manifest generation " + std::to_string(s.generation) + "\n";
    out += "batch\tfile\tsource\trows\tfirst date\tlast date\timported at\tbytes\n";
    for (std::size_t k = 0; k < s.batches.size(); ++k) {
      const auto& b = s.batches[k];
      out += std::to_string(k + 1) + "\t" + b.file + "\t" + b.source + "\t" + std::to_string(b.rows) + "\t" +
             date_text(b.first) + "\t" + date_text(b.last) + "\t" + b.imported_at + "\t" + std::to_string(b.bytes) +
             "\n";
      for (const auto& m : b.merged)
        out += "\t(merged)\t" + m.source + "\t" + std::to_string(m.rows) + "\t" + date_text(m.first) + "\t" +
               date_text(m.last) + "\t" + m.imported_at + "\t\n";
    }
    for (const auto& d : s.dictionaries)
      out += "dictionary\t" + d.file + "\t\t" + std::to_string(d.rows) + "\t\t\t" + d.imported_at + "\t" +
             std::to_string(d.bytes) + "\n";
  }
  write_output(o.output, out);
  return exit_ok;
}

int run_verify(const store_cli_options& o) {
  const auto problems = store_verify(o.dir);
  if (problems.empty()) {
    const store_summary s = store_describe(o.dir);
    write_output(o.output, "store " + o.dir + ": sound (" + std::to_string(s.batches.size() + s.dictionaries.size()) +
                               " files checked, " + std::to_string(s.rows) + " rows)\n");
    return exit_ok;
  }
  for (const auto& p : problems) std::cerr << "regiokpi: " << p.where << ": " << p.reason << "\n";
  return exit_bad_input;
}

int run_compact(const store_cli_options& o) {
  const std::size_t before = store_describe(o.dir).batches.size();
  store_write_options w;
  w.wait = o.wait;
  const store_summary s = store_compact(o.dir, w);
  std::cerr << "regiokpi: " << o.dir << ": "
            << (before <= 1 ? std::string("one batch already, nothing to merge")
                            : std::to_string(before) + " batches merged into one (" + std::to_string(s.rows) + " rows)")
            << "\n";
  return exit_ok;
}

const bool registered = register_command(
    {"store", "Inspect, check or compact a store directory (store info|verify|compact DIR)",
     [](CLI::App& app) -> std::function<int()> {
       app.require_subcommand(1);
       auto o = std::make_shared<store_cli_options>();
       CLI::App* info = app.add_subcommand("info", "The batches: source file, rows, dates, sizes");
       info->add_option("dir", o->dir, "Store directory")->required();
       info->add_option("--format", o->format, "text or json")->check(CLI::IsMember({"text", "json"}));
       info->add_option("-o,--output", o->output, "Output file ('-' for standard output)");
       CLI::App* verify =
           app.add_subcommand("verify", "Check every file's size and checksum; exit 1 naming a damaged file");
       verify->add_option("dir", o->dir, "Store directory")->required();
       verify->add_option("-o,--output", o->output, "Output file ('-' for standard output)");
       CLI::App* compact =
           app.add_subcommand("compact", "Merge all batches into one, keeping every row and its history");
       compact->add_option("dir", o->dir, "Store directory")->required();
       compact->add_flag("--wait", o->wait, "Wait while another process writes the store, instead of failing");
       return [o, info, verify] {
         if (info->parsed()) return run_info(*o);
         if (verify->parsed()) return run_verify(*o);
         return run_compact(*o);
       };
     }});

}  // namespace store_command
}  // namespace cli
REGIOKPI_END_NAMESPACE
