/* mixscope — locating and loading MNIST-style image sets, binarizing. */
#include "mixscope/dataset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mixscope/idx.h"

#ifndef MX_SOURCE_DIR
#define MX_SOURCE_DIR "."
#endif

static const char *const mnist_files[4] = {
  "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte",  "t10k-labels-idx1-ubyte",
};

const char *mx_data_source_name(mx_data_source s) {
  switch (s) {
  case MX_SRC_ARG: return "--mnist";
  case MX_SRC_ENV: return "MIXSCOPE_DATA";
  case MX_SRC_FETCHED: return "fetched";
  case MX_SRC_SAMPLE: return "sample";
  default: return "unknown";
  }
}

const char *mx_source_dir(void) {
  const char *s = getenv("MIXSCOPE_HOME");
  return s && *s ? s : MX_SOURCE_DIR;
}

static int is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Anything at p, even a dangling link or a link loop. */
static int exists(const char *p) {
  struct stat st;
  return lstat(p, &st) == 0;
}

/* Path of dir/base (raw preferred) or dir/base.gz into out; 1 if found. A
 * regular file wins; failing that, whatever is there (a directory, FIFO,
 * device, link loop) is returned so that reading it says what it is instead
 * of calling it missing. */
static int find_file(const char *dir, const char *base, char *out, size_t cap) {
  if ((size_t)snprintf(out, cap, "%s/%s", dir, base) < cap && is_file(out)) return 1;
  if ((size_t)snprintf(out, cap, "%s/%s.gz", dir, base) < cap && is_file(out)) return 1;
  if ((size_t)snprintf(out, cap, "%s/%s", dir, base) < cap && exists(out)) return 1;
  if ((size_t)snprintf(out, cap, "%s/%s.gz", dir, base) < cap && exists(out)) return 1;
  return 0;
}

/* Index of the first of the four files missing from dir, or -1 if all there. */
static int first_missing(const char *dir) {
  char p[MX_PATH_LEN + 64];
  int i;
  for (i = 0; i < 4; i++)
    if (!find_file(dir, mnist_files[i], p, sizeof p)) return i;
  return -1;
}

/* An explicitly named directory must hold all four files. */
static int check_explicit(const char *dir, const char *what, mx_error *err) {
  int miss;
  if (strlen(dir) >= MX_PATH_LEN)
    return mx_error_set(err, MX_EINVAL, "%s directory path is too long (%zu chars)", what,
                        strlen(dir));
  if (!is_dir(dir))
    return mx_error_set(err, MX_ENOENT, "%s %s: no such directory", what, dir);
  miss = first_missing(dir);
  if (miss >= 0)
    return mx_error_set(err, MX_ENOENT, "%s %s: missing %s (or %s.gz)", what, dir,
                        mnist_files[miss], mnist_files[miss]);
  return MX_OK;
}

int mx_mnist_locate(const char *arg_dir, char *dir, mx_data_source *source, mx_error *err) {
  const char *env = getenv("MIXSCOPE_DATA");
  const char *src = mx_source_dir();
  char cand[MX_PATH_LEN];
  int rc;
  mx_error_clear(err);
  dir[0] = '\0';
  if (arg_dir && *arg_dir) {
    rc = check_explicit(arg_dir, "--mnist", err);
    if (rc) return rc;
    snprintf(dir, MX_PATH_LEN, "%s", arg_dir);
    *source = MX_SRC_ARG;
    return MX_OK;
  }
  if (env && *env) {
    rc = check_explicit(env, "$MIXSCOPE_DATA", err);
    if (rc) return rc;
    snprintf(dir, MX_PATH_LEN, "%s", env);
    *source = MX_SRC_ENV;
    return MX_OK;
  }
  if ((size_t)snprintf(cand, sizeof cand, "%s/data/mnist", src) < sizeof cand && is_dir(cand) &&
      first_missing(cand) < 0) {
    snprintf(dir, MX_PATH_LEN, "%s", cand);
    *source = MX_SRC_FETCHED;
    return MX_OK;
  }
  if ((size_t)snprintf(cand, sizeof cand, "%s/assets/mnist-sample", src) < sizeof cand &&
      is_dir(cand) && first_missing(cand) < 0) {
    snprintf(dir, MX_PATH_LEN, "%s", cand);
    *source = MX_SRC_SAMPLE;
    return MX_OK;
  }
  return mx_error_set(err, MX_ENOENT,
                      "no MNIST data found: tried %s/data/mnist (run scripts/fetch-mnist.sh) and "
                      "%s/assets/mnist-sample; give a directory with --mnist DIR or "
                      "$MIXSCOPE_DATA (or set $MIXSCOPE_HOME to the source tree)",
                      src, src);
}

