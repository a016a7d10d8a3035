/* test_dataset — locating data directories, loading image + label pairs with
 * every validation error, binarizing, and the bundled sample's contents.
 * Expected values: hand-made tiny files written here, and for the bundled
 * sample tests/ref/sample_stats.py (gzip + numpy), output in sample_stats.out. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "mixscope/dataset.h"
#include "test.h"

static char pbuf[4][1024];

/* scratch/<a>[/<b>] into one of 4 rotating buffers. */
static const char *sp(const char *a, const char *b) {
  static int k = 0;
  char *p = pbuf[k++ & 3];
  if (b)
    snprintf(p, 1024, "%s/%s/%s", mx_test_scratch(), a, b);
  else
    snprintf(p, 1024, "%s/%s", mx_test_scratch(), a);
  return p;
}

static void write_file(const char *path, const void *b, size_t n, int gz) {
  if (gz) {
    gzFile g = gzopen(path, "wb");
    if (!g) exit(1);
    gzwrite(g, b, (unsigned)n);
    gzclose(g);
  } else {
    FILE *fp = fopen(path, "wb");
    if (!fp) exit(1);
    fwrite(b, 1, n, fp);
    fclose(fp);
  }
}

/* IDX of n images of 2x2: image i has pixels (i, 2i, 3i, 255). */
static void write_images(const char *path, unsigned n, int gz) {
  unsigned char b[16 + 4 * 16] = {0, 0, 8, 3, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2};
  unsigned i;
  b[7] = (unsigned char)n;
  for (i = 0; i < n; i++) {
    b[16 + 4 * i] = (unsigned char)i;
    b[17 + 4 * i] = (unsigned char)(2 * i);
    b[18 + 4 * i] = (unsigned char)(3 * i);
    b[19 + 4 * i] = 255;
  }
  write_file(path, b, 16 + 4 * n, gz);
}

/* IDX of n labels given. */
static void write_labels(const char *path, unsigned n, const unsigned char *lab, int gz) {
  unsigned char b[8 + 16] = {0, 0, 8, 1, 0, 0, 0, 0};
  b[7] = (unsigned char)n;
  memcpy(b + 8, lab, n);
  write_file(path, b, 8 + n, gz);
}

/* A complete tiny data dir: train 3 images (raw), test 2 images (gz). */
static void make_dir(const char *dir, int skip_test_labels) {
  const unsigned char lab[3] = {7, 0, 9};
  char p[1100];
  mkdir(dir, 0755);
  snprintf(p, sizeof p, "%s/train-images-idx3-ubyte", dir);
  write_images(p, 3, 0);
  snprintf(p, sizeof p, "%s/train-labels-idx1-ubyte", dir);
  write_labels(p, 3, lab, 0);
  snprintf(p, sizeof p, "%s/t10k-images-idx3-ubyte.gz", dir);
  write_images(p, 2, 1);
  if (!skip_test_labels) {
    snprintf(p, sizeof p, "%s/t10k-labels-idx1-ubyte.gz", dir);
    write_labels(p, 2, lab + 1, 1);
  }
}

/* Remove a tiny data dir left by an earlier run (files this test writes only). */
static void clear_dir(const char *dir) {
  static const char *const names[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                      "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
  char p[1100];
  int i;
  for (i = 0; i < 4; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, names[i]);
    remove(p);
    snprintf(p, sizeof p, "%s/%s.gz", dir, names[i]);
    remove(p);
  }
  remove(dir);
}

static void test_binarize(void) {
  /* x/255 > 0.5: 127/255 = 0.498 -> 0, 128/255 = 0.502 -> 1. */
  const uint8_t pix[6] = {0, 1, 127, 128, 200, 255};
  uint8_t out[6];
  mx_binarize(pix, 6, 0.5, out);
  ASSERT_INT_EQ(out[0], 0);
  ASSERT_INT_EQ(out[1], 0);
  ASSERT_INT_EQ(out[2], 0);
  ASSERT_INT_EQ(out[3], 1);
  ASSERT_INT_EQ(out[4], 1);
  ASSERT_INT_EQ(out[5], 1);
  /* threshold 0: strictly greater, so 0 stays 0 and 1/255 is lit. */
  mx_binarize(pix, 6, 0.0, out);
  ASSERT_INT_EQ(out[0], 0);
  ASSERT_INT_EQ(out[1], 1);
  /* threshold 1: nothing is lit (255/255 = 1 is not > 1). */
  mx_binarize(pix, 6, 1.0, out);
  ASSERT_INT_EQ(out[5], 0);
  /* threshold exactly at a grey level: 51/255 = 0.2 is not > 0.2, 52/255 is. */
  {
    const uint8_t q[2] = {51, 52};
    mx_binarize(q, 2, 51.0 / 255.0, out);
    ASSERT_INT_EQ(out[0], 0);
    ASSERT_INT_EQ(out[1], 1);
  }
}

