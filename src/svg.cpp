// SVG charts for the HTML report. Strings are built by hand: the output is a small, fixed vocabulary
// of elements, and every piece of text passes through escape_xml.
#include "regiokpi/svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "regiokpi/error.hpp"
#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace svg {

namespace {

constexpr std::string_view replacement_character = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

/// Pixel coordinates with two decimals: exact enough for any screen, short, and locale-free.
std::string px(double v) { return fmt::format("{:.2f}", v == 0.0 ? 0.0 : v); }

/// A value for a tooltip or description: up to 6 significant digits.
std::string number(double v) { return fmt::format("{:.6g}", v == 0.0 ? 0.0 : v); }

/// An approximate text width for layout: 0.6 em per character (UTF-8 continuation bytes do not count).
double text_width(std::string_view s, double font_size) {
  std::size_t chars = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;
  return 0.6 * font_size * static_cast<double>(chars);
}

/// Text shortened with an ellipsis to fit max_width (by the estimate above, which is generous enough
/// for bold mixed-case type), cut on a UTF-8 character boundary. The accessible <title> keeps it whole.
std::string fit_text(std::string_view s, double max_width, double font_size) {
  if (text_width(s, font_size) <= max_width) return std::string(s);
  const double budget = max_width - text_width("\xE2\x80\xA6", font_size);
  std::size_t end = 0;
  double used = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (used + 0.6 * font_size > budget) break;
    used += 0.6 * font_size;
    end = i + 1;
    while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) ++end;
  }
  return std::string(s.substr(0, end)) + "\xE2\x80\xA6";  // U+2026 HORIZONTAL ELLIPSIS
}

/// Heckbert's nice number: 1, 2, 5 or 10 times a power of ten, near x (round) or >= x (ceiling).
double nice_number(double x, bool round) {
  const double e = std::floor(std::log10(x));
  const double p = std::pow(10.0, e);
  const double f = x / p;
  double nf = 10.0;
  if (round)
    nf = f < 1.5 ? 1.0 : f < 3.0 ? 2.0 : f < 7.0 ? 5.0 : 10.0;
  else
    nf = f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0;
  return nf * p;
}

/// A class name fragment: [A-Za-z0-9_-] kept, anything else "-" (class names need not be unique).
std::string class_fragment(std::string_view s) {
  std::string out(s);
  for (char& ch : out) {
    const auto c = static_cast<unsigned char>(ch);
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) ch = '-';
  }
  return out;
}

/// The next step in the 1, 2, 5, 10, 20, 50 ... sequence.
std::int32_t next_125(std::int32_t step) {
  std::int32_t lead = step;
  while (lead >= 10) lead /= 10;
  return lead == 2 ? step / 2 * 5 : step * 2;
}

std::vector<point> finite_sorted(const std::vector<point>& in) {
  std::vector<point> out;
  out.reserve(in.size());
  for (const point& p : in)
    if (std::isfinite(p.value)) out.push_back(p);
  std::stable_sort(out.begin(), out.end(), [](const point& a, const point& b) { return a.when < b.when; });
  return out;
}

std::vector<band_point> finite_sorted(const std::vector<band_point>& in) {
  std::vector<band_point> out;
  for (const band_point& p : in)
    if (std::isfinite(p.low) && std::isfinite(p.high)) out.push_back(p);
  std::stable_sort(out.begin(), out.end(), [](const band_point& a, const band_point& b) { return a.when < b.when; });
  return out;
}

void check_layout(const chart_layout& l) {
  if (l.width - l.margin_left - l.margin_right < 10 || l.height - l.margin_top - l.margin_bottom < 10 ||
      l.margin_left < 0 || l.margin_right < 0 || l.margin_top < 0 || l.margin_bottom < 0)
    throw error(errc::invalid_argument,
                fmt::format("chart layout {}x{} with margins {}/{}/{}/{} leaves no plot area", l.width, l.height,
                            l.margin_left, l.margin_right, l.margin_top, l.margin_bottom));
}

std::string svg_open(const std::string& id, std::string_view cls, int width, int height) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{0}\" class=\"{1}\" width=\"{2}\" height=\"{3}\" "
      "viewBox=\"0 0 {2} {3}\" role=\"img\" aria-labelledby=\"{0}-title {0}-desc\" font-family=\"sans-serif\" "
      "font-size=\"12\">\n",
      id, cls, width, height);
}

