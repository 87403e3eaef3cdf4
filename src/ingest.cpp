// regiokpi: the CSV ingest (see include/regiokpi/ingest.hpp).
#include "regiokpi/ingest.hpp"

namespace regiokpi {

ingest_summary ingest_csv(measurement_store&, std::string_view, const ingest_options&) {
  throw error(errc::internal, "ingest_csv: not implemented yet");
}

ingest_summary ingest_csv_file(measurement_store&, const std::string&, const ingest_options&) {
  throw error(errc::internal, "ingest_csv_file: not implemented yet");
}

}  // namespace regiokpi
