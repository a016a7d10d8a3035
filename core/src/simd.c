/* mixscope — the MX_NO_SIMD switch (see simd.h). */
#include "mixscope/simd.h"

#include <stdlib.h>
#include <string.h>

int mx_simd_env_off(void) {
  const char *e = getenv("MX_NO_SIMD");
  return e && *e && strcmp(e, "0") != 0;
}