std::string accessible_text(const std::string& id, std::string_view title, std::string_view desc) {
  return fmt::format("<title id=\"{0}-title\">{1}</title>\n<desc id=\"{0}-desc\">{2}</desc>\n", id, escape_xml(title),
                     escape_xml(desc));
}

std::string polyline_points(const std::vector<std::pair<double, double>>& xy) {
  std::string out;
  for (const auto& [x, y] : xy) {
    if (!out.empty()) out += ' ';
    out += px(x);
    out += ',';
    out += px(y);
  }
  return out;
}

std::string describe(const time_series_chart& c, const std::vector<point>& measured, const std::vector<point>& planned,
                     const std::vector<band_point>& band) {
  std::string d = c.title.empty() ? std::string("Chart") : c.title;
  const std::string unit = c.unit.empty() ? "" : " " + c.unit;
  if (measured.empty()) {
    d += ": no measured values";
  } else {
    d += fmt::format(": {} measured value{} from {} to {}, latest {}{}", measured.size(),
                     measured.size() == 1 ? "" : "s", format_date(measured.front().when),
                     format_date(measured.back().when), number(measured.back().value), unit);
  }
  if (!planned.empty())
    d += fmt::format("; planned {}{} by {}", number(planned.back().value), unit, format_date(planned.back().when));
  if (!band.empty())
    d += fmt::format("; forecast interval at {}: {} to {}{}", format_date(band.back().when), number(band.back().low),
                     number(band.back().high), unit);
  if (!c.status.empty()) d += "; status " + (c.status_label.empty() ? c.status : c.status_label);
  d += '.';
  return d;
}

}  // namespace

std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&apos;";
          break;
        default:
          if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            out += replacement_character;
          else
            out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // Multi-byte UTF-8: check length, continuation bytes, overlong forms, surrogates, the range and
    // the two non-characters U+FFFE/U+FFFF that XML excludes.
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07u;
    }
    bool valid = len != 0 && i + len <= n;
    for (std::size_t k = 1; valid && k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) valid = false;
      cp = (cp << 6) | (s[i + k] & 0x3Fu);
    }
    if (valid) {
      const std::uint32_t min = len == 2 ? 0x80u : len == 3 ? 0x800u : 0x10000u;
      valid = cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    if (valid) {
      // U+FFFE and U+FFFF are well-formed UTF-8 but not XML characters: one replacement for the lot.
      if (cp == 0xFFFE || cp == 0xFFFF)
        out += replacement_character;
      else
        out.append(text.substr(i, len));
      i += len;
    } else {
      out += replacement_character;
      ++i;
    }
  }
  return out;
}

std::string id_fragment(std::string_view text) {
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')
      out += ch;
    else
      out += fmt::format("_{:02x}", c);
  }
  return out;
}

axis_ticks nice_ticks(double low, double high, int max_ticks) {
  axis_ticks t;
  if (!std::isfinite(low) || !std::isfinite(high) || max_ticks < 2) return t;
  if (low > high) std::swap(low, high);
  if (low == high) {
    const double pad = low == 0.0 ? 1.0 : std::abs(low) * 0.1;
    low -= pad;
    high += pad;
  }
  const double range = nice_number(high - low, false);
  const double step = nice_number(range / (max_ticks - 1), true);
  if (!std::isfinite(step) || step <= 0.0) return t;
  const double first = std::floor(low / step) * step;
  const double last = std::ceil(high / step) * step;
  const auto count = static_cast<int>(std::lround((last - first) / step)) + 1;
  t.step = step;
  t.decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  for (int i = 0; i < count; ++i) {
    // Multiply rather than accumulate, and snap a rounding residue at zero to zero.
    double v = first + step * i;
    if (std::abs(v) < step * 1e-9) v = 0.0;
    t.values.push_back(v);
  }
  return t;
}

std::string tick_label(double value, const axis_ticks& ticks) {
  double largest = 0.0;
  for (double v : ticks.values) largest = std::max(largest, std::abs(v));
  double scale = 1.0;
  std::string_view suffix;
  if (largest >= 1e6) {
    scale = 1e6;
    suffix = "M";
  } else if (largest >= 1e4) {
    scale = 1e3;
    suffix = "k";
  }
  const double step = ticks.step / scale;
  const int decimals = step > 0.0 ? std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9))) : 0;
  const double v = value / scale;
  return fmt::format("{:.{}f}{}", v == 0.0 || std::abs(v) < step * 1e-9 ? 0.0 : v, decimals, suffix);
}

