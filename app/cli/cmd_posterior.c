/* mixscope posterior — the Normal–Normal conjugate posterior of a mean, point by point. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mixscope/posterior.h"

static const char *const CMD = "posterior";

static void usage(FILE *fp) {
  fprintf(fp,
          "usage: mixscope posterior [--prior-mean A] [--prior-var G2] [--noise-var S2]\n"
          "                          --data x1,x2,... [--json]\n\n"
          "Prior mu ~ N(A, G2), data x_i ~ N(mu, S2) with S2 known. Prints the posterior\n"
          "N(a, b^2) with 1/b^2 = 1/G2 + n/S2 and a = b^2 (A/G2 + sum(x)/S2), and the\n"
          "posterior after each point (sequential updates equal the batch formula).\n\n"
          "  --prior-mean A   prior mean alpha (default 0)\n"
          "  --prior-var G2   prior variance gamma^2 > 0 (default 1)\n"
          "  --noise-var S2   known noise variance sigma^2 > 0 (default 1)\n"
          "  --data LIST      comma-separated numbers, e.g. 1,2.5,-0.3 (may be empty)\n"
          "  --json           machine-readable output\n"
          "  -h, --help       this help\n\n"
          "Exit: 0 ok, 2 bad arguments (non-positive variance, malformed list).\n");
}

/* A positive finite variance from option opt. */
static int parse_var(const char *opt, const char *s, double *out) {
  char *end;
  double v;
  errno = 0;
  v = strtod(s, &end);
  if (end == s || *end != '\0') return mx_cli_usage_error(CMD, "%s: '%s' is not a number", opt, s);
  if (!isfinite(v) && errno != ERANGE)
    return mx_cli_usage_error(CMD, "%s: '%s' is not a finite number", opt, s);
  if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1.0))
    return mx_cli_usage_error(CMD, "%s: '%s' is too large to represent (above 1.8e308)", opt, s);
  if (errno == ERANGE && v == 0.0 && strtod(s, NULL) == 0.0 && strpbrk(s, "123456789"))
    return mx_cli_usage_error(CMD,
                              "%s: '%s' is too small to represent: it underflows to 0 (the "
                              "smallest positive double is 4.9e-324); a variance must be positive",
                              opt, s);
  if (v <= 0.0)
    return mx_cli_usage_error(CMD, "%s: a variance must be positive, got %s", opt, s);
  *out = v;
  return 0;
}

/* Parse "x1,x2,..." into a malloc'd array; on error name the position (1-based). */
static int parse_list(const char *s, double **xs, int *n) {
  size_t len = strlen(s), i, cap = 1;
  double *x;
  int k = 0;
  const char *p = s;
  *xs = NULL;
  *n = 0;
  for (i = 0; i < len; i++)
    if (s[i] == ',') cap++;
  if (cap > 10000000) return mx_cli_usage_error(CMD, "--data: too many values (%zu)", cap);
  /* An empty or all-blank list means no data: the posterior is the prior. */
  while (*p == ' ' || *p == '\t') p++;
  if (*p == '\0') return 0;
  x = malloc(cap * sizeof *x);
  if (!x) {
    fprintf(stderr, "mixscope %s: out of memory\n", CMD);
    return 1;
  }
  p = s;
  for (;;) {
    char *end;
    const char *q = p;
    size_t itemlen = strcspn(p, ",");
    double v;
    while (*q == ' ' || *q == '\t') q++;
    errno = 0;
    v = strtod(q, &end);
    while (*end == ' ' || *end == '\t') end++;
    if (q == p + itemlen || end == q || end != p + itemlen || errno == ERANGE || !isfinite(v)) {
      int shown = (int)(itemlen > 40 ? 40 : itemlen);
      if (itemlen == 0 || q == p + itemlen)
        mx_cli_usage_error(CMD, "--data: value %d is empty (in '%s')", k + 1, s);
      else
        mx_cli_usage_error(CMD, "--data: value %d ('%.*s') is not a finite number", k + 1, shown, p);
      free(x);
      return 2;
    }
    x[k++] = v;
    if (p[itemlen] == '\0') break;
    p += itemlen + 1;
  }
  *xs = x;
  *n = k;
  return 0;
}

static void print_text(const mx_posterior *p, double lm) {
  double a, b2, m, v;
  int i;
  mx_posterior_current(p, &a, &b2);
  printf("prior       mu ~ N(alpha=%.10g, gamma^2=%.10g), noise sigma^2 = %.10g\n", p->alpha,
         p->gamma2, p->sigma2);
  printf("%5s %14s %20s %20s\n", "n", "x_n", "a (post. mean)", "b^2 (post. var)");
  printf("%5d %14s %20.12g %20.12g\n", 0, "-", p->a[0], p->b2[0]);
  for (i = 0; i < p->n; i++) printf("%5d %14.8g %20.12g %20.12g\n", i + 1, p->x[i], p->a[i + 1], p->b2[i + 1]);
  printf("1/b^2 = 1/gamma^2 + n/sigma^2 = %.10g + %d/%.10g = %.12g  ->  b^2 = %.12g\n",
         1.0 / p->gamma2, p->n, p->sigma2, 1.0 / b2, b2);
  printf("a = b^2 (alpha/gamma^2 + sum x/sigma^2) = %.12g * (%.10g + %.10g) = %.12g\n", b2,
         p->alpha / p->gamma2, mx_posterior_sum_over(p, p->sigma2), a);
  if (mx_posterior_likelihood(p, &m, &v) == MX_OK)
    printf("likelihood in mu: N(xbar=%.12g, sigma^2/n=%.12g); prior weight w = %.12g\n", m, v,
           mx_posterior_prior_weight(p));
  mx_posterior_predictive(p, &m, &v);
  printf("predictive x* ~ N(%.12g, %.12g); log p(x_1..n) = %.12g\n", m, v, lm);
}

