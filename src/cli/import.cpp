// regiokpi import MEASUREMENTS.csv --store DIR [--programme PROGRAMME.json] [--wait]   (docs/store.md)
// regiokpi import iati ACTIVITIES.xml --output-dir DIR [--activity ID]                 (docs/iati.md)
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <regiokpi/iati.hpp>
#include <regiokpi/ingest.hpp>
#include <regiokpi/programme_io.hpp>
#include <regiokpi/store_dir.hpp>
#include <string>
#include <system_error>

#include "command.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace cli {
namespace import_command {

struct iati_options {
  std::string input;
  std::string output_dir;
  std::string activity;
};

int run_iati(const iati_options& o) {
  const std::string xml = read_file(o.input);
  const iati_import imp = import_iati(xml, o.input, o.activity);
  for (const auto& d : imp.not_carried) std::cerr << "regiokpi: not carried: " << d.where << ": " << d.reason << "\n";
  namespace fs = std::filesystem;
  const fs::path dir(o.output_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw error(errc::io_error, o.output_dir + ": cannot create the directory: " + ec.message());
  // Both files are written in full under temporary names first, then renamed into place one right
  // after the other, so a failure while writing leaves the directory as it was.
  const fs::path prog = dir / "programme.json", meas = dir / "measurements.csv";
  const fs::path prog_tmp = dir / ".programme.json.regiokpi-partial",
                 meas_tmp = dir / ".measurements.csv.regiokpi-partial";
  try {
    write_output(prog_tmp.string(), imp.programme_json);
    write_output(meas_tmp.string(), imp.measurements_csv);
    for (const auto& [from, to] : {std::pair{meas_tmp, meas}, std::pair{prog_tmp, prog}}) {
      fs::rename(from, to, ec);
      if (ec) throw error(errc::io_error, to.string() + ": cannot write: " + ec.message());
    }
  } catch (...) {
    fs::remove(prog_tmp, ec);
    fs::remove(meas_tmp, ec);
    throw;
  }
  std::cerr << "regiokpi: activity " << imp.activity << ": wrote " << prog.string() << " and " << meas.string() << " ("
            << imp.not_carried.size() << " item(s) not carried)\n";
  return exit_ok;
}

struct store_options {
  std::string input;
  std::string store;
  std::string programme;
  bool wait = false;
};

int run_store(const store_options& o) {
  if (o.input.empty() || o.store.empty())
    throw usage_error("import needs a measurements CSV and --store DIR (or the subcommand iati)");
  std::optional<programme> prog;
  if (!o.programme.empty()) prog = read_programme_file(o.programme);
  ingest_options io;
  io.source_name = o.input;
  io.programme = prog ? &*prog : nullptr;
  store_write_options w;
  w.wait = o.wait;
  const ingest_summary s = store_import_csv(o.store, o.input, io, w);
  const store_summary m = store_describe(o.store);
  std::cerr << "regiokpi: " << o.store << ": batch " << m.batches.size() << " added (" << s.rows << " rows from "
            << o.input << "); the store holds " << m.rows << " rows in " << m.batches.size() << " batches\n";
  return exit_ok;
}

const bool registered = register_command(
    {"import",
     "Append a measurements CSV to a store directory (--store), or read another format (import iati: IATI 2.03 "
     "results)",
     [](CLI::App& app) -> std::function<int()> {
       app.require_subcommand(0, 1);
       auto so = std::make_shared<store_options>();
       app.add_option("measurements", so->input, "Measurements CSV to append to the store as one batch");
       app.add_option("--store", so->store, "Store directory (created when missing; docs/store.md)");
       app.add_option("--programme", so->programme, "Check every row against this programme, as ingest does");
       app.add_flag("--wait", so->wait, "Wait while another process writes the store, instead of failing");
       CLI::App* iati =
           app.add_subcommand("iati", "IATI 2.03 activity XML to programme.json and measurements.csv (docs/iati.md)");
       auto o = std::make_shared<iati_options>();
       iati->add_option("activities", o->input, "IATI activities XML file")->required();
       iati->add_option("--output-dir", o->output_dir, "Directory for programme.json and measurements.csv")->required();
       iati->add_option("--activity", o->activity, "The iati-identifier to read when the file holds several");
       return [o, so, iati] { return iati->parsed() ? run_iati(*o) : run_store(*so); };
     }});

}  // namespace import_command
}  // namespace cli
REGIOKPI_END_NAMESPACE
