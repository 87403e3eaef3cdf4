// Option values shared by the subcommands (declared in command.hpp).
#include <string>
#include <vector>

#include "command.hpp"
#include "regiokpi/aggregate.hpp"
#include "regiokpi/calendar.hpp"
#include "regiokpi/error.hpp"
#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace cli {

std::vector<std::string> split_list(const std::string& text, const char* option) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false, was_quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"' && cur.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      out.push_back(std::move(cur));
      cur.clear();
      was_quoted = false;
    } else if (was_quoted) {
      throw usage_error(std::string(option) + " " + quote(text) + ": text after a closing quote");
    } else {
      cur += c;
    }
  }
  if (quoted) throw usage_error(std::string(option) + " " + quote(text) + ": a quote is not closed");
  out.push_back(std::move(cur));
  for (const auto& s : out)
    if (s.empty()) throw usage_error(std::string(option) + " " + quote(text) + ": an empty name in the list");
  return out;
}

std::optional<date> date_option(const std::string& text, const char* option) {
  if (text.empty()) return std::nullopt;
  if (auto d = try_parse_date(text)) return d;
  try {
    (void)parse_date(text);
  } catch (const error& e) {
    throw usage_error(std::string(option) + ": " + e.what());
  }
  throw usage_error(std::string(option) + ": " + quote(text) + " is not a date");
}

query query_rules(const std::string& period, const std::string& time, const std::string& space) {
  query q;
  try {
    q.period = parse_period_type(period);
    q.time = parse_time_rule(time);
    q.space = parse_space_rule(space);
  } catch (const error& e) {
    throw usage_error(e.what());
  }
  return q;
}

}  // namespace cli
REGIOKPI_END_NAMESPACE
