/* mixscope — atomic file writes: temp file in the same directory, fsync, rename.
 * A failed write leaves any previous file intact and says why. */
#ifndef MIXSCOPE_FILEIO_H
#define MIXSCOPE_FILEIO_H

#include <stddef.h>
#include <stdio.h>

#include "mixscope/error.h"

/* Write n bytes to path atomically. */
int mx_file_write_atomic(const char *path, const void *data, size_t n, mx_error *err);

/* Streaming variant: open a temp file beside path; write to *fp; then commit
 * (flush, fsync, rename) or abort (remove temp). tmp must hold MX_TMP_LEN. */
#define MX_TMP_LEN 1100
int mx_file_begin_atomic(const char *path, char *tmp, FILE **fp, mx_error *err);
int mx_file_commit_atomic(const char *path, const char *tmp, FILE *fp, mx_error *err);
void mx_file_abort_atomic(const char *tmp, FILE *fp);

/* Read a whole file into a NUL-terminated malloc'd buffer (*len without the NUL). */
int mx_file_read_all(const char *path, char **data, size_t *len, mx_error *err);

#endif
