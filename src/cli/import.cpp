// regiokpi import iati ACTIVITIES.xml --output-dir DIR [--activity ID]   (docs/iati.md)
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <regiokpi/iati.hpp>
#include <string>
#include <system_error>

#include "command.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace cli {
namespace {

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

const bool registered = register_command(
    {"import", "Read measurements or a programme from another format (import iati: IATI 2.03 results)",
     [](CLI::App& app) -> std::function<int()> {
       app.require_subcommand(1);
       CLI::App* iati =
           app.add_subcommand("iati", "IATI 2.03 activity XML to programme.json and measurements.csv (docs/iati.md)");
       auto o = std::make_shared<iati_options>();
       iati->add_option("activities", o->input, "IATI activities XML file")->required();
       iati->add_option("--output-dir", o->output_dir, "Directory for programme.json and measurements.csv")->required();
       iati->add_option("--activity", o->activity, "The iati-identifier to read when the file holds several");
       return [o] { return run_iati(*o); };
     }});

}  // namespace
}  // namespace cli
REGIOKPI_END_NAMESPACE
