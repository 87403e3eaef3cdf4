// regiokpi: the umbrella header. It includes every public C++ header (one concept each), and nothing
// else; tests/umbrella_check.cmake fails when a header in include/regiokpi/ is missing here. The C
// ABI (regiokpi.h) is separate.
#pragma once

#include "regiokpi/aggregate.hpp"
#include "regiokpi/calendar.hpp"
#include "regiokpi/csv.hpp"
#include "regiokpi/dimension.hpp"
#include "regiokpi/error.hpp"
#include "regiokpi/evaluate.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/forecast.hpp"
#include "regiokpi/funding.hpp"
#include "regiokpi/iati.hpp"
#include "regiokpi/indicator.hpp"
#include "regiokpi/indicator_forecast.hpp"
#include "regiokpi/ingest.hpp"
#include "regiokpi/money.hpp"
#include "regiokpi/programme.hpp"
#include "regiokpi/programme_io.hpp"
#include "regiokpi/progress.hpp"
#include "regiokpi/quality.hpp"
#include "regiokpi/report.hpp"
#include "regiokpi/rules.hpp"
#include "regiokpi/sdmx.hpp"
#include "regiokpi/store.hpp"
#include "regiokpi/svg.hpp"
#include "regiokpi/version.hpp"
