// regiokpi allocate: split a total among members by weights (largest remainder), so the parts add up
// to the total exactly. `regiokpi allocate --total 10000000.00 weights.csv [--format table]`.
#include <regiokpi/csv.hpp>
#include <regiokpi/error.hpp>
#include <regiokpi/export.hpp>
#include <regiokpi/money.hpp>

#include <algorithm>
#include <boost/multiprecision/cpp_int.hpp>
#include <cstddef>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "command.hpp"
#include "weights.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace cli {
namespace allocate_command {

using big_int = boost::multiprecision::cpp_int;

std::size_t display_width(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string pad_left(const std::string& s, std::size_t width) {
  const std::size_t w = display_width(s);
  return w >= width ? s : std::string(width - w, ' ') + s;
}

std::string pad_right(const std::string& s, std::size_t width) {
  const std::size_t w = display_width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

/// A non-negative big integer scaled by 10^scale, grouped: 310080 -> "310,080".
std::string format_scaled_big(const big_int& v, int scale) {
  std::string digits = v.str();
  const auto s = static_cast<std::size_t>(scale);
  if (digits.size() <= s) digits.insert(0, s + 1 - digits.size(), '0');
  std::string out = detail::group_thousands(std::string_view(digits).substr(0, digits.size() - s), ',');
  if (s > 0) out += "." + digits.substr(digits.size() - s);
  return out;
}

/// A human table: member, weight, share of the total weight (%, two decimals, half-even), amount,
/// with thousands separators and a total row.
std::string format_table(const std::vector<member_row>& rows, const std::vector<amount>& parts, const amount& total) {
  int scale = 0;
  for (const auto& r : rows) scale = std::max(scale, r.weight.scale());
  std::vector<big_int> w(rows.size());
  big_int sum = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    w[i] = big_int(rows[i].weight.coefficient()) * detail::pow10(scale - rows[i].weight.scale());
    sum += w[i];
  }
  // Share in hundredths of a percent, rounded half-even: w * 10000 / sum.
  auto share = [&](const big_int& x) {
    big_int q = 0;
    big_int r = 0;
    boost::multiprecision::divide_qr(big_int(x * 10000), sum, q, r);
    if (2 * r > sum || (2 * r == sum && (q & 1) != 0)) ++q;
    std::string digits = q.str();
    if (digits.size() < 3) digits.insert(0, 3 - digits.size(), '0');
    return digits.substr(0, digits.size() - 2) + "." + digits.substr(digits.size() - 2) + " %";
  };
  struct line {
    std::string member, weight, share, value;
  };
  std::vector<line> lines;
  lines.push_back({"member", "weight", "share", "amount (" + std::string(total.currency().code()) + ")"});
  for (std::size_t i = 0; i < rows.size(); ++i)
    lines.push_back({rows[i].member, format_decimal(rows[i].weight, grouped_format), share(w[i]),
                     format_amount(parts[i], grouped_format)});
  lines.push_back({"total", format_scaled_big(sum, scale), "100.00 %", format_amount(total, grouped_format)});
  std::size_t widths[4] = {0, 0, 0, 0};
  for (const auto& l : lines) {
    widths[0] = std::max(widths[0], display_width(l.member));
    widths[1] = std::max(widths[1], display_width(l.weight));
    widths[2] = std::max(widths[2], display_width(l.share));
    widths[3] = std::max(widths[3], display_width(l.value));
  }
  std::string out;
  auto emit = [&](const line& l) {
    out += pad_right(l.member, widths[0]) + "  " + pad_left(l.weight, widths[1]) + "  " + pad_left(l.share, widths[2]) +
           "  " + pad_left(l.value, widths[3]) + "\n";
  };
  auto rule = [&] { out += std::string(widths[0] + widths[1] + widths[2] + widths[3] + 6, '-') + "\n"; };
  emit(lines.front());
  rule();
  for (std::size_t i = 1; i + 1 < lines.size(); ++i) emit(lines[i]);
  rule();
  emit(lines.back());
  return out;
}

std::string format_csv(const std::vector<member_row>& rows, const std::vector<amount>& parts) {
  std::string out = "member,amount\n";
  for (std::size_t i = 0; i < rows.size(); ++i)
    out += csv_escape(rows[i].member) + "," + format_amount(parts[i]) + "\n";
  return out;
}

struct options {
  std::string total;
  std::string currency_code = "EUR";
  std::string weights_file;
  std::string output = "-";
  std::string format = "csv";
  bool table = false;
};

int run(const options& o) {
  currency cur;
  try {
    cur = currency(o.currency_code);
  } catch (const error& e) {
    throw usage_error(std::string("--currency: ") + e.what());
  }
  amount total;
  try {
    total = parse_amount(o.total, cur);
  } catch (const error& e) {
    throw usage_error(std::string("--total: ") + e.what());
  }
  const std::string text = read_file(o.weights_file);
  const auto rows = read_weights(o.weights_file, text);
  std::vector<decimal> weights;
  weights.reserve(rows.size());
  for (const auto& r : rows) weights.push_back(r.weight);
  const auto parts = apportion(total, std::span<const decimal>(weights));
  const bool table = o.table || o.format == "table";
  write_output(o.output, table ? format_table(rows, parts, total) : format_csv(rows, parts));
  return exit_ok;
}

const bool registered = register_command(
    {"allocate", "Split a total among members by weight (largest remainder); the parts add up exactly",
     [](CLI::App& app) -> std::function<int()> {
       auto o = std::make_shared<options>();
       app.add_option("--total", o->total,
                      "The amount to split, e.g. 10000000.00; the parts get as many decimals as it has")
           ->required();
       app.add_option("WEIGHTS.csv", o->weights_file,
                      "UTF-8 CSV with a header member,weight (RFC 4180); weights are non-negative decimals")
           ->required();
       app.add_option("--output,-o", o->output, "Write here instead of standard output (atomically)");
       auto* format = app.add_option("--format", o->format, "csv (member,amount) or table (aligned, with totals)")
                          ->check(CLI::IsMember({"csv", "table"}));
       app.add_flag("--table", o->table, "Same as --format table")->excludes(format);
       app.add_option("--currency", o->currency_code, "Currency code of the total (default EUR)");
       return [o] { return run(*o); };
     }});

}  // namespace allocate_command
}  // namespace cli
REGIOKPI_END_NAMESPACE