static void test_images_load(void) {
  const unsigned char lab3[3] = {4, 0, 9};
  const unsigned char bad[3] = {4, 10, 9};
  mx_images im;
  mx_error err;
  mkdir(sp("load", NULL), 0755);
  write_images(sp("load", "im3"), 3, 0);
  write_labels(sp("load", "lb3.gz"), 3, lab3, 1);
  ASSERT_INT_EQ(mx_images_load(&im, sp("load", "im3"), sp("load", "lb3.gz"), &err), MX_OK);
  ASSERT_INT_EQ(im.n, 3);
  ASSERT_INT_EQ(im.rows, 2);
  ASSERT_INT_EQ(im.cols, 2);
  ASSERT_INT_EQ(im.d, 4);
  if (im.pix && im.labels) {
    /* image 2 = (2, 4, 6, 255) */
    ASSERT_INT_EQ(im.pix[2 * 4 + 0], 2);
    ASSERT_INT_EQ(im.pix[2 * 4 + 2], 6);
    ASSERT_INT_EQ(im.pix[2 * 4 + 3], 255);
    ASSERT_INT_EQ(im.labels[2], 9);
  }
  mx_images_free(&im);
  ASSERT_TRUE(im.pix == NULL && im.labels == NULL && im.n == 0);
  mx_images_free(NULL);

  /* Count mismatch: 3 images, 2 labels; both files and counts named. */
  write_labels(sp("load", "lb2"), 2, lab3, 0);
  ASSERT_INT_EQ(mx_images_load(&im, sp("load", "im3"), sp("load", "lb2"), &err), MX_ECOUNT);
  ASSERT_STR_CONTAINS(err.msg, "im3 has 3 images");
  ASSERT_STR_CONTAINS(err.msg, "lb2 has 2 labels");
  ASSERT_TRUE(im.pix == NULL && im.labels == NULL);

  /* Label 10 at index 1. */
  write_labels(sp("load", "lbbad"), 3, bad, 0);
  ASSERT_INT_EQ(mx_images_load(&im, sp("load", "im3"), sp("load", "lbbad"), &err), MX_ERANGE);
  ASSERT_STR_CONTAINS(err.msg, "lbbad: label 10 at index 1");

  /* Images given as a 1-D file, labels as a 3-D file. */
  ASSERT_INT_EQ(mx_images_load(&im, sp("load", "lb2"), sp("load", "lb2"), &err), MX_EDIMS);
  ASSERT_STR_CONTAINS(err.msg, "must be 3-D");
  ASSERT_STR_CONTAINS(err.msg, "1-D");
  ASSERT_INT_EQ(mx_images_load(&im, sp("load", "im3"), sp("load", "im3"), &err), MX_EDIMS);
  ASSERT_STR_CONTAINS(err.msg, "label file must be 1-D");

  /* Missing label file: the IDX error comes through naming it. */
  ASSERT_INT_EQ(mx_images_load(&im, sp("load", "im3"), sp("load", "nolabels"), &err), MX_ENOENT);
  ASSERT_STR_CONTAINS(err.msg, "nolabels");
  /* A broken image file: its IDX error (truncated) comes through. */
  {
    const unsigned char t[] = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2};
    write_file(sp("load", "imtrunc"), t, sizeof t, 0);
    ASSERT_INT_EQ(mx_images_load(&im, sp("load", "imtrunc"), sp("load", "lb3.gz"), &err),
                  MX_ETRUNC);
    ASSERT_STR_CONTAINS(err.msg, "imtrunc");
  }
}

