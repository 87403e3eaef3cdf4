#include "regiokpi/svg.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace regiokpi;

namespace {

using regiokpi_test::d;

// A tiny, strict XML parser: enough to prove the output is well-formed (every tag closed in order,
// attributes quoted and unique, only the five named entities and character references) and to look
// inside it. Entities are decoded, so a test can compare text with the original input.
struct element {
  std::string name;
  std::map<std::string, std::string> attrs;
  std::vector<element> children;
  std::string text;  // all character data directly inside, decoded

  [[nodiscard]] std::string attr(const std::string& a) const {
    const auto it = attrs.find(a);
    return it == attrs.end() ? std::string() : it->second;
  }
  [[nodiscard]] bool has_class(std::string_view cls) const {
    const std::string c = " " + attr("class") + " ";
    return c.find(" " + std::string(cls) + " ") != std::string::npos;
  }
};

class xml_parser {
 public:
  explicit xml_parser(std::string_view s) : s_(s) {}

  element document() {
    skip_space();
    element root = parse_element();
    skip_space();
    if (i_ != s_.size()) fail("content after the root element");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error(why + " at offset " + std::to_string(i_) + ": " +
                             std::string(s_.substr(i_, std::min<std::size_t>(40, s_.size() - i_))));
  }
  bool starts(std::string_view p) const { return s_.substr(i_, p.size()) == p; }
  void expect(std::string_view p) {
    if (!starts(p)) fail("expected '" + std::string(p) + "'");
    i_ += p.size();
  }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  std::string name() {
    const auto first = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; };
    const auto rest = [&](char c) {
      return first(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.';
    };
    if (i_ >= s_.size() || !first(s_[i_])) fail("expected a name");
    const std::size_t b = i_;
    while (i_ < s_.size() && rest(s_[i_])) ++i_;
    return std::string(s_.substr(b, i_ - b));
  }
  std::string entity() {
    expect("&");
    const std::size_t end = s_.find(';', i_);
    if (end == std::string_view::npos || end - i_ > 10) fail("unterminated entity");
    const std::string_view e = s_.substr(i_, end - i_);
    i_ = end + 1;
    if (e == "amp") return "&";
    if (e == "lt") return "<";
    if (e == "gt") return ">";
    if (e == "quot") return "\"";
    if (e == "apos") return "'";
    if (e.size() > 1 && e[0] == '#') {
      const bool hex = e[1] == 'x';
      const unsigned long cp = std::stoul(std::string(e.substr(hex ? 2 : 1)), nullptr, hex ? 16 : 10);
      if (cp < 0x80) return std::string(1, static_cast<char>(cp));
      return "?";  // not produced by the writer; well-formed all the same
    }
    fail("unknown entity &" + std::string(e) + ";");
  }
  std::string attribute_value() {
    if (i_ >= s_.size() || (s_[i_] != '"' && s_[i_] != '\'')) fail("unquoted attribute value");
    const char q = s_[i_++];
    std::string v;
    while (true) {
      if (i_ >= s_.size()) fail("unterminated attribute value");
      const char c = s_[i_];
      if (c == q) break;
      if (c == '<') fail("'<' in an attribute value");
      if (c == '&')
        v += entity();
      else
        v += s_[i_++];
    }
    ++i_;
    return v;
  }
  element parse_element() {
    expect("<");
    element e;
    e.name = name();
    while (true) {
      const std::size_t before = i_;
      skip_space();
      if (starts("/>")) {
        i_ += 2;
        return e;
      }
      if (starts(">")) {
        ++i_;
        break;
      }
      if (i_ == before) fail("expected whitespace before an attribute");
      const std::string a = name();
      skip_space();
      expect("=");
      skip_space();
      if (!e.attrs.emplace(a, attribute_value()).second) fail("duplicate attribute " + a);
    }
    while (true) {
      if (i_ >= s_.size()) fail("unclosed element <" + e.name + ">");
      if (starts("</")) {
        i_ += 2;
        if (name() != e.name) fail("mismatched end tag for <" + e.name + ">");
        skip_space();
        expect(">");
        return e;
      }
      if (starts("<!--")) {
        const std::size_t end = s_.find("-->", i_);
        if (end == std::string_view::npos) fail("unterminated comment");
        i_ = end + 3;
      } else if (starts("<")) {
        e.children.push_back(parse_element());
      } else if (starts("&")) {
        e.text += entity();
      } else {
        e.text += s_[i_++];
      }
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

element parse(const std::string& svg) { return xml_parser(svg).document(); }

void collect(const element& e, const std::function<bool(const element&)>& pred, std::vector<const element*>& out) {
  if (pred(e)) out.push_back(&e);
  for (const auto& c : e.children) collect(c, pred, out);
}

std::vector<const element*> find_all(const element& root, const std::function<bool(const element&)>& pred) {
  std::vector<const element*> out;
  collect(root, pred, out);
  return out;
}

const element& group(const element& root, std::string_view cls) {
  const auto found = find_all(root, [&](const element& e) { return e.name == "g" && e.has_class(cls); });
  if (found.size() != 1) throw std::runtime_error("expected one <g class=" + std::string(cls) + ">");
  return *found.front();
}

// x and y of a polyline's or polygon's points="x,y x,y ...".
std::vector<std::pair<double, double>> points_of(const element& e) {
  std::vector<std::pair<double, double>> out;
  std::string s = e.attr("points");
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t used = 0;
    const double x = std::stod(s.substr(i), &used);
    i += used + 1;  // the comma
    const double y = std::stod(s.substr(i), &used);
    i += used + 1;  // the space
    out.emplace_back(x, y);
  }
  return out;
}

const std::string nasty = "Jobs <b>&amp; \"care\" 'n' \x01 stuff</b> \xE2\x80\x93 \xFF";

svg::time_series_chart full_chart() {
  svg::time_series_chart c;
  c.id = "care.jobs";
  c.title = nasty;
  c.unit = "FTE <&>";
  c.measured = {{d("2019-12-31"), 100}, {d("2020-12-31"), 120}, {d("2021-12-31"), 118}, {d("2022-12-31"), 140}};
  c.planned = {{d("2019-12-31"), 100}, {d("2021-12-31"), 150}, {d("2025-12-31"), 200}};
  c.milestones = {{d("2021-12-31"), 150, "Halfway <mark>", false}, {d("2025-12-31"), 200, "Target", std::nullopt}};
  c.forecast_band = {{d("2022-12-31"), 135, 145}, {d("2024-06-30"), 140, 175}, {d("2025-12-31"), 145, 205}};
  c.projected = {{d("2022-12-31"), 140}, {d("2025-12-31"), 175}};
  c.as_of = d("2022-12-31");
  c.status = "at_risk";
  c.status_label = "At risk (\"62 %\")";
  return c;
}

}  // namespace

// ---- text ----------------------------------------------------------------------------------------

TEST(EscapeXml, EscapesMarkupAndQuotes) {
  EXPECT_EQ(svg::escape_xml("a&b<c>\"d'e"), "a&amp;b&lt;c&gt;&quot;d&apos;e");
  EXPECT_EQ(svg::escape_xml("&amp;"), "&amp;amp;");  // already-escaped text is text
  EXPECT_EQ(svg::escape_xml(""), "");
}

TEST(EscapeXml, KeepsValidUtf8AndReplacesWhatXmlCannotCarry) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(svg::escape_xml("Coevorden \xE2\x80\x93 Emmen, \xC3\xAB, \xF0\x9F\x93\x88"),
            "Coevorden \xE2\x80\x93 Emmen, \xC3\xAB, \xF0\x9F\x93\x88");
  EXPECT_EQ(svg::escape_xml("a\tb\nc\rd"), "a\tb\nc\rd");
  EXPECT_EQ(svg::escape_xml(std::string("a\x01"
                                        "b\x1f"
                                        "c\0d",
                                        7)),
            "a" + fffd + "b" + fffd + "c" + fffd + "d");
  EXPECT_EQ(svg::escape_xml("\xFF"), fffd);                        // never valid in UTF-8
  EXPECT_EQ(svg::escape_xml("x\xC3"), "x" + fffd);                 // truncated sequence
  EXPECT_EQ(svg::escape_xml("\xC0\xAF"), fffd + fffd);             // overlong '/'
  EXPECT_EQ(svg::escape_xml("\xED\xA0\x80"), fffd + fffd + fffd);  // a UTF-16 surrogate
  EXPECT_EQ(svg::escape_xml("\xEF\xBF\xBF"), fffd);                // U+FFFF, excluded by XML
}

TEST(IdFragment, IsStableAndInjective) {
  EXPECT_EQ(svg::id_fragment("care.jobs"), "care_2ejobs");
  EXPECT_EQ(svg::id_fragment("Res-1"), "Res-1");
  EXPECT_EQ(svg::id_fragment("a_b"), "a_5fb");
  EXPECT_EQ(svg::id_fragment("a b\"<"), "a_20b_22_3c");
  EXPECT_NE(svg::id_fragment("a.b"), svg::id_fragment("a-b"));
  EXPECT_NE(svg::id_fragment("a_2eb"), svg::id_fragment("a.b"));
}

// ---- axes ----------------------------------------------------------------------------------------

TEST(NiceTicks, HandComputedCases) {
  // [0, 100], 6 ticks: range 100, step nice(100 / 5 = 20) = 20.
  svg::axis_ticks t = svg::nice_ticks(0, 100, 6);
  EXPECT_EQ(t.values, (std::vector<double>{0, 20, 40, 60, 80, 100}));
  EXPECT_EQ(t.step, 20);
  EXPECT_EQ(t.decimals, 0);
  // [-37, 1234]: range nice(1271) = 2000, step nice(400) = 500, from floor(-37 / 500) to ceil(1234 / 500).
  t = svg::nice_ticks(-37, 1234, 6);
  EXPECT_EQ(t.values, (std::vector<double>{-500, 0, 500, 1000, 1500}));
  // [0.13, 0.87], 5 ticks: range nice(0.74) = 1, step nice(0.25) = 0.2.
  t = svg::nice_ticks(0.13, 0.87, 5);
  ASSERT_EQ(t.values.size(), 6u);
  EXPECT_NEAR(t.values.front(), 0.0, 1e-15);
  EXPECT_NEAR(t.values.back(), 1.0, 1e-12);
  EXPECT_EQ(t.decimals, 1);
  // One value: widened by 10 % either side, [45, 55]: range 10, step 2, ticks 44 .. 56.
  t = svg::nice_ticks(50, 50, 6);
  EXPECT_EQ(t.values.front(), 44);
  EXPECT_EQ(t.values.back(), 56);
  t = svg::nice_ticks(0, 0, 6);
  EXPECT_LE(t.values.front(), -1);
  EXPECT_GE(t.values.back(), 1);
  EXPECT_TRUE(svg::nice_ticks(std::nan(""), 1).values.empty());
  EXPECT_TRUE(svg::nice_ticks(0, std::numeric_limits<double>::infinity()).values.empty());
}

TEST(NiceTicks, LabelsAreReadable) {
  EXPECT_EQ(svg::tick_label(40, svg::nice_ticks(0, 100)), "40");
  const auto fractions = svg::nice_ticks(0.13, 0.87, 5);
  EXPECT_EQ(svg::tick_label(fractions.values[2], fractions), "0.4");
  EXPECT_EQ(svg::tick_label(fractions.values[0], fractions), "0.0");
  EXPECT_EQ(svg::tick_label(20000, svg::nice_ticks(0, 50000)), "20k");
  // [0, 1.2e6]: range nice(1.2e6) = 2e6, step nice(4e5) = 5e5, so 1.5e6 is a tick.
  EXPECT_EQ(svg::tick_label(1.5e6, svg::nice_ticks(0, 1.2e6)), "1.5M");
  EXPECT_EQ(svg::tick_label(2e6, svg::nice_ticks(0, 2.5e6)), "2M");
  EXPECT_EQ(svg::tick_label(-500, svg::nice_ticks(-37, 1234)), "-500");
}

TEST(DateTicks, YearsQuartersOrMonths) {
  using ticks = std::vector<svg::date_tick>;
  // 2019-09 .. 2022-12: 39 months and 13 quarters are too many for 8; three year starts.
  EXPECT_EQ(svg::date_ticks(d("2019-09-30"), d("2022-12-31")),
            (ticks{{d("2020-01-01"), "2020"}, {d("2021-01-01"), "2021"}, {d("2022-01-01"), "2022"}}));
  // Most of 2021: 11 month starts are too many, quarters Q2..Q4 (Q1 starts before the range).
  EXPECT_EQ(svg::date_ticks(d("2021-01-15"), d("2021-12-20")),
            (ticks{{d("2021-04-01"), "2021-Q2"}, {d("2021-07-01"), "2021-Q3"}, {d("2021-10-01"), "2021-Q4"}}));
  EXPECT_EQ(svg::date_ticks(d("2021-03-10"), d("2021-07-20")), (ticks{{d("2021-04-01"), "2021-04"},
                                                                      {d("2021-05-01"), "2021-05"},
                                                                      {d("2021-06-01"), "2021-06"},
                                                                      {d("2021-07-01"), "2021-07"}}));
  // 41 years: every 2 gives 21, every 5 gives 9, every 10 gives 5.
  EXPECT_EQ(svg::date_ticks(d("1990-01-01"), d("2030-12-31")), (ticks{{d("1990-01-01"), "1990"},
                                                                      {d("2000-01-01"), "2000"},
                                                                      {d("2010-01-01"), "2010"},
                                                                      {d("2020-01-01"), "2020"},
                                                                      {d("2030-01-01"), "2030"}}));
  EXPECT_EQ(svg::date_ticks(d("2021-12-31"), d("2021-01-01")).size(), 4u);  // reversed input is fine
  EXPECT_TRUE(svg::date_ticks(d("2021-01-01"), d("2021-12-31"), 0).empty());
}

TEST(DateTicks, FinancialYearsStartInTheProgrammesMonth) {
  using ticks = std::vector<svg::date_tick>;
  // 2021-01-15 .. 2024-12-20: 47 month starts and 15 quarter starts are too many for 8. Financial
  // years starting in April: FY2020 starts 2020-04-01 (before the range), then 2021-04-01 ..
  // 2024-04-01; calendar years would give 2022, 2023, 2024.
  EXPECT_EQ(svg::date_ticks(d("2021-01-15"), d("2024-12-20"), 8, 4), (ticks{{d("2021-04-01"), "FY2021"},
                                                                            {d("2022-04-01"), "FY2022"},
                                                                            {d("2023-04-01"), "FY2023"},
                                                                            {d("2024-04-01"), "FY2024"}}));
  EXPECT_EQ(svg::date_ticks(d("2021-01-15"), d("2024-12-20"), 8, 1),
            (ticks{{d("2022-01-01"), "2022"}, {d("2023-01-01"), "2023"}, {d("2024-01-01"), "2024"}}));
  // 1990-01-01 .. 2030-12-31 with July years: FY1990 (1990-07-01) .. FY2030 (2030-07-01) are 41;
  // every 10 gives 5, on years divisible by 10.
  EXPECT_EQ(svg::date_ticks(d("1990-01-01"), d("2030-12-31"), 8, 7), (ticks{{d("1990-07-01"), "FY1990"},
                                                                            {d("2000-07-01"), "FY2000"},
                                                                            {d("2010-07-01"), "FY2010"},
                                                                            {d("2020-07-01"), "FY2020"},
                                                                            {d("2030-07-01"), "FY2030"}}));
  // The chart's axis uses the chart's financial year.
  svg::time_series_chart c;
  c.measured = {{d("2021-01-15"), 1}, {d("2024-12-20"), 2}};
  c.layout.width = 64 + 24 + 8 * 72;  // room for 8 ticks
  c.fy_first_month = 4;
  const auto f = svg::frame_of(c);
  ASSERT_EQ(f.x_ticks.size(), 4u);
  EXPECT_EQ(f.x_ticks.front(), (svg::date_tick{d("2021-04-01"), "FY2021"}));
}

// ---- the time-series chart -----------------------------------------------------------------------

TEST(TimeSeriesChart, ValuesMapToHandComputedPixels) {
  // Default layout 640 x 320, margins left 64, right 24, top 40, bottom 60: the plot is x 64..616,
  // y 40..260 (220 px, so 6 y ticks at most: 0, 20, .., 100 for values 0..100).
  svg::time_series_chart c;
  c.id = "px";
  c.measured = {{d("2021-01-01"), 0}, {d("2021-07-02"), 35}, {d("2021-12-31"), 100}};
  const svg::chart_frame f = svg::frame_of(c);
  EXPECT_FALSE(f.empty);
  EXPECT_EQ(f.y_ticks.values, (std::vector<double>{0, 20, 40, 60, 80, 100}));
  // 2021-07-02 is day 182 of 364: x = 64 + 182 / 364 * 552 = 340; y = 260 - 35 / 100 * 220 = 183.
  EXPECT_DOUBLE_EQ(f.x(d("2021-07-02").day_number()), 340.0);
  EXPECT_DOUBLE_EQ(f.y(35), 183.0);
  EXPECT_DOUBLE_EQ(f.y(100), 40.0);
  EXPECT_DOUBLE_EQ(f.x(d("2021-01-01").day_number()), 64.0);

  const element root = parse(svg::render(c));
  const auto circles = find_all(group(root, "measured"), [](const element& e) { return e.name == "circle"; });
  ASSERT_EQ(circles.size(), 3u);
  EXPECT_EQ(circles[1]->attr("cx"), "340.00");
  EXPECT_EQ(circles[1]->attr("cy"), "183.00");
  EXPECT_EQ(circles[0]->attr("cx"), "64.00");
  EXPECT_EQ(circles[0]->attr("cy"), "260.00");
  EXPECT_EQ(circles[2]->attr("cx"), "616.00");
  EXPECT_EQ(circles[2]->attr("cy"), "40.00");
  // The y labels sit on their grid lines: label "60" at y = 260 - 0.6 * 220 = 128 (+4 for the baseline).
  const auto labels = find_all(group(root, "axes"), [](const element& e) { return e.has_class("y-tick"); });
  ASSERT_EQ(labels.size(), 6u);
  EXPECT_EQ(labels[3]->text, "60");
  EXPECT_EQ(labels[3]->attr("y"), "132.00");
}

TEST(TimeSeriesChart, IsWellFormedWithEveryLayerAndEscapedText) {
  const svg::time_series_chart c = full_chart();
  const std::string out = svg::render(c);
  element root;
  ASSERT_NO_THROW(root = parse(out)) << out;
  EXPECT_EQ(root.name, "svg");
  EXPECT_EQ(root.attr("xmlns"), "http://www.w3.org/2000/svg");
  EXPECT_EQ(root.attr("id"), "chart-care_2ejobs");
  EXPECT_TRUE(root.has_class("regiokpi-chart") && root.has_class("time-series"));
  EXPECT_EQ(root.attr("role"), "img");
  EXPECT_EQ(root.attr("aria-labelledby"), "chart-care_2ejobs-title chart-care_2ejobs-desc");

  // <title> and <desc> come first; the title decodes to the input, with what XML cannot carry replaced.
  ASSERT_GE(root.children.size(), 2u);
  EXPECT_EQ(root.children[0].name, "title");
  EXPECT_EQ(root.children[0].attr("id"), "chart-care_2ejobs-title");
  EXPECT_EQ(root.children[0].text, "Jobs <b>&amp; \"care\" 'n' \xEF\xBF\xBD stuff</b> \xE2\x80\x93 \xEF\xBF\xBD");
  EXPECT_EQ(root.children[1].name, "desc");
  EXPECT_NE(root.children[1].text.find("4 measured values from 2019-12-31 to 2022-12-31, latest 140 FTE <&>"),
            std::string::npos)
      << root.children[1].text;

  // Self-contained: no scripts, no links, no external references.
  EXPECT_EQ(out.find("<script"), std::string::npos);
  EXPECT_EQ(out.find("href"), std::string::npos);
  EXPECT_EQ(out.find("url("), std::string::npos);
  EXPECT_EQ(out.find("@import"), std::string::npos);

  // Every layer is present and findable by class.
  EXPECT_EQ(find_all(group(root, "measured"), [](const element& e) { return e.name == "circle"; }).size(), 4u);
  const auto planned = find_all(group(root, "planned"), [](const element& e) { return e.name == "polyline"; });
  ASSERT_EQ(planned.size(), 1u);
  EXPECT_FALSE(planned[0]->attr("stroke-dasharray").empty());
  EXPECT_EQ(points_of(*planned[0]).size(), 3u);
  const auto band = find_all(group(root, "forecast-band"), [](const element& e) { return e.name == "polygon"; });
  ASSERT_EQ(band.size(), 1u);
  const auto band_xy = points_of(*band[0]);
  ASSERT_EQ(band_xy.size(), 6u);  // high forwards, then low backwards
  const svg::chart_frame f = svg::frame_of(c);
  EXPECT_NEAR(band_xy[2].second, f.y(205), 0.005);
  EXPECT_NEAR(band_xy[3].second, f.y(145), 0.005);
  EXPECT_NEAR(band_xy[0].first, band_xy[5].first, 1e-9);
  EXPECT_EQ(find_all(group(root, "projected"), [](const element& e) { return e.name == "polyline"; }).size(), 1u);
  const auto milestones = find_all(group(root, "milestones"), [](const element& e) { return e.name == "path"; });
  ASSERT_EQ(milestones.size(), 2u);
  EXPECT_TRUE(milestones[0]->has_class("missed"));
  EXPECT_TRUE(milestones[1]->has_class("pending"));
  ASSERT_EQ(milestones[0]->children.size(), 1u);
  EXPECT_EQ(milestones[0]->children[0].text, "Halfway <mark>, 2021-12-31: 150 FTE <&> (missed)");
  const element& status = group(root, "status");
  EXPECT_TRUE(status.has_class("status-at_risk"));
  const auto badge = find_all(status, [](const element& e) { return e.name == "text"; });
  ASSERT_EQ(badge.size(), 1u);
  EXPECT_EQ(badge[0]->text, "At risk (\"62 %\")");
  EXPECT_EQ(find_all(group(root, "as-of"), [](const element& e) { return e.name == "line"; }).size(), 1u);
  // The y axis covers the band's high (205): ticks up to 250 at least.
  EXPECT_GE(f.y_ticks.values.back(), 205);
  EXPECT_LE(f.y_ticks.values.front(), 100);
  EXPECT_EQ(find_all(root, [](const element& e) { return e.has_class("no-data"); }).size(), 0u);
}

TEST(TimeSeriesChart, StepwisePlanHoldsEachValueUntilTheNextDate) {
  svg::time_series_chart c;
  c.id = "steps";
  c.planned = {{d("2020-01-01"), 10}, {d("2021-01-01"), 20}, {d("2022-01-01"), 40}};
  c.planned_stepwise = true;
  const svg::chart_frame f = svg::frame_of(c);
  const element root = parse(svg::render(c));
  const auto lines = find_all(group(root, "planned"), [](const element& e) { return e.name == "polyline"; });
  ASSERT_EQ(lines.size(), 1u);
  const auto xy = points_of(*lines[0]);
  ASSERT_EQ(xy.size(), 5u);
  const auto at = [&](std::string_view day, double v) { return std::pair{f.x(d(day).day_number()), f.y(v)}; };
  const std::vector<std::pair<double, double>> expected{
      at("2020-01-01", 10), at("2021-01-01", 10), at("2021-01-01", 20), at("2022-01-01", 20), at("2022-01-01", 40)};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_NEAR(xy[i].first, expected[i].first, 0.005) << i;
    EXPECT_NEAR(xy[i].second, expected[i].second, 0.005) << i;
  }
}

