// bench/forecast_accuracy: out-of-sample accuracy of every regiokpi forecasting method on the M1 and
// Tourism competition data (yearly, quarterly), beside reference implementations of Naive, Naive2 and
// Theta written here independently of the library. Measures as in the M4 competition: sMAPE, MASE,
// coverage of the 90 % interval and MSIS (see the data's README). Not a timing benchmark: the time per
// 1000 series is a rough wall-clock figure.
//   forecast_accuracy [DATA_DIR] [--markdown FILE]
// DATA_DIR defaults to ../shared/data/forecast-bench next to the source tree (or two levels up, for a
// git worktree); when it is missing, the program says so and exits 0.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regiokpi/forecast.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct series {
  std::string id;
  std::vector<double> train, test;
};

std::vector<series> read_data(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);  // header series_id,type,t,value,split
  std::vector<series> out;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string id, type, t, value, split;
    std::getline(ss, id, ',');
    std::getline(ss, type, ',');
    std::getline(ss, t, ',');
    std::getline(ss, value, ',');
    std::getline(ss, split, ',');
    if (!split.empty() && split.back() == '\r') split.pop_back();
    if (out.empty() || out.back().id != id) out.push_back({id, {}, {}});
    (split == "train" ? out.back().train : out.back().test).push_back(std::stod(value));
  }
  return out;
}

struct forecast {
  std::vector<double> mean, low, high;
};

// ---- reference implementations, independent of the library ---------------------------------------

constexpr double z90 = 1.6448536269514722;  // standard normal 0.95 quantile

double acf(const std::vector<double>& x, std::size_t k) {
  double m = 0;
  for (double v : x) m += v;
  m /= static_cast<double>(x.size());
  double a = 0, b = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    b += (x[i] - m) * (x[i] - m);
    if (i >= k) a += (x[i] - m) * (x[i - k] - m);
  }
  return a / b;
}

/// M4 benchmarks' seasonality test at 90 % and classical multiplicative indices; 1s when not seasonal.
std::vector<double> ref_seasonal_factors(const std::vector<double>& x, std::size_t m, std::size_t h,
                                         std::vector<double>& in_sample) {
  const std::size_t n = x.size();
  in_sample.assign(n, 1.0);
  std::vector<double> out(h, 1.0);
  if (m < 2 || n < 3 * m) return out;
  double s = 1;
  for (std::size_t k = 1; k < m; ++k) s += 2 * acf(x, k) * acf(x, k);
  if (!(std::abs(acf(x, m)) > z90 * std::sqrt(s / static_cast<double>(n)))) return out;
  // centred moving average (2 x m for even m)
  std::vector<double> ratio_sum(m, 0), ratio_n(m, 0);
  for (std::size_t t = m / 2; t + m / 2 < n; ++t) {
    double ma = 0;
    for (std::size_t j = 0; j <= m; ++j) {
      const double wgt = (m % 2 == 0) ? ((j == 0 || j == m) ? 0.5 : 1.0) : (j == m ? 0.0 : 1.0);
      ma += wgt * x[t - m / 2 + j];
    }
    ma /= static_cast<double>(m);
    ratio_sum[t % m] += x[t] / ma;
    ratio_n[t % m] += 1;
  }
  std::vector<double> f(m);
  double avg = 0;
  for (std::size_t i = 0; i < m; ++i) avg += f[i] = ratio_sum[i] / ratio_n[i];
  avg /= static_cast<double>(m);
  for (auto& v : f) v /= avg;
  for (std::size_t t = 0; t < n; ++t) in_sample[t] = f[t % m];
  for (std::size_t k = 0; k < h; ++k) out[k] = f[(n + k) % m];
  return out;
}

forecast ref_naive(const std::vector<double>& x, std::size_t h) {
  double ss = 0;
  for (std::size_t t = 1; t < x.size(); ++t) ss += (x[t] - x[t - 1]) * (x[t] - x[t - 1]);
  const double sd = std::sqrt(ss / static_cast<double>(x.size() - 1));
  forecast f;
  for (std::size_t k = 1; k <= h; ++k) {
    f.mean.push_back(x.back());
    f.low.push_back(x.back() - z90 * sd * std::sqrt(static_cast<double>(k)));
    f.high.push_back(x.back() + z90 * sd * std::sqrt(static_cast<double>(k)));
  }
  return f;
}