static void test_locate(void) {
  char dir[MX_PATH_LEN];
  mx_data_source src;
  mx_error err;
  mx_mnist m;

  unsetenv("MIXSCOPE_DATA");
  make_dir(sp("good", NULL), 0);
  make_dir(sp("partial", NULL), 1);

  /* 1. --mnist DIR */
  ASSERT_INT_EQ(mx_mnist_locate(sp("good", NULL), dir, &src, &err), MX_OK);
  ASSERT_INT_EQ(src, MX_SRC_ARG);
  ASSERT_STR_EQ(dir, sp("good", NULL));
  ASSERT_STR_EQ(mx_data_source_name(src), "--mnist");
  /* explicit dir lacking a file: error naming the dir and the file, no fall-through */
  ASSERT_INT_EQ(mx_mnist_locate(sp("partial", NULL), dir, &src, &err), MX_ENOENT);
  ASSERT_STR_CONTAINS(err.msg, sp("partial", NULL));
  ASSERT_STR_CONTAINS(err.msg, "missing t10k-labels-idx1-ubyte");
  ASSERT_INT_EQ(mx_mnist_locate(sp("nowhere", NULL), dir, &src, &err), MX_ENOENT);
  ASSERT_STR_CONTAINS(err.msg, "nowhere: no such directory");

  /* 2. $MIXSCOPE_DATA, beaten by --mnist */
  setenv("MIXSCOPE_DATA", sp("good", NULL), 1);
  ASSERT_INT_EQ(mx_mnist_locate(NULL, dir, &src, &err), MX_OK);
  ASSERT_INT_EQ(src, MX_SRC_ENV);
  ASSERT_STR_EQ(mx_data_source_name(src), "MIXSCOPE_DATA");
  ASSERT_INT_EQ(mx_mnist_locate(sp("good", NULL), dir, &src, &err), MX_OK);
  ASSERT_INT_EQ(src, MX_SRC_ARG);
  setenv("MIXSCOPE_DATA", sp("partial", NULL), 1);
  ASSERT_INT_EQ(mx_mnist_locate(NULL, dir, &src, &err), MX_ENOENT);
  ASSERT_STR_CONTAINS(err.msg, "$MIXSCOPE_DATA");
  ASSERT_STR_CONTAINS(err.msg, "missing t10k-labels-idx1-ubyte");
  unsetenv("MIXSCOPE_DATA");

  /* 3./4. a fake source tree via $MIXSCOPE_HOME (cleared first: it must start empty) */
  clear_dir(sp("home", "data/mnist"));
  clear_dir(sp("home", "assets/mnist-sample"));
  mkdir(sp("home", NULL), 0755);
  setenv("MIXSCOPE_HOME", sp("home", NULL), 1);
  ASSERT_STR_EQ(mx_source_dir(), sp("home", NULL));
  ASSERT_INT_EQ(mx_mnist_locate(NULL, dir, &src, &err), MX_ENOENT);
  ASSERT_STR_CONTAINS(err.msg, "no MNIST data found");
  ASSERT_STR_CONTAINS(err.msg, "assets/mnist-sample");
  mkdir(sp("home", "assets"), 0755);
  make_dir(sp("home", "assets/mnist-sample"), 0);
  ASSERT_INT_EQ(mx_mnist_locate(NULL, dir, &src, &err), MX_OK);
  ASSERT_INT_EQ(src, MX_SRC_SAMPLE);
  ASSERT_STR_EQ(dir, sp("home", "assets/mnist-sample"));
  mkdir(sp("home", "data"), 0755);
  make_dir(sp("home", "data/mnist"), 1); /* incomplete fetch: falls through to the sample */
  ASSERT_INT_EQ(mx_mnist_locate(NULL, dir, &src, &err), MX_OK);
  ASSERT_INT_EQ(src, MX_SRC_SAMPLE);
  make_dir(sp("home", "data/mnist"), 0);
  ASSERT_INT_EQ(mx_mnist_locate(NULL, dir, &src, &err), MX_OK);
  ASSERT_INT_EQ(src, MX_SRC_FETCHED);
  ASSERT_STR_EQ(dir, sp("home", "data/mnist"));
  ASSERT_STR_EQ(mx_data_source_name(src), "fetched");

  /* mx_mnist_load of the tiny fetched dir: train raw, test gz. */
  ASSERT_INT_EQ(mx_mnist_load(&m, NULL, &err), MX_OK);
  ASSERT_INT_EQ(m.source, MX_SRC_FETCHED);
  ASSERT_INT_EQ(m.train.n, 3);
  ASSERT_INT_EQ(m.test.n, 2);
  if (m.test.labels) ASSERT_INT_EQ(m.test.labels[1], 9);
  mx_mnist_free(&m);
  mx_mnist_free(NULL);
  unsetenv("MIXSCOPE_HOME");

  /* Train and test of different image sizes. */
  make_dir(sp("mixed", NULL), 0);
  {
    const unsigned char b[16 + 9] = {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 3};
    const unsigned char l[1] = {3};
    write_file(sp("mixed", "t10k-images-idx3-ubyte.gz"), b, sizeof b, 1);
    write_labels(sp("mixed", "t10k-labels-idx1-ubyte.gz"), 1, l, 1);
  }
  ASSERT_INT_EQ(mx_mnist_load(&m, sp("mixed", NULL), &err), MX_EDIMS);
  ASSERT_STR_CONTAINS(err.msg, "training images are 2x2 but test images are 3x3");
  ASSERT_TRUE(m.train.pix == NULL && m.test.pix == NULL);
}