std::vector<date_tick> date_ticks(date first, date last, std::size_t max_ticks, std::int32_t fy_first_month) {
  std::vector<date_tick> out;
  if (max_ticks == 0) return out;
  if (last < first) std::swap(first, last);
  // Years are the programme's years: financial ones ("FY2021", starting in fy_first_month) unless
  // they start in January.
  const period_type years = fy_first_month == 1 ? period_type::year : period_type::financial_year;
  const auto starts_within = [&](period_type type) {
    period p = period::containing(type, first, fy_first_month);
    if (p.first_day() < first) p = p.next();
    const std::int32_t end = period_index(type, last.day_number(), fy_first_month);
    return std::pair{p, end - p.index() + 1};
  };
  for (const period_type type : {period_type::month, period_type::quarter, years}) {
    const auto [p, count] = starts_within(type);
    if (count <= static_cast<std::int32_t>(max_ticks)) {
      for (period q = p; q.first_day() <= last; q = q.next()) out.push_back({q.first_day(), q.label()});
      return out;
    }
  }
  // Too many years: every 2, 5, 10, 20, 50 ... years, on years divisible by the step.
  const auto [p, count] = starts_within(years);
  for (std::int32_t step = 2;; step = next_125(step)) {
    if ((count + step - 1) / step <= static_cast<std::int32_t>(max_ticks)) {
      const std::int32_t y0 = (p.index() + step - 1) / step * step;
      for (std::int32_t y = y0; y <= period_index(years, last.day_number(), fy_first_month); y += step) {
        const period q = period::from_index(years, y, fy_first_month);
        if (q.first_day() <= last) out.push_back({q.first_day(), q.label()});
      }
      return out;
    }
  }
}

chart_frame frame_of(const time_series_chart& c) {
  check_layout(c.layout);
  chart_frame f;
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  std::optional<date> first;
  std::optional<date> last;
  const auto add = [&](date d, double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    first = first ? std::min(*first, d) : d;
    last = last ? std::max(*last, d) : d;
  };
  for (const point& p : c.measured) add(p.when, p.value);
  for (const point& p : c.planned) add(p.when, p.value);
  for (const point& p : c.projected) add(p.when, p.value);
  for (const milestone_marker& m : c.milestones) add(m.when, m.value);
  for (const band_point& b : c.forecast_band)
    if (std::isfinite(b.low) && std::isfinite(b.high)) {
      add(b.when, b.low);
      add(b.when, b.high);
    }
  f.empty = !first.has_value();
  if (c.as_of) {
    first = first ? std::min(*first, *c.as_of) : *c.as_of;
    last = last ? std::max(*last, *c.as_of) : *c.as_of;
  }
  if (f.empty) {
    lo = 0.0;
    hi = 1.0;
  }
  const double left = c.layout.margin_left;
  const double right = c.layout.width - c.layout.margin_right;
  const double top = c.layout.margin_top;
  const double bottom = c.layout.height - c.layout.margin_bottom;
  if (first) {
    date x0 = *first;
    date x1 = *last;
    if (x0 == x1) {  // one date: half a year either side, so the point sits in the middle
      x0 = x0 - days{182};
      x1 = x1 + days{182};
    }
    f.x = {static_cast<double>(x0.day_number()), static_cast<double>(x1.day_number()), left, right};
    f.x_ticks = date_ticks(x0, x1, static_cast<std::size_t>(std::max(2.0, (right - left) / 72.0)), c.fy_first_month);
  } else {
    f.x = {0.0, 1.0, left, right};
  }
  f.y_ticks = nice_ticks(lo, hi, std::max(2, static_cast<int>((bottom - top) / 40.0) + 1));
  if (f.y_ticks.values.empty()) f.y_ticks = nice_ticks(0.0, 1.0, 2);
  f.y = {f.y_ticks.values.front(), f.y_ticks.values.back(), bottom, top};
  return f;
}

