// regiokpi: the command-line tool. Subcommands register themselves (see command.hpp).
#include <sys/stat.h>
#include <unistd.h>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <regiokpi/error.hpp>
#include <regiokpi/version.hpp>
#include <sstream>
#include <system_error>

#include "command.hpp"

namespace regiokpi::cli {

std::vector<command>& commands() {
  static std::vector<command> all;
  return all;
}

bool register_command(command c) {
  commands().push_back(std::move(c));
  return true;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw regiokpi::error(errc::io_error, path + ": cannot open for reading");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw regiokpi::error(errc::io_error, path + ": read failed");
  return std::move(ss).str();
}

void write_output(const std::string& path, std::string_view contents) {
  if (path.empty() || path == "-") {
    std::fwrite(contents.data(), 1, contents.size(), stdout);
    std::fflush(stdout);
    return;
  }
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string tmpl = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) throw regiokpi::error(errc::io_error, path + ": cannot create a temporary file in " + dir.string());
  // mkstemp creates the file 0600; give the output the permissions a plain create would have.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  std::size_t done = 0;
  bool ok = true;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n <= 0) {
      ok = false;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  std::error_code ec;
  if (ok) fs::rename(tmpl, target, ec);
  if (!ok || ec) {
    fs::remove(tmpl, ec);
    throw regiokpi::error(errc::io_error, path + ": cannot write the output file");
  }
}

}  // namespace regiokpi::cli

int main(int argc, char** argv) {
  using namespace regiokpi::cli;
  CLI::App app{"regiokpi: track the KPIs of regional development programmes"};
  app.set_version_flag("--version", std::string("regiokpi ") + regiokpi::version());
  app.require_subcommand(1);
  std::function<int()> action;
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
    return action ? action() : exit_bad_usage;
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