static void test_sample(void) {
  /* Expected values: tests/ref/sample_stats.out (gzip + numpy). */
  char dir[1024];
  mx_mnist m;
  mx_error err;
  const uint8_t row14[28] = {0, 0,   0,   0,   0,   0,   0,   0,  0, 0, 0, 0, 0, 81,
                             240, 253, 253, 119, 25, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  const uint8_t trl[10] = {5, 0, 4, 1, 9, 2, 1, 3, 1, 4};
  const uint8_t tel[10] = {7, 2, 1, 0, 4, 1, 4, 9, 5, 9};
  size_t i;
  unsigned long long s = 0, st = 0, lit = 0;
  snprintf(dir, sizeof dir, "%s/assets/mnist-sample", mx_test_srcdir());
  ASSERT_INT_EQ(mx_mnist_load(&m, dir, &err), MX_OK);
  if (err.code) {
    fprintf(stderr, "%s\n", err.msg);
    return;
  }
  ASSERT_INT_EQ(m.source, MX_SRC_ARG);
  ASSERT_INT_EQ(m.train.n, 5000);
  ASSERT_INT_EQ(m.test.n, 1000);
  ASSERT_INT_EQ(m.train.rows, 28);
  ASSERT_INT_EQ(m.train.cols, 28);
  ASSERT_INT_EQ(m.test.d, 784);
  for (i = 0; i < 10; i++) {
    ASSERT_INT_EQ(m.train.labels[i], trl[i]);
    ASSERT_INT_EQ(m.test.labels[i], tel[i]);
  }
  ASSERT_TRUE(memcmp(m.train.pix + 14 * 28, row14, 28) == 0);
  for (i = 0; i < m.train.n * m.train.d; i++) s += m.train.pix[i];
  for (i = 0; i < m.test.n * m.test.d; i++) st += m.test.pix[i];
  ASSERT_INT_EQ(s, 130170281ULL);
  ASSERT_INT_EQ(st, 24443134ULL);
  {
    uint8_t *b = malloc(m.train.n * m.train.d);
    if (b) {
      mx_binarize(m.train.pix, m.train.n * m.train.d, 0.5, b);
      for (i = 0; i < m.train.n * m.train.d; i++) lit += b[i];
      ASSERT_INT_EQ(lit, 516294ULL);
      mx_binarize(m.train.pix, m.train.n * m.train.d, 0.0, b);
      for (lit = 0, i = 0; i < m.train.n * m.train.d; i++) lit += b[i];
      ASSERT_INT_EQ(lit, 748159ULL);
      free(b);
    }
  }
  for (s = 0, i = 0; i < 784; i++) s += m.train.pix[4999 * 784 + i];
  ASSERT_INT_EQ(s, 23740);
  ASSERT_INT_EQ(m.train.labels[4999], 2);
  mx_mnist_free(&m);
}

int main(void) {
  test_binarize();
  test_images_load();
  test_locate();
  test_sample();
  TEST_MAIN_END();
}
