// regiokpi: the umbrella header. It only includes the public headers, one concept each.
#pragma once

#include "regiokpi/aggregate.hpp"
#include "regiokpi/calendar.hpp"
#include "regiokpi/csv.hpp"
#include "regiokpi/dimension.hpp"
#include "regiokpi/error.hpp"
#include "regiokpi/forecast.hpp"
#include "regiokpi/funding.hpp"
#include "regiokpi/indicator.hpp"
#include "regiokpi/ingest.hpp"
#include "regiokpi/money.hpp"
#include "regiokpi/programme.hpp"
#include "regiokpi/programme_io.hpp"
#include "regiokpi/rules.hpp"
#include "regiokpi/store.hpp"
#include "regiokpi/svg.hpp"
#include "regiokpi/version.hpp"