/* The log marginal (centred form) into *lm; exit 2 when it or the posterior
 * cannot be represented as a double, rather than print a wrong finite number. */
static int check_representable(const mx_posterior *p, double *lm) {
  mx_error err;
  double a, b2;
  mx_error_clear(&err);
  mx_posterior_current(p, &a, &b2);
  if (!isfinite(a))
    return mx_cli_usage_error(CMD, "the posterior mean cannot be represented as a double");
  if (!(b2 > 0.0))
    return mx_cli_usage_error(CMD,
                              "the posterior variance sigma^2 gamma^2/(sigma^2 + n gamma^2) "
                              "underflows to 0 (below 4.9e-324): it cannot be represented; use a "
                              "larger --noise-var or --prior-var");
  if (mx_posterior_log_marginal(p, lm, &err) != MX_OK)
    return mx_cli_usage_error(CMD, "%s; the options cannot give a printable answer", err.msg);
  return 0;
}

static cJSON *mean_var(double m, double v) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "mean", mx_json_number(m));
  cJSON_AddItemToObject(o, "var", mx_json_number(v));
  return o;
}

static int print_json(const mx_posterior *p, double lm) {
  cJSON *root = cJSON_CreateObject(), *seq;
  double a, b2, m, v;
  int i;
  if (!root) return 1;
  mx_posterior_current(p, &a, &b2);
  cJSON_AddItemToObject(root, "prior", mean_var(p->alpha, p->gamma2));
  cJSON_AddItemToObject(root, "noise_var", mx_json_number(p->sigma2));
  cJSON_AddNumberToObject(root, "n", p->n);
  cJSON_AddItemToObject(root, "data", mx_json_numbers(p->x, p->n));
  cJSON_AddItemToObject(root, "posterior", mean_var(a, b2));
  cJSON_AddItemToObject(cJSON_GetObjectItem(root, "posterior"), "precision", mx_json_number(1.0 / b2));
  cJSON_AddItemToObject(root, "prior_weight", mx_json_number(mx_posterior_prior_weight(p)));
  if (mx_posterior_likelihood(p, &m, &v) == MX_OK)
    cJSON_AddItemToObject(root, "likelihood", mean_var(m, v));
  else
    cJSON_AddNullToObject(root, "likelihood");
  mx_posterior_predictive(p, &m, &v);
  cJSON_AddItemToObject(root, "predictive", mean_var(m, v));
  cJSON_AddItemToObject(root, "log_marginal", mx_json_number(lm));
  seq = cJSON_AddArrayToObject(root, "sequence");
  for (i = 0; i < p->n; i++) {
    cJSON *e = cJSON_CreateObject();
    cJSON_AddNumberToObject(e, "n", i + 1);
    cJSON_AddItemToObject(e, "x", mx_json_number(p->x[i]));
    cJSON_AddItemToObject(e, "mean", mx_json_number(p->a[i + 1]));
    cJSON_AddItemToObject(e, "var", mx_json_number(p->b2[i + 1]));
    cJSON_AddItemToArray(seq, e);
  }
  return mx_cli_print_json(root);
}

int mx_cmd_posterior(int argc, char **argv) {
  static const struct option opts[] = {
      {"prior-mean", required_argument, NULL, 'a'}, {"prior-var", required_argument, NULL, 'g'},
      {"noise-var", required_argument, NULL, 's'},  {"data", required_argument, NULL, 'd'},
      {"json", no_argument, NULL, 'j'},             {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  double alpha = 0.0, gamma2 = 1.0, sigma2 = 1.0, *x = NULL, lm = 0.0;
  const char *data = NULL;
  int json = 0, c, n = 0, rc, i;
  mx_posterior *p;
  mx_error err;

  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    switch (c) {
    case 'a':
      if (mx_cli_double(CMD, "--prior-mean", optarg, -1e300, 1e300, &alpha)) return 2;
      break;
    case 'g':
      if (parse_var("--prior-var", optarg, &gamma2)) return 2;
      break;
    case 's':
      if (parse_var("--noise-var", optarg, &sigma2)) return 2;
      break;
    case 'd': data = optarg; break;
    case 'j': json = 1; break;
    case 'h': usage(stdout); return 0;
    case ':': return mx_cli_usage_error(CMD, "option '%s' needs a value", argv[optind - 1]);
    default: return mx_cli_usage_error(CMD, "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) return mx_cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
  if (!data) return mx_cli_usage_error(CMD, "--data is required (comma-separated numbers)");
  if ((rc = parse_list(data, &x, &n)) != 0) return rc;

  p = mx_posterior_alloc(n > 0 ? n : 1, alpha, gamma2, sigma2, &err);
  if (!p) {
    free(x);
    return mx_cli_fail(CMD, &err);
  }
  for (i = 0; i < n; i++)
    if (mx_posterior_push(p, x[i], &err) != MX_OK) {
      mx_posterior_free(p);
      free(x);
      return mx_cli_fail(CMD, &err);
    }
  if ((rc = check_representable(p, &lm)) != 0) {
    mx_posterior_free(p);
    free(x);
    return rc;
  }
  if (json)
    rc = print_json(p, lm);
  else {
    print_text(p, lm);
    rc = fflush(stdout) ? 1 : 0;
  }
  mx_posterior_free(p);
  free(x);
  return rc;
}
