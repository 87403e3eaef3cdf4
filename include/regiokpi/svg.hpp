// regiokpi: small, dependency-free SVG charts for the HTML report: an indicator's time series with its
// planned trajectory, milestones, forecast band and status, and a met/not-met coverage matrix.
//   svg::time_series_chart c{.id = "jobs", .title = "Jobs in the care sector"};
//   c.measured = {{parse_date("2020-12-31"), 120}, {parse_date("2021-12-31"), 135}};
//   std::string markup = svg::render(c);  // <svg id="chart-jobs" ...>, well-formed XML
// Output is self-contained (no fonts, scripts or stylesheets fetched; styling by presentation
// attributes), every text is escaped, and ids and classes are stable so tests and CSS can find parts.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "regiokpi/calendar.hpp"
#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace svg {

/// Escapes text for XML character data and attribute values (&, <, >, " and '). Characters XML 1.0
/// cannot carry even escaped (control characters other than tab, newline and carriage return) and
/// invalid UTF-8 become U+FFFD, so the output is always well-formed.
REGIOKPI_EXPORT std::string escape_xml(std::string_view text);

/// A stable, unique XML id fragment for any string: [A-Za-z0-9-] are kept, every other byte becomes
/// _xx (hex), so distinct inputs give distinct ids ("care.jobs" -> "care_2ejobs").
REGIOKPI_EXPORT std::string id_fragment(std::string_view text);

/// A linear map from data values [domain_low, domain_high] to pixels [range_low, range_high]
/// (range_low > range_high for a y axis, whose pixels grow downwards). An empty domain maps to the
/// middle of the range.
struct linear_scale {
  double domain_low = 0.0;
  double domain_high = 1.0;
  double range_low = 0.0;
  double range_high = 1.0;
  [[nodiscard]] double operator()(double v) const noexcept {
    if (domain_high == domain_low) return 0.5 * (range_low + range_high);
    return range_low + (v - domain_low) * (range_high - range_low) / (domain_high - domain_low);
  }
};

/// Axis ticks at "nice" values (1, 2 or 5 times a power of ten), the first <= low and the last >= high.
struct axis_ticks {
  std::vector<double> values;
  double step = 1.0;
  int decimals = 0;  ///< decimals needed to print the step exactly
};

/// Nice ticks covering [low, high] with at most about max_ticks values (Heckbert's "nice numbers
/// for graph labels"). low == high is widened to a unit around the value; non-finite input gives none.
REGIOKPI_EXPORT axis_ticks nice_ticks(double low, double high, int max_ticks = 6);

/// A tick label for a value on an axis with these ticks: plain decimals, "12.5k" from 10 000 and
/// "1.25M" from a million (the suffix chosen from the largest tick so an axis is consistent).
REGIOKPI_EXPORT std::string tick_label(double value, const axis_ticks& ticks);

/// One tick on a time axis.
struct date_tick {
  date when;          ///< first day of the period
  std::string label;  ///< "2021", "2021-Q3" or "2021-07"
  friend bool operator==(const date_tick&, const date_tick&) = default;
};

/// Ticks at the starts of years, quarters or months (the finest that gives at most max_ticks, stepping
/// by 1, 2, 5, 10 ... years if even years are too many) inside [first, last]. With fy_first_month
/// other than 1 (1..12) the years are financial years starting in that month, labelled "FY2021".
REGIOKPI_EXPORT std::vector<date_tick> date_ticks(date first, date last, std::size_t max_ticks = 8,
                                                  std::int32_t fy_first_month = 1);

/// A point of a series to draw.
struct point {
  date when;
  double value = 0.0;
};

/// A point of a forecast band.
struct band_point {
  date when;
  double low = 0.0;
  double high = 0.0;
};

/// A milestone marker; `met` colours it (empty: not yet due or unknown).
struct milestone_marker {
  date when;
  double value = 0.0;
  std::string label;
  std::optional<bool> met;
};

/// Pixel sizes of a chart. The plot area is the rectangle inside the margins.
struct chart_layout {
  int width = 640;
  int height = 320;
  int margin_left = 64;
  int margin_right = 24;
  int margin_top = 40;
  int margin_bottom = 60;
};

