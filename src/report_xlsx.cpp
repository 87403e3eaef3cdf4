// The Excel workbook report (docs/report-format.md, "Excel workbook"), written with libxlsxwriter.
// libxlsxwriter 1.1 writes to a file name only, so the workbook goes to a private temporary file that
// is read back and removed; the caller writes the bytes where they belong (atomically, like every
// other output).
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "file_io.hpp"
#include "regiokpi/error.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/quality.hpp"
#include "regiokpi/report.hpp"
#include "report_detail.hpp"

REGIOKPI_BEGIN_NAMESPACE

namespace {

/// Throws error(io_error) for a libxlsxwriter failure.
void check(lxw_error e, std::string_view what) {
  if (e != LXW_NO_ERROR) throw error(errc::io_error, "xlsx report: " + std::string(what) + ": " + lxw_strerror(e));
}

/// "#1b7f3b" -> 0x1b7f3b (the HTML report's status colours, progress.hpp's style_of).
lxw_color_t colour_of(std::string_view hex) {
  return static_cast<lxw_color_t>(std::strtoul(std::string(hex.substr(1)).c_str(), nullptr, 16));
}

/// An Excel serial date: days since 1899-12-30 (the 1900 date system, as Excel counts after 1900-03-01).
double excel_serial(date d) {
  constexpr std::int32_t epoch = detail::days_from_civil(1899, 12, 30);
  return static_cast<double>(d.day_number() - epoch);
}

class book {
 public:
  explicit book(const std::string& path) {
    lxw_workbook_options opt{};
    opt.constant_memory = 0;
    std::string tmp = tmp_dir();
    opt.tmpdir = tmp.data();
    wb_ = workbook_new_opt(path.c_str(), &opt);
    if (!wb_) throw error(errc::io_error, "xlsx report: cannot create the workbook " + path);
    header_ = workbook_add_format(wb_);
    format_set_bold(header_);
    format_set_bottom(header_, LXW_BORDER_THIN);
    number_ = workbook_add_format(wb_);
    format_set_num_format(number_, "#,##0.####");
    percent_ = workbook_add_format(wb_);
    format_set_num_format(percent_, "0.0%");
    date_ = workbook_add_format(wb_);
    format_set_num_format(date_, "yyyy-mm-dd");
    money_ = workbook_add_format(wb_);
    format_set_num_format(money_, "#,##0.00");
    integer_ = workbook_add_format(wb_);
    format_set_num_format(integer_, "0");
    for (std::size_t k = 0; k < progress_status_count; ++k) {
      lxw_format* f = workbook_add_format(wb_);
      format_set_bg_color(f, colour_of(style_of(static_cast<progress_status>(k)).colour));
      format_set_font_color(f, LXW_COLOR_WHITE);
      format_set_bold(f);
      status_[k] = f;
    }
  }
  book(const book&) = delete;
  book& operator=(const book&) = delete;
  ~book() {
    if (wb_) workbook_close(wb_);  // only after a failure: close() below clears wb_
  }

  lxw_worksheet* sheet(const char* name) {
    lxw_worksheet* s = workbook_add_worksheet(wb_, name);
    if (!s) throw error(errc::internal, std::string("xlsx report: cannot add the sheet ") + name);
    return s;
  }
  /// The header row, frozen, and an autofilter over `rows` data rows below it.
  void table(lxw_worksheet* s, const std::vector<std::string_view>& columns, lxw_row_t rows) {
    for (std::size_t c = 0; c < columns.size(); ++c)
      check(worksheet_write_string(s, 0, static_cast<lxw_col_t>(c), std::string(columns[c]).c_str(), header_),
            "header");
    worksheet_freeze_panes(s, 1, 0);
    check(worksheet_autofilter(s, 0, 0, rows, static_cast<lxw_col_t>(columns.size() - 1)), "autofilter");
  }
  void text(lxw_worksheet* s, lxw_row_t r, lxw_col_t c, std::string_view v, lxw_format* f = nullptr) {
    if (v.empty()) return;
    check(worksheet_write_string(s, r, c, std::string(v).c_str(), f), "cell");
  }
  void number(lxw_worksheet* s, lxw_row_t r, lxw_col_t c, double v, lxw_format* f) {
    if (!std::isfinite(v)) return;
    check(worksheet_write_number(s, r, c, v, f), "cell");
  }
  void day(lxw_worksheet* s, lxw_row_t r, lxw_col_t c, date d) {
    check(worksheet_write_number(s, r, c, excel_serial(d), date_), "cell");
  }
  void boolean(lxw_worksheet* s, lxw_row_t r, lxw_col_t c, bool b) {
    check(worksheet_write_boolean(s, r, c, b ? 1 : 0, nullptr), "cell");
  }
  lxw_format* number_format() const { return number_; }
  lxw_format* percent_format() const { return percent_; }
  lxw_format* money_format() const { return money_; }
  lxw_format* integer_format() const { return integer_; }
  lxw_format* status_format(progress_status s) const { return status_[static_cast<std::size_t>(s)]; }