forecast ref_naive2(const std::vector<double>& x, std::size_t h, std::size_t m) {
  std::vector<double> si;
  const auto fut = ref_seasonal_factors(x, m, h, si);
  std::vector<double> adj(x.size());
  for (std::size_t t = 0; t < x.size(); ++t) adj[t] = x[t] / si[t];
  forecast f = ref_naive(adj, h);
  for (std::size_t k = 0; k < h; ++k) f.mean[k] *= fut[k], f.low[k] *= fut[k], f.high[k] *= fut[k];
  return f;
}

/// Theta as Assimakopoulos and Nikolopoulos (2000) define it: the theta = 0 line (the regression
/// line, extrapolated) and the theta = 2 line (2 y - regression line, forecast by SES with l_0 =
/// its first value and alpha by a grid search on the in-sample squared errors), averaged with
/// equal weights; on seasonally adjusted data as in the M4 benchmarks. The interval is SES's
/// (sigma of the theta-2 line's one-step errors / 2, sqrt(1 + (h-1) alpha^2)).
forecast ref_theta(const std::vector<double>& x0, std::size_t h, std::size_t m) {
  std::vector<double> si;
  const auto fut = ref_seasonal_factors(x0, m, h, si);
  const std::size_t n = x0.size();
  std::vector<double> x(n);
  for (std::size_t t = 0; t < n; ++t) x[t] = x0[t] / si[t];
  double st = 0, sy = 0, stt = 0, sty = 0;
  for (std::size_t t = 0; t < n; ++t) {
    const double tt = static_cast<double>(t);
    st += tt, sy += x[t], stt += tt * tt, sty += tt * x[t];
  }
  const double dn = static_cast<double>(n);
  const double b = (dn * sty - st * sy) / (dn * stt - st * st);
  const double a = (sy - b * st) / dn;
  std::vector<double> l2(n);
  for (std::size_t t = 0; t < n; ++t) l2[t] = 2 * x[t] - (a + b * static_cast<double>(t));
  double best_alpha = 0.5, best_sse = INFINITY, best_level = 0;
  for (int i = 1; i <= 999; ++i) {
    const double alpha = i / 1000.0;
    double l = l2[0], sse = 0;
    for (std::size_t t = 1; t < n; ++t) {
      sse += (l2[t] - l) * (l2[t] - l);
      l += alpha * (l2[t] - l);
    }
    if (sse < best_sse) best_sse = sse, best_alpha = alpha, best_level = l;
  }
  const double sd = std::sqrt(best_sse / (dn - 1)) / 2;  // theta = 2 line's errors, halved by the average
  forecast f;
  for (std::size_t k = 1; k <= h; ++k) {
    const double line0 = a + b * static_cast<double>(n - 1 + k);
    const double mean = (line0 + best_level) / 2;
    const double se = sd * std::sqrt(1 + (static_cast<double>(k) - 1) * best_alpha * best_alpha);
    f.mean.push_back(mean * fut[k - 1]);
    f.low.push_back((mean - z90 * se) * fut[k - 1]);
    f.high.push_back((mean + z90 * se) * fut[k - 1]);
  }
  return f;
}

// ---- measures --------------------------------------------------------------------------------------

struct scores {
  double smape = 0, mase = 0, covered = 0, points = 0, msis = 0, n = 0, seconds = 0, failed = 0;
};