TEST(TimeSeriesChart, EmptyAndOnePointSeries) {
  svg::time_series_chart empty;
  empty.id = "nothing";
  empty.title = "No measurements yet";
  empty.status = "no_data";
  const std::string out = svg::render(empty);
  element root;
  ASSERT_NO_THROW(root = parse(out)) << out;
  EXPECT_TRUE(svg::frame_of(empty).empty);
  EXPECT_EQ(find_all(root, [](const element& e) { return e.has_class("no-data"); }).size(), 1u);
  EXPECT_TRUE(find_all(root, [](const element& e) { return e.has_class("measured"); }).empty());
  EXPECT_NE(root.children[1].text.find("no measured values"), std::string::npos);
  EXPECT_TRUE(find_all(root, [](const element& e) { return e.has_class("y-tick"); }).empty());  // no made-up scale

  // One point: x is widened half a year each side, so it sits in the middle (x = (64 + 616) / 2);
  // y 50 is widened to [45, 55], ticks 44..56, so y = 260 - (50 - 44) / 12 * 220 = 150.
  svg::time_series_chart one;
  one.id = "one";
  one.measured = {{d("2021-06-30"), 50}};
  const element r1 = parse(svg::render(one));
  const auto circles = find_all(group(r1, "measured"), [](const element& e) { return e.name == "circle"; });
  ASSERT_EQ(circles.size(), 1u);
  EXPECT_EQ(circles[0]->attr("cx"), "340.00");
  EXPECT_EQ(circles[0]->attr("cy"), "150.00");
  EXPECT_TRUE(find_all(group(r1, "measured"), [](const element& e) { return e.name == "polyline"; }).empty());

  // Non-finite values are skipped, not drawn at a made-up place.
  svg::time_series_chart gaps;
  gaps.id = "gaps";
  gaps.measured = {{d("2021-01-01"), 1}, {d("2021-02-01"), std::nan("")}, {d("2021-03-01"), 3}};
  gaps.forecast_band = {{d("2021-04-01"), std::nan(""), 4}};
  const element r2 = parse(svg::render(gaps));
  EXPECT_EQ(find_all(group(r2, "measured"), [](const element& e) { return e.name == "circle"; }).size(), 2u);
  EXPECT_TRUE(find_all(r2, [](const element& e) { return e.has_class("forecast-band"); }).empty());
}