  void close() {
    lxw_workbook* wb = wb_;
    wb_ = nullptr;
    check(workbook_close(wb), "writing the workbook");
  }

 private:
  static std::string tmp_dir() {
    const char* t = std::getenv("TMPDIR");
    return t && *t ? t : "/tmp";
  }
  lxw_workbook* wb_ = nullptr;
  lxw_format* header_ = nullptr;
  lxw_format* number_ = nullptr;
  lxw_format* percent_ = nullptr;
  lxw_format* date_ = nullptr;
  lxw_format* money_ = nullptr;
  lxw_format* integer_ = nullptr;
  std::array<lxw_format*, progress_status_count> status_{};
};

std::string_view kind_word(node_kind k) {
  switch (k) {
    case node_kind::programme:
      return "programme";
    case node_kind::pillar:
      return "pillar";
    case node_kind::goal:
      return "goal";
    default:
      return "result";
  }
}

/// Whether a column of the indicator table is a share (achievement, expected ...), shown as a percentage.
bool is_share(std::string_view column) {
  return column == "achievement" || column == "final_achievement" || column == "forecast_p_reach";
}

void summary_sheet(book& b, const programme_report& r) {
  lxw_worksheet* s = b.sheet("Summary");
  const std::vector<std::string_view> cols{
      "level", "id", "name", "status", "achievement", "planned_achievement", "assessed", "children", "children_kind"};
  lxw_row_t row = 1;
  // The programme first (the last node), then its pillars in definition order.
  std::vector<const node_progress*> shown;
  if (!r.nodes.empty()) shown.push_back(&r.nodes.back());
  for (const auto& n : r.nodes)
    if (n.kind == node_kind::pillar) shown.push_back(&n);
  for (const node_progress* n : shown) {
    b.text(s, row, 0, kind_word(n->kind));
    b.text(s, row, 1, n->id);
    b.text(s, row, 2, n->kind == node_kind::programme && n->name.empty() ? r.programme_name : n->name);
    b.text(s, row, 3, display_name(n->status), b.status_format(n->status));
    if (n->achievement) b.number(s, row, 4, *n->achievement, b.percent_format());
    if (n->expected_achievement) b.number(s, row, 5, *n->expected_achievement, b.percent_format());
    b.number(s, row, 6, static_cast<double>(n->children_assessed), b.integer_format());
    b.number(s, row, 7, static_cast<double>(n->children_total), b.integer_format());
    b.text(s, row, 8, report_detail::child_word(n->kind));
    ++row;
  }
  b.table(s, cols, row - 1);
  worksheet_set_column(s, 2, 2, 48, nullptr);
  worksheet_set_column(s, 3, 3, 12, nullptr);
  // Below the table: what the numbers stand on.
  ++row;
  b.text(s, row++, 0,
         "as of " + format_date(r.as_of) +
             (r.as_recorded_on ? ", as recorded on " + format_date(*r.as_recorded_on) : std::string()));
  b.text(s, row, 0, std::to_string(r.indicators.size()) + " indicators; roll-up " + std::string(to_string(r.rollup)));
}

void indicators_sheet(book& b, const programme_report& r) {
  lxw_worksheet* s = b.sheet("Indicators");
  const auto& cols = report_detail::indicator_columns;
  lxw_row_t row = 1;
  for (const auto& i : r.indicators) {
    const auto cells = report_detail::indicator_cells(r, i);
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const auto col = static_cast<lxw_col_t>(c);
      const auto& v = cells[c];
      if (const auto* t = std::get_if<std::string>(&v))
        b.text(s, row, col, *t, c == report_detail::status_column ? b.status_format(i.progress.status) : nullptr);
      else if (const auto* x = std::get_if<double>(&v))
        b.number(s, row, col, *x, is_share(cols[c]) ? b.percent_format() : b.number_format());
      else if (const auto* d = std::get_if<date>(&v))
        b.day(s, row, col, *d);
      else if (const auto* n = std::get_if<std::size_t>(&v))
        b.number(s, row, col, static_cast<double>(*n), b.integer_format());
      else if (const auto* f = std::get_if<bool>(&v))
        b.boolean(s, row, col, *f);
    }
    ++row;
  }
  b.table(s, {cols.begin(), cols.end()}, row - 1);
  worksheet_set_column(s, 1, 1, 40, nullptr);
}