std::string render(const time_series_chart& c) {
  const chart_frame f = frame_of(c);
  const chart_layout& l = c.layout;
  const double left = l.margin_left;
  const double right = l.width - l.margin_right;
  const double top = l.margin_top;
  const double bottom = l.height - l.margin_bottom;
  const auto X = [&](date d) { return f.x(static_cast<double>(d.day_number())); };
  const auto Y = [&](double v) { return f.y(v); };

  const std::vector<point> measured = finite_sorted(c.measured);
  const std::vector<point> planned = finite_sorted(c.planned);
  const std::vector<point> projected = finite_sorted(c.projected);
  const std::vector<band_point> band = finite_sorted(c.forecast_band);
  const std::string id = "chart-" + id_fragment(c.id);
  const std::string unit = c.unit.empty() ? "" : " " + c.unit;

  std::string out = svg_open(id, "regiokpi-chart time-series", l.width, l.height);
  out += accessible_text(id, c.title, c.description.empty() ? describe(c, measured, planned, band) : c.description);
  out += fmt::format("<rect class=\"background\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", l.width, l.height);

  // Axes: horizontal grid lines at the y ticks, tick marks and labels at the x ticks.
  out += "<g class=\"axes\">\n";
  for (double v : f.empty ? std::vector<double>{} : f.y_ticks.values) {  // no values, no value labels
    const std::string y = px(Y(v));
    out += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#e1e4e8\"/>\n", px(left),
                       y, px(right), y);
    out += fmt::format("<text class=\"y-tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#444\">{}</text>\n",
                       px(left - 6), px(Y(v) + 4), escape_xml(tick_label(v, f.y_ticks)));
  }
  for (const date_tick& t : f.x_ticks) {
    const std::string x = px(X(t.when));
    out += fmt::format("<line class=\"x-tick\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#666\"/>\n", x,
                       px(bottom), px(bottom + 5));
    out += fmt::format("<text class=\"x-tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#444\">{}</text>\n", x,
                       px(bottom + 18), escape_xml(t.label));
  }
  out += fmt::format("<line class=\"x-axis\" x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\" stroke=\"#666\"/>\n", px(left),
                     px(right), px(bottom));
  out += fmt::format("<line class=\"y-axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#666\"/>\n", px(left),
                     px(top), px(bottom));
  if (!c.unit.empty()) {
    const double cy = 0.5 * (top + bottom);
    out += fmt::format(
        "<text class=\"unit\" x=\"14\" y=\"{0}\" transform=\"rotate(-90 14 {0})\" text-anchor=\"middle\" "
        "fill=\"#444\">{1}</text>\n",
        px(cy), escape_xml(c.unit));
  }
  out += "</g>\n";

  if (!band.empty()) {
    out += "<g class=\"forecast-band\">\n";
    if (band.size() == 1) {  // one date: a whisker from low to high
      out += fmt::format(
          "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#6baed6\" stroke-width=\"6\" "
          "stroke-opacity=\"0.6\"><title>Forecast interval on {3}: {4} to {5}{6}</title></line>\n",
          px(X(band[0].when)), px(Y(band[0].low)), px(Y(band[0].high)), format_date(band[0].when), number(band[0].low),
          number(band[0].high), escape_xml(unit));
    } else {
      std::vector<std::pair<double, double>> xy;
      for (const band_point& b : band) xy.emplace_back(X(b.when), Y(b.high));
      for (auto it = band.rbegin(); it != band.rend(); ++it) xy.emplace_back(X(it->when), Y(it->low));
      out += fmt::format(
          "<polygon points=\"{}\" fill=\"#9ecae1\" fill-opacity=\"0.5\" stroke=\"none\"><title>Forecast interval "
          "on {}: {} to {}{}</title></polygon>\n",
          polyline_points(xy), format_date(band.back().when), number(band.back().low), number(band.back().high),
          escape_xml(unit));
    }
    out += "</g>\n";
  }

  if (!planned.empty()) {
    std::vector<std::pair<double, double>> xy;
    for (std::size_t i = 0; i < planned.size(); ++i) {
      if (c.planned_stepwise && i > 0) xy.emplace_back(X(planned[i].when), Y(planned[i - 1].value));
      xy.emplace_back(X(planned[i].when), Y(planned[i].value));
    }
    out += fmt::format(
        "<g class=\"planned\">\n<polyline points=\"{}\" fill=\"none\" stroke=\"#57606a\" stroke-width=\"1.5\" "
        "stroke-dasharray=\"6 4\"><title>Planned: {}{} by {}</title></polyline>\n</g>\n",
        polyline_points(xy), number(planned.back().value), escape_xml(unit), format_date(planned.back().when));
  }

  if (!projected.empty()) {
    std::vector<std::pair<double, double>> xy;
    for (const point& p : projected) xy.emplace_back(X(p.when), Y(p.value));
    out += fmt::format(
        "<g class=\"projected\">\n<polyline points=\"{}\" fill=\"none\" stroke=\"#2171b5\" stroke-width=\"2\" "
        "stroke-dasharray=\"2 3\"><title>Projected: {}{} on {}</title></polyline>\n</g>\n",
        polyline_points(xy), number(projected.back().value), escape_xml(unit), format_date(projected.back().when));
  }

  if (!measured.empty()) {
    out += "<g class=\"measured\">\n";
    if (measured.size() > 1) {
      std::vector<std::pair<double, double>> xy;
      for (const point& p : measured) xy.emplace_back(X(p.when), Y(p.value));
      out += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"#0a3069\" stroke-width=\"2\"/>\n",
                         polyline_points(xy));
    }
    for (const point& p : measured)
      out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"#0a3069\"><title>{}: {}{}</title></circle>\n",
                         px(X(p.when)), px(Y(p.value)), format_date(p.when), number(p.value), escape_xml(unit));
    out += "</g>\n";
  }

  bool any_milestone = false;
  for (const milestone_marker& m : c.milestones) {
    if (!std::isfinite(m.value)) continue;
    if (!any_milestone) out += "<g class=\"milestones\">\n";
    any_milestone = true;
    const double x = X(m.when);
    const double y = Y(m.value);
    const std::string_view cls = !m.met ? "pending" : *m.met ? "met" : "missed";
    const std::string fill = !m.met ? "#ffffff" : *m.met ? "#1a7f37" : "#c62828";
    out += fmt::format(
        "<path class=\"milestone {}\" d=\"M{} {} L{} {} L{} {} L{} {} Z\" fill=\"{}\" stroke=\"#24292f\" "
        "stroke-width=\"1.2\"><title>{}{}{}: {}{}{}</title></path>\n",
        cls, px(x), px(y - 6), px(x + 6), px(y), px(x), px(y + 6), px(x - 6), px(y), fill, escape_xml(m.label),
        m.label.empty() ? "" : ", ", format_date(m.when), number(m.value), escape_xml(unit),
        !m.met   ? ""
        : *m.met ? " (met)"
                 : " (missed)");
  }
  if (any_milestone) out += "</g>\n";

  if (c.as_of) {
    const double x = X(*c.as_of);
    out += fmt::format(
        "<g class=\"as-of\">\n<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#8c959f\" "
        "stroke-dasharray=\"1 3\"/>\n<text x=\"{3}\" y=\"{4}\" text-anchor=\"{5}\" fill=\"#57606a\" "
        "font-size=\"10\">as of {6}</text>\n</g>\n",
        px(x), px(top), px(bottom), px(x > right - 70 ? x - 3 : x + 3), px(top + 10), x > right - 70 ? "end" : "start",
        format_date(*c.as_of));
  }

  if (f.empty)
    out += fmt::format(
        "<text class=\"no-data\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#6e7781\" font-size=\"14\">No "
        "data</text>\n",
        px(0.5 * (left + right)), px(0.5 * (top + bottom)));

  // The status badge sits top right; the title takes the room to its left.
  const std::string& label = c.status_label.empty() ? c.status : c.status_label;
  const double badge_w = c.status.empty() ? 0.0 : text_width(label, 12) + 16;
  const double badge_x = l.width - l.margin_right - badge_w;
  out += fmt::format(
      "<text class=\"title\" x=\"12\" y=\"24\" font-size=\"14\" font-weight=\"bold\" fill=\"#24292f\">{}</text>\n",
      escape_xml(fit_text(c.title, badge_x - 12 - 12, 14)));

  if (!c.status.empty()) {
    const double w = badge_w;
    const double x = badge_x;
    out += fmt::format(
        "<g class=\"status status-{}\">\n<rect x=\"{}\" y=\"8\" width=\"{}\" height=\"22\" rx=\"4\" fill=\"{}\"/>\n"
        "<text x=\"{}\" y=\"23\" text-anchor=\"middle\" fill=\"#ffffff\" font-weight=\"bold\">{}</text>\n</g>\n",
        class_fragment(c.status), px(x), px(w), (c.status_colour.empty() ? std::string("#6e7781") : c.status_colour),
        px(x + 0.5 * w), escape_xml(label));
  }

  // Legend: one swatch per layer present, left to right under the x labels.
  struct item {
    std::string_view label;
    std::string swatch;
  };
  std::vector<item> items;
  const auto line_swatch = [](std::string_view colour, std::string_view dash, double width) {
    return fmt::format("<line x1=\"0\" y1=\"-4\" x2=\"18\" y2=\"-4\" stroke=\"{}\" stroke-width=\"{}\"{}/>", colour,
                       width, dash.empty() ? std::string() : fmt::format(" stroke-dasharray=\"{}\"", dash));
  };
  if (!measured.empty()) items.push_back({"Measured", line_swatch("#0a3069", "", 2)});
  if (!planned.empty()) items.push_back({"Planned", line_swatch("#57606a", "6 4", 1.5)});
  if (!projected.empty()) items.push_back({"Trend", line_swatch("#2171b5", "2 3", 2)});
  if (!band.empty())
    items.push_back({"Forecast interval",
                     "<rect x=\"0\" y=\"-9\" width=\"18\" height=\"10\" fill=\"#9ecae1\" fill-opacity=\"0.5\"/>"});
  if (any_milestone)
    items.push_back({"Milestone", "<path d=\"M9 -10 L15 -4 L9 2 L3 -4 Z\" fill=\"#ffffff\" stroke=\"#24292f\"/>"});
  if (!items.empty()) {
    out += "<g class=\"legend\" font-size=\"11\" fill=\"#444\">\n";
    double x = left;
    const double y = l.height - 12;
    for (const item& it : items) {
      out += fmt::format("<g transform=\"translate({} {})\">{}<text x=\"24\" y=\"0\">{}</text></g>\n", px(x), px(y),
                         it.swatch, it.label);
      x += 24 + text_width(it.label, 11) + 18;
    }
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

namespace {

/// A grid chart's labels (coverage matrix, completeness heatmap): each column's label turned 45 degrees
/// above its cell, each row's label right-aligned before its row.
std::string grid_labels(const std::vector<std::string>& columns, const std::vector<std::string>& rows, double left,
                        double top, double cell_w, double cell_h, std::string_view column_font) {
  std::string out = fmt::format("<g class=\"column-labels\" fill=\"#24292f\"{}>\n", column_font);
  for (std::size_t j = 0; j < columns.size(); ++j) {
    const double x = left + cell_w * (static_cast<double>(j) + 0.5);
    const double y = top - 6;
    out += fmt::format("<text x=\"{0}\" y=\"{1}\" transform=\"rotate(-45 {0} {1})\">{2}</text>\n", px(x), px(y),
                       escape_xml(columns[j]));
  }
  out += "</g>\n<g class=\"row-labels\" fill=\"#24292f\">\n";
  for (std::size_t i = 0; i < rows.size(); ++i)
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", px(left - 8),
                       px(top + cell_h * (static_cast<double>(i) + 0.5) + 4), escape_xml(rows[i]));
  return out + "</g>\n";
}

}  // namespace

