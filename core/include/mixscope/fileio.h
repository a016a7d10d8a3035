/* mixscope — safe file reading and writing.
 *
 * Reading: only regular files (a directory, FIFO, device, socket or symbolic
 * link loop is refused with what it is), never more than a stated limit.
 * Writing: atomic (temp file in the target's folder, fsync, rename), through
 * symbolic links (the link's target is replaced, the link stays), never over a
 * device or other non-regular file, with the mode open(path, ..., 0666) would
 * give (an existing file keeps its mode; a new one gets 0666 & ~umask); "-" and
 * "/dev/stdout" are written straight to standard output. A failed write leaves
 * any previous file intact and says why. */
#ifndef MIXSCOPE_FILEIO_H
#define MIXSCOPE_FILEIO_H

#include <stddef.h>
#include <stdio.h>

#include "mixscope/error.h"

/* Default read limits, overridable by environment variables (a byte count with
 * an optional K, M or G suffix, powers of 1024). */
#define MX_TEXT_LIMIT_DEFAULT ((size_t)256 << 20) /* CSV, JSON: 256 MiB */
#define MX_TEXT_LIMIT_ENV "MIXSCOPE_MAX_TEXT_BYTES"
#define MX_IDX_LIMIT_DEFAULT ((size_t)1 << 30) /* IDX data after inflating: 1 GiB */
#define MX_IDX_LIMIT_ENV "MIXSCOPE_MAX_IDX_BYTES"

/* The limit named by environment variable env (if set and valid), else dflt. */
size_t mx_file_limit(const char *env, size_t dflt);
/* "256 MiB", "1 GiB", "1000 bytes": a limit for messages, into buf (>= 32). */
const char *mx_file_size_str(size_t n, char *buf, size_t cap);

/* What a stat mode is when it is not a regular file ("a directory", "a FIFO",
 * "a character device", "a block device", "a socket"); NULL for a regular file. */
const char *mx_file_kind_name(unsigned mode);

/* Open path for reading if it is a regular file (never blocks on a FIFO).
 * *fd is the open descriptor; *size its size. MX_ENOENT when missing, MX_EIO
 * with "PATH: is a FIFO, not a regular file" / "symbolic link loop" otherwise. */
int mx_file_open_regular(const char *path, int *fd, size_t *size, mx_error *err);

/* Write n bytes to path atomically. */
int mx_file_write_atomic(const char *path, const void *data, size_t n, mx_error *err);

/* Streaming variant: open a temp file beside the (link-resolved) target; write
 * to *fp; then commit (flush, fsync, set mode, rename) or abort (remove temp).
 * tmp must hold MX_TMP_LEN; it carries the temp path and the target. */
#define MX_TMP_LEN 8400
int mx_file_begin_atomic(const char *path, char *tmp, FILE **fp, mx_error *err);
int mx_file_commit_atomic(const char *path, const char *tmp, FILE *fp, mx_error *err);
void mx_file_abort_atomic(const char *tmp, FILE *fp);

/* The file an output path names: "-" and "/dev/stdout" -> "" (standard
 * output); a symbolic link -> its final target (which may not exist yet);
 * anything else that exists must be a regular file (MX_EIO otherwise, saying
 * what it is). out holds cap bytes. */
int mx_file_output_target(const char *path, char *out, size_t cap, mx_error *err);

/* Read a whole regular file into a NUL-terminated malloc'd buffer (*len
 * without the NUL), at most the text limit (MX_TEXT_LIMIT_ENV). Binary-safe.
 * path "-" reads standard input, with the same limit. */
int mx_file_read_all(const char *path, char **data, size_t *len, mx_error *err);

/* mx_file_read_all for text: a NUL byte is refused as it arrives (MX_EPARSE,
 * "PATH:LINE: contains a NUL byte at byte offset N"), a leading UTF-8 byte-order
 * mark is dropped, and lone CR line ends (classic Mac) become LF. */
int mx_file_read_text(const char *path, char **data, size_t *len, mx_error *err);

#endif