TEST(TimeSeriesChart, LongTitlesAreShortenedOnScreenButNotForScreenReaders) {
  svg::time_series_chart c;
  c.id = "long";
  c.title = std::string(120, 'x') + " \xC3\xAB";
  c.status = "on_track";
  const element root = parse(svg::render(c));
  EXPECT_EQ(root.children[0].text, c.title);
  const auto shown = find_all(root, [](const element& e) { return e.name == "text" && e.has_class("title"); });
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_LT(shown[0]->text.size(), 80u);
  EXPECT_EQ(shown[0]->text.substr(shown[0]->text.size() - 3), "\xE2\x80\xA6");
  c.title = "Short";
  const element r2 = parse(svg::render(c));
  EXPECT_EQ(find_all(r2, [](const element& e) { return e.name == "text" && e.has_class("title"); })[0]->text, "Short");
}

TEST(TimeSeriesChart, RejectsALayoutWithoutPlotArea) {
  svg::time_series_chart c;
  c.layout.width = 80;
  EXPECT_THROW((void)svg::render(c), error);
}

// ---- coverage matrix -----------------------------------------------------------------------------

TEST(CoverageChart, CellsLabelsAndWellFormedness) {
  svg::coverage_chart c;
  c.id = "coverage.care";
  c.title = "Care & welfare <coverage>";
  c.row_heading = "Municipality";
  c.column_heading = "Sector";
  c.rows = {"Coevorden", "Emmen", "Borger-Odoorn"};
  c.columns = {"Zorg & welzijn", "Techniek"};
  c.met = {true, false, std::nullopt, true, false, false};
  c.cell_text = {"12", "3", "", "9", "0", "<1>"};
  const std::string out = svg::render(c);
  element root;
  ASSERT_NO_THROW(root = parse(out)) << out;
  EXPECT_EQ(root.attr("id"), "coverage-coverage_2ecare");
  EXPECT_TRUE(root.has_class("coverage"));
  EXPECT_EQ(root.children[0].text, "Care & welfare <coverage>");
  EXPECT_EQ(root.children[1].text,
            "Care & welfare <coverage>: 2 of 6 cells meet the threshold, 3 do not, 1 without data.");
  const auto cells = find_all(group(root, "cells"), [](const element& e) { return e.name == "rect"; });
  ASSERT_EQ(cells.size(), 6u);
  EXPECT_TRUE(cells[0]->has_class("met"));
  EXPECT_TRUE(cells[1]->has_class("not-met"));
  EXPECT_TRUE(cells[2]->has_class("no-data"));
  ASSERT_EQ(cells[1]->children.size(), 1u);
  EXPECT_EQ(cells[1]->children[0].text, "Coevorden \xC3\x97 Techniek: not met (3)");
  EXPECT_EQ(cells[0]->children[0].text, "Coevorden \xC3\x97 Zorg & welzijn: met (12)");
  // Cells form a grid: same width, the second column right of the first, rows below each other.
  EXPECT_EQ(cells[0]->attr("width"), cells[1]->attr("width"));
  EXPECT_LT(std::stod(cells[0]->attr("x")), std::stod(cells[1]->attr("x")));
  EXPECT_EQ(cells[0]->attr("x"), cells[2]->attr("x"));
  EXPECT_LT(std::stod(cells[0]->attr("y")), std::stod(cells[2]->attr("y")));
  const auto rows = find_all(group(root, "row-labels"), [](const element& e) { return e.name == "text"; });
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2]->text, "Borger-Odoorn");
  const auto texts = find_all(group(root, "cells"), [](const element& e) { return e.has_class("cell-text"); });
  ASSERT_EQ(texts.size(), 5u);  // the empty text is not drawn
  EXPECT_EQ(texts.back()->text, "<1>");
}

