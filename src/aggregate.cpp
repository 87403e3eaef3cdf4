// regiokpi: the aggregation engine (see include/regiokpi/aggregate.hpp).
#include "regiokpi/aggregate.hpp"

namespace regiokpi {

aggregate_result aggregate(const measurement_store&, const query&, const programme*) {
  throw error(errc::internal, "aggregate: not implemented yet");
}

std::string to_csv(const aggregate_result&) { throw error(errc::internal, "to_csv: not implemented yet"); }

}  // namespace regiokpi
