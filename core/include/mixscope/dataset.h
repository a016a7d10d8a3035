/* mixscope — MNIST-style image sets: locate, load (validated), binarize.
 *
 * Lookup order for the data directory (first that has the files wins):
 *   1. the directory given on the command line (--mnist DIR),
 *   2. $MIXSCOPE_DATA,
 *   3. the fetched full MNIST: <source>/data/mnist (scripts/fetch-mnist.sh),
 *   4. the bundled sample: <source>/assets/mnist-sample.
 * In a directory, each of the four files may be raw or .gz:
 *   train-images-idx3-ubyte[.gz] train-labels-idx1-ubyte[.gz]
 *   t10k-images-idx3-ubyte[.gz]  t10k-labels-idx1-ubyte[.gz]          */
#ifndef MIXSCOPE_DATASET_H
#define MIXSCOPE_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "mixscope/error.h"

#define MX_PATH_LEN 1024

typedef struct mx_images {
  size_t n;          /* number of images */
  size_t rows, cols; /* 28 x 28 for MNIST */
  size_t d;          /* rows * cols */
  uint8_t *pix;      /* (n, d) grey levels 0..255, owned */
  uint8_t *labels;   /* (n) 0..9, owned */
} mx_images;

typedef enum {
  MX_SRC_ARG = 0,    /* --mnist DIR */
  MX_SRC_ENV,        /* $MIXSCOPE_DATA */
  MX_SRC_FETCHED,    /* <source>/data/mnist */
  MX_SRC_SAMPLE      /* <source>/assets/mnist-sample */
} mx_data_source;

typedef struct mx_mnist {
  mx_images train, test;
  mx_data_source source;
  char dir[MX_PATH_LEN];   /* the directory actually used */
} mx_mnist;

/* Name of a source for messages: "--mnist", "MIXSCOPE_DATA", "fetched", "sample". */
const char *mx_data_source_name(mx_data_source s);

/* The source tree root used for data/ and assets/ ($MIXSCOPE_HOME, else the
 * compiled-in MX_SOURCE_DIR). Never NULL. */
const char *mx_source_dir(void);

/* Resolve the data directory by the lookup order above. A directory given
 * explicitly (arg or env) that lacks the files is an error, not a fall-through.
 * Fills dir (MX_PATH_LEN) and *source. */
int mx_mnist_locate(const char *arg_dir, char *dir, mx_data_source *source, mx_error *err);

/* Load one image file + its label file and check they agree (count, labels 0..9,
 * 3-D images / 1-D labels). */
int mx_images_load(mx_images *out, const char *images_path, const char *labels_path,
                   mx_error *err);
void mx_images_free(mx_images *im);

/* Locate and load train + test. On error *m is zeroed. */
int mx_mnist_load(mx_mnist *m, const char *arg_dir, mx_error *err);
void mx_mnist_free(mx_mnist *m);

/* out[i] = (pix[i] / 255.0 > threshold) ? 1 : 0 for i < n (the notes' binarize). */
void mx_binarize(const uint8_t *pix, size_t n, double threshold, uint8_t *out);

#endif