TEST(CoverageChart, WrongCellCountIsAnError) {
  svg::coverage_chart c;
  c.id = "bad";
  c.rows = {"a", "b"};
  c.columns = {"x"};
  c.met = {true};
  try {
    (void)svg::render(c);
    FAIL() << "expected an error";
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::invalid_argument);
    EXPECT_NE(std::string(e.what()).find("2 rows x 1 columns need 2 cells, got 1"), std::string::npos) << e.what();
  }
  c.met = {true, false};
  c.cell_text = {"1"};
  EXPECT_THROW((void)svg::render(c), error);
  c.cell_text.clear();
  EXPECT_NO_THROW((void)parse(svg::render(c)));
  // An empty matrix is still a well-formed picture.
  svg::coverage_chart empty;
  empty.id = "empty";
  EXPECT_NO_THROW((void)parse(svg::render(empty)));
}

TEST(CompletenessChart, CellsByStateAndErrors) {
  svg::completeness_chart c;
  c.id = "W-c1.assessments";
  c.title = "Reports <W-c1>";
  c.row_heading = "member";
  c.rows = {"emmen", "coevorden"};
  c.columns = {"2021-Q1", "2021-Q2"};
  c.states = {"on-time", "late", "missing", "unknown"};
  const std::string out = svg::render(c);
  element root;
  ASSERT_NO_THROW(root = parse(out)) << out;
  EXPECT_EQ(root.attr("id"), "completeness-W-c1_2eassessments");
  EXPECT_TRUE(root.has_class("completeness"));
  EXPECT_EQ(root.children[1].text,
            "Reports <W-c1>: 4 reports expected; 1 on time, 1 late, 1 with an unknown date, 1 missing.");
  const auto cells = find_all(group(root, "cells"), [](const element& e) { return e.name == "rect"; });
  ASSERT_EQ(cells.size(), 4u);
  EXPECT_TRUE(cells[1]->has_class("late"));
  EXPECT_TRUE(cells[2]->has_class("missing"));
  EXPECT_EQ(cells[2]->children[0].text, "coevorden \xC3\x97 2021-Q1: Missing");
  EXPECT_LT(std::stod(cells[0]->attr("y")), std::stod(cells[2]->attr("y")));
  c.states = {"on-time"};
  EXPECT_THROW((void)svg::render(c), error);
  c.states = {"on-time", "late", "missing", "absent"};
  EXPECT_THROW((void)svg::render(c), error);
}