int mx_images_load(mx_images *out, const char *images_path, const char *labels_path,
                   mx_error *err) {
  mx_idx im = {0}, lb = {0};
  size_t i;
  int rc;
  memset(out, 0, sizeof *out);
  rc = mx_idx_read(images_path, &im, err);
  if (rc) return rc;
  if (im.ndim != 3) {
    rc = mx_error_set(err, MX_EDIMS,
                      "%s: an image file must be 3-D (count, rows, cols) but this one is %d-D",
                      images_path, im.ndim);
    goto fail;
  }
  rc = mx_idx_read(labels_path, &lb, err);
  if (rc) goto fail;
  if (lb.ndim != 1) {
    rc = mx_error_set(err, MX_EDIMS, "%s: a label file must be 1-D (count) but this one is %d-D",
                      labels_path, lb.ndim);
    goto fail;
  }
  if (im.dims[0] != lb.dims[0]) {
    rc = mx_error_set(err, MX_ECOUNT, "%s has %zu images but %s has %zu labels", images_path,
                      im.dims[0], labels_path, lb.dims[0]);
    goto fail;
  }
  for (i = 0; i < lb.size; i++) {
    if (lb.data[i] > 9) {
      rc = mx_error_set(err, MX_ERANGE, "%s: label %u at index %zu is not a digit 0..9",
                        labels_path, (unsigned)lb.data[i], i);
      goto fail;
    }
  }
  out->n = im.dims[0];
  out->rows = im.dims[1];
  out->cols = im.dims[2];
  out->d = out->rows * out->cols;
  out->pix = im.data;
  out->labels = lb.data;
  return MX_OK;
fail:
  mx_idx_free(&im);
  mx_idx_free(&lb);
  memset(out, 0, sizeof *out);
  return rc;
}

void mx_images_free(mx_images *im) {
  if (!im) return;
  free(im->pix);
  free(im->labels);
  memset(im, 0, sizeof *im);
}

int mx_mnist_load(mx_mnist *m, const char *arg_dir, mx_error *err) {
  char ip[MX_PATH_LEN + 64], lp[MX_PATH_LEN + 64];
  int rc;
  memset(m, 0, sizeof *m);
  rc = mx_mnist_locate(arg_dir, m->dir, &m->source, err);
  if (rc) goto fail;
  if (!find_file(m->dir, mnist_files[0], ip, sizeof ip) ||
      !find_file(m->dir, mnist_files[1], lp, sizeof lp)) {
    rc = mx_error_set(err, MX_ENOENT, "%s: training files disappeared", m->dir);
    goto fail;
  }
  rc = mx_images_load(&m->train, ip, lp, err);
  if (rc) goto fail;
  if (!find_file(m->dir, mnist_files[2], ip, sizeof ip) ||
      !find_file(m->dir, mnist_files[3], lp, sizeof lp)) {
    rc = mx_error_set(err, MX_ENOENT, "%s: test files disappeared", m->dir);
    goto fail;
  }
  rc = mx_images_load(&m->test, ip, lp, err);
  if (rc) goto fail;
  if (m->train.rows != m->test.rows || m->train.cols != m->test.cols) {
    rc = mx_error_set(err, MX_EDIMS, "%s: training images are %zux%zu but test images are %zux%zu",
                      m->dir, m->train.rows, m->train.cols, m->test.rows, m->test.cols);
    goto fail;
  }
  return MX_OK;
fail:
  mx_mnist_free(m);
  return rc;
}

void mx_mnist_free(mx_mnist *m) {
  if (!m) return;
  mx_images_free(&m->train);
  mx_images_free(&m->test);
  memset(m, 0, sizeof *m);
}

void mx_binarize(const uint8_t *pix, size_t n, double threshold, uint8_t *out) {
  uint8_t lut[256];
  size_t i;
  /* The notes: 1.*(X/255. > 0.5), evaluated once per grey level. */
  for (i = 0; i < 256; i++) lut[i] = ((double)i / 255.0 > threshold) ? 1 : 0;
  for (i = 0; i < n; i++) out[i] = lut[pix[i]];
}