/// An indicator's chart. Every layer may be empty; points with non-finite values are skipped.
struct time_series_chart {
  std::string id;           ///< the chart's element id is "chart-" + id_fragment(id)
  std::string title;        ///< shown on top and as the accessible <title>
  std::string description;  ///< the accessible <desc>; a summary is generated when empty
  std::string unit;         ///< shown on the y axis and in tooltips
  std::vector<point> measured;
  std::vector<point> planned;     ///< the trajectory: baseline, milestones, target (dashed)
  bool planned_stepwise = false;  ///< hold each planned value until the next point's date, then step
  std::vector<milestone_marker> milestones;
  std::vector<band_point> forecast_band;  ///< prediction interval, low and high per date
  std::vector<point> projected;           ///< the trend line towards the target
  std::optional<date> as_of;              ///< drawn as a vertical line when inside the axis
  std::int32_t fy_first_month = 1;        ///< the programme's financial year: year ticks start there
  std::string status;                     ///< achieved, on_track, at_risk, off_track, not_started, no_data
  std::string status_label;               ///< the text of the status badge; status when empty
  std::string status_colour;              ///< the badge's fill (the report takes it from style_of()); grey when empty
  chart_layout layout;
};

/// The axes of a chart: its scales (x in day numbers) and ticks, as render() draws them.
struct chart_frame {
  linear_scale x;
  linear_scale y;
  axis_ticks y_ticks;
  std::vector<date_tick> x_ticks;
  bool empty = true;  ///< no finite point in any layer: render() says "No data"
};

/// Computes the frame: x spans the earliest to the latest date of all layers and as_of (one date is
/// widened to half a year either side); y spans the nice ticks around all values of all layers.
REGIOKPI_EXPORT chart_frame frame_of(const time_series_chart& chart);

/// The chart as one <svg> element. Structure (stable, for tests and CSS): the root has id
/// "chart-<id>" and class "regiokpi-chart time-series"; layers are <g> with classes "axes",
/// "forecast-band", "planned", "projected", "measured", "milestones", "as-of" and "status status-<status>".
REGIOKPI_EXPORT std::string render(const time_series_chart& chart);

/// A coverage matrix: rows x columns of met / not met / no data, e.g. municipality x sector.
struct coverage_chart {
  std::string id;  ///< element id "coverage-" + id_fragment(id)
  std::string title;
  std::string description;  ///< the accessible <desc>; a count of met cells when empty
  std::string row_heading;  ///< e.g. "Municipality"
  std::string column_heading;
  std::vector<std::string> rows;         ///< row labels
  std::vector<std::string> columns;      ///< column labels
  std::vector<std::optional<bool>> met;  ///< row-major, rows x columns; empty optional = no data
  std::vector<std::string> cell_text;    ///< optional, row-major: a short value shown in each cell
};

/// The matrix as one <svg> element (root id "coverage-<id>", class "regiokpi-chart coverage"; each
/// cell a <rect> of class "cell met", "cell not-met" or "cell no-data" with a <title>). Throws
/// error(invalid_argument) when met (or a non-empty cell_text) does not have rows x columns entries.
REGIOKPI_EXPORT std::string render(const coverage_chart& chart);

/// A completeness heatmap (data quality): members x periods, each cell one of the states "on-time",
/// "late", "unknown" (reported, no recorded_at) or "missing".
struct completeness_chart {
  std::string id;  ///< element id "completeness-" + id_fragment(id)
  std::string title;
  std::string description;  ///< the accessible <desc>; counts per state when empty
  std::string row_heading;  ///< e.g. "municipality"
  std::vector<std::string> rows;
  std::vector<std::string> columns;  ///< period labels
  std::vector<std::string> states;   ///< row-major, rows x columns
};

/// The heatmap as one <svg> element (root id "completeness-<id>", class "regiokpi-chart completeness";
/// each cell a <rect> of class "cell <state>" with a <title>). Throws error(invalid_argument) when
/// states does not have rows x columns entries or names an unknown state.
REGIOKPI_EXPORT std::string render(const completeness_chart& chart);

}  // namespace svg
REGIOKPI_END_NAMESPACE