// ---- robustness ----------------------------------------------------------------------------------

TEST(SvgRobustness, RandomTextAndValuesAlwaysGiveWellFormedXml) {
  std::mt19937 rng(2026);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 24);
  const auto text = [&] {
    std::string s(static_cast<std::size_t>(length(rng)), ' ');
    for (char& ch : s) ch = static_cast<char>(byte(rng));
    return s;
  };
  const std::vector<double> specials{
      0.0, -0.0, 1e-300, -1e300, 1e300, std::nan(""), std::numeric_limits<double>::infinity(), 42.5, -7.25};
  std::uniform_int_distribution<std::size_t> pick(0, specials.size() - 1);
  std::uniform_int_distribution<int> day(-200000, 2900000);
  std::uniform_int_distribution<int> count(0, 5);
  for (int round = 0; round < 300; ++round) {
    svg::time_series_chart c;
    c.id = text();
    c.title = text();
    c.unit = text();
    c.status = text();
    const auto series = [&] {
      std::vector<svg::point> v(static_cast<std::size_t>(count(rng)));
      for (auto& p : v) p = {date::from_day_number(day(rng)), specials[pick(rng)]};
      return v;
    };
    c.measured = series();
    c.planned = series();
    c.projected = series();
    c.planned_stepwise = round % 2 == 0;
    for (int i = count(rng); i > 0; --i)
      c.milestones.push_back({date::from_day_number(day(rng)), specials[pick(rng)], text(), std::nullopt});
    for (int i = count(rng); i > 0; --i)
      c.forecast_band.push_back({date::from_day_number(day(rng)), specials[pick(rng)], specials[pick(rng)]});
    if (round % 3 == 0) c.as_of = date::from_day_number(day(rng));
    const std::string out = svg::render(c);
    ASSERT_NO_THROW((void)parse(out)) << out;

    svg::coverage_chart m;
    m.id = text();
    m.title = text();
    m.rows = {text(), text()};
    m.columns = {text()};
    m.met = {true, std::nullopt};
    m.cell_text = {text(), text()};
    ASSERT_NO_THROW((void)parse(svg::render(m)));
  }
}