std::string render(const coverage_chart& c) {
  const std::size_t nr = c.rows.size();
  const std::size_t nc = c.columns.size();
  if (c.met.size() != nr * nc)
    throw error(errc::invalid_argument, fmt::format("coverage chart {}: {} rows x {} columns need {} cells, got {}",
                                                    quote(c.id), nr, nc, nr * nc, c.met.size()));
  if (!c.cell_text.empty() && c.cell_text.size() != nr * nc)
    throw error(errc::invalid_argument,
                fmt::format("coverage chart {}: {} rows x {} columns need {} cell texts, got {}", quote(c.id), nr, nc,
                            nr * nc, c.cell_text.size()));
  constexpr double cell_w = 44;
  constexpr double cell_h = 24;
  double row_label_w = text_width(c.row_heading, 12);
  for (const auto& r : c.rows) row_label_w = std::max(row_label_w, text_width(r, 12));
  double col_label_h = 0;
  for (const auto& col : c.columns) col_label_h = std::max(col_label_h, text_width(col, 12));
  const double left = std::min(row_label_w, 240.0) + 20;
  // Column labels run at -45 degrees: their height is about 0.71 of their length.
  const double top = 56 + std::min(col_label_h * 0.71, 160.0) + 8;
  const double grid_w = cell_w * static_cast<double>(nc);
  const double width = std::max(left + grid_w + 24 + std::min(col_label_h * 0.71, 160.0), text_width(c.title, 14) + 24);
  const double height = top + cell_h * static_cast<double>(nr) + 44;
  const auto w = static_cast<int>(std::ceil(width));
  const auto h = static_cast<int>(std::ceil(height));

  std::size_t met = 0;
  std::size_t no_data = 0;
  for (const auto& m : c.met) {
    if (!m)
      ++no_data;
    else if (*m)
      ++met;
  }
  std::string desc = c.description;
  if (desc.empty())
    desc = fmt::format("{}: {} of {} cells meet the threshold, {} do not, {} without data.",
                       c.title.empty() ? std::string("Coverage") : c.title, met, c.met.size(),
                       c.met.size() - met - no_data, no_data);

  const std::string id = "coverage-" + id_fragment(c.id);
  std::string out = svg_open(id, "regiokpi-chart coverage", w, h);
  out += accessible_text(id, c.title, desc);
  out += fmt::format("<rect class=\"background\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", w, h);
  out += fmt::format(
      "<text class=\"title\" x=\"12\" y=\"24\" font-size=\"14\" font-weight=\"bold\" fill=\"#24292f\">{}</text>\n",
      escape_xml(c.title));
  if (!c.column_heading.empty())
    out += fmt::format("<text class=\"column-heading\" x=\"{}\" y=\"44\" fill=\"#444\">{}</text>\n", px(left),
                       escape_xml(c.column_heading));
  if (!c.row_heading.empty())
    out += fmt::format("<text class=\"row-heading\" x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#444\">{}</text>\n",
                       px(left - 8), px(top - 8), escape_xml(c.row_heading));

  out += grid_labels(c.columns, c.rows, left, top, cell_w, cell_h, "");
  out += "<g class=\"cells\">\n";
  for (std::size_t i = 0; i < nr; ++i) {
    for (std::size_t j = 0; j < nc; ++j) {
      const std::size_t k = i * nc + j;
      const auto& m = c.met[k];
      const std::string_view cls = !m ? "no-data" : *m ? "met" : "not-met";
      const std::string_view fill = !m ? "#eaeef2" : *m ? "#2da44e" : "#e5534b";
      const std::string_view verdict = !m ? "no data" : *m ? "met" : "not met";
      const std::string text = c.cell_text.empty() ? std::string() : c.cell_text[k];
      const double x = left + cell_w * static_cast<double>(j);
      const double y = top + cell_h * static_cast<double>(i);
      out += fmt::format(
          "<rect class=\"cell {}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#ffffff\" "
          "stroke-width=\"2\"><title>{} \xC3\x97 {}: {}{}{}</title></rect>\n",
          cls, px(x), px(y), px(cell_w), px(cell_h), fill, escape_xml(c.rows[i]), escape_xml(c.columns[j]), verdict,
          text.empty() ? "" : " (", text.empty() ? "" : escape_xml(text) + ")");
      if (!text.empty())
        out += fmt::format(
            "<text class=\"cell-text\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{}\" "
            "pointer-events=\"none\">{}</text>\n",
            px(x + 0.5 * cell_w), px(y + 0.5 * cell_h + 3.5), m ? "#ffffff" : "#444", escape_xml(text));
    }
  }
  out += "</g>\n";
  // Legend.
  const double ly = top + cell_h * static_cast<double>(nr) + 26;
  out += "<g class=\"legend\" font-size=\"11\" fill=\"#444\">\n";
  double lx = 12;
  for (const auto& [label, fill] : {std::pair<std::string_view, std::string_view>{"Met", "#2da44e"},
                                    {"Not met", "#e5534b"},
                                    {"No data", "#eaeef2"}}) {
    out += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"{}\" stroke=\"#8c959f\" stroke-width=\"0.5\"/>"
        "<text x=\"{}\" y=\"{}\">{}</text>\n",
        px(lx), px(ly - 11), fill, px(lx + 20), px(ly), label);
    lx += 20 + text_width(label, 11) + 20;
  }
  out += "</g>\n</svg>\n";
  return out;
}