void series_sheet(book& b, const programme_report& r) {
  lxw_worksheet* s = b.sheet("Series");
  lxw_row_t row = 1;
  for (const auto& i : r.indicators)
    for (const auto& p : i.series) {
      b.text(s, row, 0, i.id);
      b.day(s, row, 1, p.when);
      b.number(s, row, 2, p.value, b.number_format());
      ++row;
    }
  b.table(s, {"indicator", "period", "value"}, row - 1);
}

/// An exact amount as the number a cell holds: minor units / 10^scale, exact to the cent below 2^53 cents
/// (90 trillion euros); the library itself never leaves integer minor units.
double cell_number(const amount& a) { return static_cast<double>(a.minor_units()) / std::pow(10.0, a.scale()); }

void funding_sheet(book& b, const programme_report& r) {
  lxw_worksheet* s = b.sheet("Funding");
  lxw_row_t row = 1;
  for (const auto& f : r.funding) {
    b.text(s, row, 0, f.id);
    b.text(s, row, 1, f.party);
    b.number(s, row, 2, cell_number(f.amount), b.money_format());
    b.text(s, row, 3, f.amount.currency().code());
    b.text(s, row, 4, f.note);
    ++row;
  }
  const lxw_row_t last = row - 1;
  b.table(s, {"contribution", "party", "amount", "currency", "note"}, last);
  if (r.funding_total) {
    ++row;
    b.text(s, row, 1, "total paid by the parties");
    b.number(s, row, 2, cell_number(*r.funding_total), b.money_format());
    b.text(s, row, 3, r.funding_total->currency().code());
  }
  worksheet_set_column(s, 0, 1, 28, nullptr);
  worksheet_set_column(s, 2, 2, 16, nullptr);
}

void quality_sheet(book& b, const quality_report& q) {
  lxw_worksheet* s = b.sheet("Data quality");
  lxw_row_t row = 1;
  for (const auto& f : findings(q)) {
    b.text(s, row, 0, to_string(f.level));
    b.text(s, row, 1, f.kind);
    b.text(s, row, 2, f.subject);
    b.text(s, row, 3, f.text);
    ++row;
  }
  b.table(s, {"importance", "kind", "subject", "finding"}, row - 1);
  worksheet_set_column(s, 3, 3, 90, nullptr);
  ++row;
  auto rate = [](std::optional<double> v) { return v ? fmt::format("{:.0f} %", *v * 100) : std::string("n/a"); };
  b.text(s, row, 0, report_detail::quality_summary(q, rate, [](const std::string& v) { return v; }));
}

/// Removes a file when it goes out of scope.
struct remove_on_exit {
  std::string path;
  ~remove_on_exit() { ::unlink(path.c_str()); }
};

}  // namespace

std::string report_to_xlsx(const programme_report& r) {
  const char* t = std::getenv("TMPDIR");
  std::string templ = std::string(t && *t ? t : "/tmp") + "/regiokpi-xlsx-XXXXXX";
  const int fd = ::mkstemp(templ.data());
  if (fd < 0)
    throw error(errc::io_error, "xlsx report: cannot create a temporary file in " + templ.substr(0, templ.rfind('/')) +
                                    ": " + std::strerror(errno));
  ::close(fd);
  const remove_on_exit cleanup{templ};
  {
    book b(templ);
    summary_sheet(b, r);
    indicators_sheet(b, r);
    series_sheet(b, r);
    funding_sheet(b, r);
    if (r.data_quality) quality_sheet(b, *r.data_quality);
    b.close();
  }
  return detail::read_text_file(templ);  // bytes: nothing in it is text-specific
}

REGIOKPI_END_NAMESPACE
