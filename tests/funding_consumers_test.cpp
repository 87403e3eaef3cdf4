// The funding walk has one home (evaluate_funding in programme.hpp); its three consumers, the
// programme's funding_total, the evaluated report's funding section and the C ABI's Arrow export,
// must give the same figures for the seed (examples/regio-deal-zod/programme.json).
//
// Hand computation from the seed's rules: the Rijk pays 20,000,000.00; the regional part matches it
// (1/1: 20,000,000.00, a pool nobody pays); the province pays 1/2 of it, 10,000,000.00; the six
// municipalities the rest, 10,000,000.00 = 1,000,000,000 cents, by 2019 population (sum 309,526):
//   Aa en Hunze    25,390 -> 82,028,650.26 cents   -> 820,286.50
//   Borger-Odoorn  25,351 -> 81,902,651.15         -> 819,026.51
//   Coevorden      35,297 -> 114,035,654.52        -> 1,140,356.55 (2nd largest remainder: +1)
//   Emmen         107,192 -> 346,310,164.57        -> 3,463,101.65 (largest remainder: +1)
//   Hardenberg     60,619 -> 195,844,614.02        -> 1,958,446.14
//   Hoogeveen      55,677 -> 179,878,265.48        -> 1,798,782.65
// (the floors add up to 999,999,998 cents, so the two largest remainders get a cent each). What the
// parties pay: 20 M + 10 M + 10 M = 40,000,000.00.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <tuple>

#include "regiokpi/evaluate.hpp"
#include "regiokpi/programme.hpp"
#include "regiokpi/programme_io.hpp"
#include "regiokpi/regiokpi.h"
#include "regiokpi/store.hpp"

using namespace regiokpi;

namespace {

const std::string seed_path = std::string(REGIOKPI_SOURCE_DIR) + "/examples/regio-deal-zod/programme.json";

// (contribution, member) -> cents, by hand (above); pools excluded.
const std::map<std::pair<std::string, std::string>, std::int64_t> expected_paid{
    {{"rijk", ""}, 2'000'000'000},
    {{"province", ""}, 1'000'000'000},
    {{"municipalities", ""}, 1'000'000'000},
    {{"municipalities", "aa-en-hunze"}, 82'028'650},
    {{"municipalities", "borger-odoorn"}, 81'902'651},
    {{"municipalities", "coevorden"}, 114'035'655},
    {{"municipalities", "emmen"}, 346'310'165},
    {{"municipalities", "hardenberg"}, 195'844'614},
    {{"municipalities", "hoogeveen"}, 179'878'265},
};
constexpr std::int64_t expected_total = 4'000'000'000;  // 40,000,000.00 EUR
constexpr std::int64_t expected_pool = 2'000'000'000;   // "regional", 20,000,000.00 EUR

TEST(funding_consumers, the_walk_gives_the_hand_figures) {
  const programme prog = read_programme_file(seed_path);
  ASSERT_TRUE(prog.funding);
  const evaluated_funding ef = evaluate_funding(*prog.funding);
  std::map<std::pair<std::string, std::string>, std::int64_t> paid;
  for (const auto& l : ef.lines) {
    if (l.pool) {
      EXPECT_EQ(l.contribution, "regional");
      EXPECT_EQ(l.value.minor_units(), expected_pool);
      continue;
    }
    paid[{l.contribution, l.member}] = l.value.minor_units();
  }
  EXPECT_EQ(paid, expected_paid);
  EXPECT_EQ(ef.total.minor_units(), expected_total);
  EXPECT_EQ(funding_total(*prog.funding).minor_units(), expected_total);
}

TEST(funding_consumers, the_report_and_the_c_abi_agree_with_the_hand_figures) {
  const programme prog = read_programme_file(seed_path);
  ASSERT_TRUE(prog.funding);

  // 1. The evaluated report: its funding lines ("id" or "id/member") and its total.
  const measurement_store empty_store;
  evaluation_settings settings;
  settings.as_of = parse_date("2021-12-31");
  const programme_report rep = evaluate_programme(prog, empty_store, settings);
  std::map<std::pair<std::string, std::string>, std::int64_t> report_paid;
  for (const auto& l : rep.funding) {
    if (l.id == "regional") {
      EXPECT_EQ(l.amount.minor_units(), expected_pool);
      continue;
    }
    const auto slash = l.id.find('/');
    if (slash == std::string::npos)
      report_paid[{l.id, ""}] = l.amount.minor_units();
    else
      report_paid[{l.id.substr(0, slash), l.id.substr(slash + 1)}] = l.amount.minor_units();
  }
  EXPECT_EQ(report_paid, expected_paid);
  ASSERT_TRUE(rep.funding_total);
  EXPECT_EQ(rep.funding_total->minor_units(), expected_total);

  // 2. The C ABI's Arrow export: one row per paid contribution and member part, pools left out.
  rk_programme* handle = nullptr;
  ASSERT_EQ(rk_programme_load_file(&handle, seed_path.c_str()), RK_OK) << rk_last_error();
  ArrowArrayStream stream{};
  ASSERT_EQ(rk_programme_funding_export_arrow(handle, &stream), RK_OK) << rk_last_error();
  rk_programme_destroy(handle);
  ArrowArray batch{};
  ASSERT_EQ(stream.get_next(&stream, &batch), 0);
  std::map<std::pair<std::string, std::string>, std::int64_t> abi_paid;
  std::int64_t own_rows_total = 0;
  const auto text = [&](int column, std::int64_t row) {
    const auto* offsets = static_cast<const std::int32_t*>(batch.children[column]->buffers[1]);
    const auto* data = static_cast<const char*>(batch.children[column]->buffers[2]);
    return std::string(data + offsets[row], data + offsets[row + 1]);
  };
  const auto* words = static_cast<const std::int64_t*>(batch.children[3]->buffers[1]);
  for (std::int64_t i = 0; i < batch.length; ++i) {
    const std::int64_t cents = words[2 * i];  // the low word of the decimal128 (sign-extended)
    abi_paid[{text(0, i), text(2, i)}] = cents;
    if (text(2, i).empty()) own_rows_total += cents;
  }
  batch.release(&batch);
  stream.release(&stream);
  EXPECT_EQ(abi_paid, expected_paid);
  EXPECT_EQ(own_rows_total, expected_total);
}

}  // namespace
