// regiokpi: the command-line tool. Subcommands register themselves (see command.hpp).
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <regiokpi/error.hpp>
#include <regiokpi/export.hpp>
#include <regiokpi/version.hpp>
#include <sstream>
#include <system_error>

#include "command.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace cli {

std::vector<command>& commands() {
  static std::vector<command> all;
  return all;
}

bool register_command(command c) {
  commands().push_back(std::move(c));
  return true;
}

}  // namespace cli
REGIOKPI_END_NAMESPACE

int main(int argc, char** argv) {
  using namespace regiokpi::cli;
  CLI::App app{"regiokpi: track the KPIs of regional development programmes"};
  app.set_version_flag("--version", std::string("regiokpi ") + regiokpi::version());
  app.require_subcommand(1);
  std::function<int()> action;
  // Listed by name, whatever order the subcommands' files were linked (or unity-compiled) in.
  std::ranges::sort(commands(), {}, &command::name);
  for (const auto& c : commands()) {
    CLI::App* sub = app.add_subcommand(c.name, c.description);
    auto run = c.setup(*sub);
    sub->callback([&action, run] { action = run; });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return exit_bad_usage;
  }
  try {
    const int code = action ? action() : exit_bad_usage;
    // Whatever reached standard output must have arrived: `regiokpi ... > /dev/full` is an I/O error.
    write_stdout(std::string_view{});
    return code;
  } catch (const usage_error& e) {
    std::cerr << "regiokpi: " << e.what() << "\n";
    return exit_bad_usage;
  } catch (const regiokpi::error& e) {
    std::cerr << e.what() << "\n";
    switch (e.code()) {
      case regiokpi::errc::io_error:
        return exit_io;
      case regiokpi::errc::internal:
        return exit_internal;
      case regiokpi::errc::invalid_argument:
        return exit_bad_usage;
      default:
        return exit_bad_input;
    }
  } catch (const std::exception& e) {
    std::cerr << "regiokpi: internal error: " << e.what() << "\n";
    return exit_internal;
  }
}
