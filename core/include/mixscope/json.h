/* mixscope — exact JSON numbers (cJSON). cJSON's own printer writes a
 * 15-digit form whenever that is within DBL_EPSILON of the value; every number
 * mixscope writes (CLI output, scenes, parameter files) must read back as
 * exactly the same double, so it goes through mx_json_number instead. */
#ifndef MIXSCOPE_JSON_H
#define MIXSCOPE_JSON_H

struct cJSON;

/* A new JSON item for v that reads back as exactly v: the shortest of %.15g,
 * %.16g, %.17g that does, as a raw item; non-finite values become the strings
 * "inf", "-inf", "nan". NULL on no memory. */
struct cJSON *mx_json_number(double v);
/* A new array of the n numbers v[0..n-1], each as mx_json_number (NULL if the
 * array itself cannot be allocated). */
struct cJSON *mx_json_numbers(const double *v, int n);

#endif
