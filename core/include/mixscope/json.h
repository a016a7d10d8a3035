/* mixscope — exact JSON numbers (cJSON). cJSON's own printer writes a
 * 15-digit form whenever that is within DBL_EPSILON of the value; every number
 * mixscope writes (CLI output, scenes, parameter files) must read back as
 * exactly the same double, so it goes through mx_json_number instead. */
#ifndef MIXSCOPE_JSON_H
#define MIXSCOPE_JSON_H

struct cJSON;
struct mx_error;

/* A new JSON item for v that reads back as exactly v: the shortest of %.15g,
 * %.16g, %.17g that does, as a raw item; non-finite values become the strings
 * "inf", "-inf", "nan". NULL on no memory. */
struct cJSON *mx_json_number(double v);
/* A new array of the n numbers v[0..n-1], each as mx_json_number (NULL if the
 * array itself cannot be allocated). */
struct cJSON *mx_json_numbers(const double *v, int n);
/* Turn every number of the list starting at node (and of all its children)
 * into raw text that reads back as exactly the same double (in place). */
void mx_json_exact_numbers(struct cJSON *node);
/* Write root to path atomically: formatted, exact numbers, trailing newline.
 * Does not free root. MX_OK, MX_ENOMEM, or the atomic write's error. */
int mx_json_write_file(const char *path, const struct cJSON *root, struct mx_error *err);

#endif
