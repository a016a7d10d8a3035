/* libFuzzer harness: the IDX reader (raw and gzip) on arbitrary bytes.
 * The reader takes a path, so each input is written to a private temp file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mixscope/idx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char path[64];
  FILE *fp;
  mx_idx idx;
  mx_error err;
  if (!path[0]) snprintf(path, sizeof path, "/tmp/mx-fuzz-idx-%ld", (long)getpid());
  fp = fopen(path, "wb");
  if (!fp) return 0;
  if (size) fwrite(data, 1, size, fp);
  fclose(fp);
  if (mx_idx_read(path, &idx, &err) == MX_OK) {
    /* a successful read must be self-consistent */
    size_t prod = 1;
    int i;
    for (i = 0; i < idx.ndim; i++) prod *= idx.dims[i];
    if (prod != idx.size) abort();
    mx_idx_free(&idx);
  } else if (idx.data != NULL || err.msg[0] == '\0') {
    abort(); /* errors must leave *out empty and say what is wrong */
  }
  return 0;
}
