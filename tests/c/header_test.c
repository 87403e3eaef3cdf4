/* The C ABI header compiles as strict C11 on its own (-std=c11 -Wall -Wextra -pedantic -Werror). */
#include "regiokpi/regiokpi.h"

int regiokpi_header_test_version(void);
int regiokpi_header_test_version(void) {
  struct ArrowArrayStream stream = {0};
  rk_query q = {0};
  q.version = RK_QUERY_VERSION;
  (void)stream;
  return RK_VERSION_NUMBER + (int)q.version;
}