std::string render(const completeness_chart& c) {
  const std::size_t nr = c.rows.size();
  const std::size_t nc = c.columns.size();
  if (c.states.size() != nr * nc)
    throw error(errc::invalid_argument, fmt::format("completeness chart {}: {} rows x {} columns need {} cells, got {}",
                                                    quote(c.id), nr, nc, nr * nc, c.states.size()));
  struct look {
    std::string_view state, fill, label;
  };
  constexpr std::array<look, 4> looks{look{"on-time", "#2da44e", "On time"}, look{"late", "#d4a72c", "Late"},
                                      look{"unknown", "#8c959f", "Reported, date unknown"},
                                      look{"missing", "#e5534b", "Missing"}};
  std::array<std::size_t, 4> counts{};
  std::vector<std::size_t> kind(c.states.size());
  for (std::size_t k = 0; k < c.states.size(); ++k) {
    const auto it = std::find_if(looks.begin(), looks.end(), [&](const look& l) { return l.state == c.states[k]; });
    if (it == looks.end())
      throw error(errc::invalid_argument,
                  fmt::format("completeness chart {}: {} is not on-time, late, unknown or missing", quote(c.id),
                              quote(c.states[k])));
    kind[k] = static_cast<std::size_t>(it - looks.begin());
    ++counts[kind[k]];
  }
  constexpr double cell_w = 22;
  constexpr double cell_h = 20;
  double row_label_w = text_width(c.row_heading, 12);
  for (const auto& r : c.rows) row_label_w = std::max(row_label_w, text_width(r, 12));
  double col_label_h = 0;
  for (const auto& col : c.columns) col_label_h = std::max(col_label_h, text_width(col, 11));
  const double left = std::min(row_label_w, 240.0) + 20;
  const double top = 40 + std::min(col_label_h * 0.71, 120.0) + 8;
  const double width = std::max({left + cell_w * static_cast<double>(nc) + 24 + std::min(col_label_h * 0.71, 120.0),
                                 text_width(c.title, 14) + 24, 520.0});
  const double height = top + cell_h * static_cast<double>(nr) + 44;
  const auto w = static_cast<int>(std::ceil(width));
  const auto h = static_cast<int>(std::ceil(height));
  std::string desc = c.description;
  if (desc.empty())
    desc = fmt::format("{}: {} reports expected; {} on time, {} late, {} with an unknown date, {} missing.",
                       c.title.empty() ? std::string("Completeness") : c.title, c.states.size(), counts[0], counts[1],
                       counts[2], counts[3]);
  const std::string id = "completeness-" + id_fragment(c.id);
  std::string out = svg_open(id, "regiokpi-chart completeness", w, h);
  out += accessible_text(id, c.title, desc);
  out += fmt::format("<rect class=\"background\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", w, h);
  out += fmt::format(
      "<text class=\"title\" x=\"12\" y=\"24\" font-size=\"14\" font-weight=\"bold\" fill=\"#24292f\">{}</text>\n",
      escape_xml(c.title));
  if (!c.row_heading.empty())
    out += fmt::format("<text class=\"row-heading\" x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#444\">{}</text>\n",
                       px(left - 8), px(top - 8), escape_xml(c.row_heading));
  out += grid_labels(c.columns, c.rows, left, top, cell_w, cell_h, " font-size=\"11\"");
  out += "<g class=\"cells\">\n";
  for (std::size_t i = 0; i < nr; ++i)
    for (std::size_t j = 0; j < nc; ++j) {
      const look& l = looks[kind[i * nc + j]];
      out += fmt::format(
          "<rect class=\"cell {}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#ffffff\" "
          "stroke-width=\"2\"><title>{} \xC3\x97 {}: {}</title></rect>\n",
          l.state, px(left + cell_w * static_cast<double>(j)), px(top + cell_h * static_cast<double>(i)), px(cell_w),
          px(cell_h), l.fill, escape_xml(c.rows[i]), escape_xml(c.columns[j]), l.label);
    }
  out += "</g>\n";
  const double ly = top + cell_h * static_cast<double>(nr) + 26;
  out += "<g class=\"legend\" font-size=\"11\" fill=\"#444\">\n";
  double lx = 12;
  for (const look& l : looks) {
    out += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"{}\" stroke=\"#8c959f\" stroke-width=\"0.5\"/>"
        "<text x=\"{}\" y=\"{}\">{}</text>\n",
        px(lx), px(ly - 11), l.fill, px(lx + 20), px(ly), l.label);
    lx += 20 + text_width(l.label, 11) + 20;
  }
  out += "</g>\n</svg>\n";
  return out;
}

}  // namespace svg
REGIOKPI_END_NAMESPACE