void score(scores& s, const series& x, const forecast& f, std::size_t m) {
  const std::size_t h = x.test.size();
  double scale = 0;
  for (std::size_t t = m; t < x.train.size(); ++t) scale += std::abs(x.train[t] - x.train[t - m]);
  scale /= static_cast<double>(x.train.size() - m);
  double sm = 0, ae = 0, is = 0;
  for (std::size_t k = 0; k < h; ++k) {
    const double y = x.test[k], F = f.mean[k];
    sm += (std::abs(y) + std::abs(F)) > 0 ? 200.0 * std::abs(y - F) / (std::abs(y) + std::abs(F)) : 0.0;
    ae += std::abs(y - F);
    if (!f.low.empty()) {
      const double L = f.low[k], U = f.high[k];
      s.covered += (y >= L && y <= U) ? 1 : 0;
      s.points += 1;
      is += (U - L) + (y < L ? 20.0 * (L - y) : 0.0) + (y > U ? 20.0 * (y - U) : 0.0);
    }
  }
  const double dh = static_cast<double>(h);
  s.smape += sm / dh;
  s.mase += scale > 0 ? ae / dh / scale : 0.0;
  s.msis += scale > 0 ? is / dh / scale : 0.0;
  s.n += 1;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir;
  std::string markdown;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--markdown" && i + 1 < argc)
      markdown = argv[++i];
    else
      dir = a;
  }
  if (dir.empty()) {
    for (const fs::path& cand : {fs::path(REGIOKPI_SOURCE_DIR) / ".." / "shared" / "data" / "forecast-bench",
                                 fs::path(REGIOKPI_SOURCE_DIR) / ".." / ".." / "shared" / "data" / "forecast-bench"})
      if (fs::exists(cand / "m1_yearly.csv")) {
        dir = cand;
        break;
      }
  }
  if (dir.empty() || !fs::exists(dir / "m1_yearly.csv")) {
    std::cout << "forecast_accuracy: no benchmark data found (pass its directory); skipped\n";
    return 0;
  }
  struct dataset {
    const char* file;
    const char* label;
    std::size_t m;
  };
  const dataset sets[] = {{"m1_yearly.csv", "M1 yearly", 1},
                          {"m1_quarterly.csv", "M1 quarterly", 4},
                          {"tourism_yearly.csv", "Tourism yearly", 1},
                          {"tourism_quarterly.csv", "Tourism quarterly", 4}};
  using regiokpi::forecast_method;
  const std::vector<std::pair<std::string, int>> methods = {
      {"ref Naive", -1}, {"ref Naive2", -2}, {"ref Theta", -3}, {"naive", 1}, {"drift", 2}, {"linear", 3},
      {"log_linear", 4}, {"ses", 5},         {"damped", 6},     {"theta", 7}, {"auto", 0}};
  std::ostringstream md;
  md << "| data set | series | method | sMAPE | MASE | 90 % coverage | MSIS | ms per 1000 series |\n"
     << "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |\n";
  for (const auto& ds : sets) {
    const auto data = read_data(dir / ds.file);
    for (const auto& [name, code] : methods) {
      scores s;
      const auto t0 = std::chrono::steady_clock::now();
      for (const auto& x : data) {
        const std::size_t h = x.test.size();
        forecast f;
        if (code == -1) {
          f = ref_naive(x.train, h);
        } else if (code == -2) {
          f = ref_naive2(x.train, h, ds.m);
        } else if (code == -3) {
          f = ref_theta(x.train, h, ds.m);
        } else {
          regiokpi::series_forecast_options o;
          o.method = static_cast<forecast_method>(code);
          o.level = 0.90;
          o.season = static_cast<int>(ds.m);
          const auto r = regiokpi::forecast_series(x.train, h, o);
          if (!r.ok()) {
            f = ref_naive(x.train, h);
            s.failed += 1;
          } else {
            f = {r.mean, r.low, r.high};
          }
        }
        score(s, x, f, ds.m);
      }
      s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      char row[512];
      std::snprintf(row, sizeof row, "| %s | %zu | %s%s | %.3f | %.3f | %.1f %% | %.2f | %.1f |\n", ds.label,
                    data.size(), name.c_str(), s.failed > 0 ? " (*)" : "", s.smape / s.n, s.mase / s.n,
                    s.points > 0 ? 100.0 * s.covered / s.points : NAN, s.points > 0 ? s.msis / s.n : NAN,
                    1000.0 * s.seconds * 1000.0 / static_cast<double>(data.size()));
      md << row;
    }
  }
  std::cout << md.str();
  if (!markdown.empty()) std::ofstream(markdown) << md.str();
  return 0;
}
