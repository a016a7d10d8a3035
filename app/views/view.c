#include "view.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const mx_view *const mx_views[] = {
#define MX_VIEW_PTR(name) &mx_view_##name,
  MX_VIEWS(MX_VIEW_PTR)
#undef MX_VIEW_PTR
};
const int mx_nviews = (int)(sizeof mx_views / sizeof mx_views[0]);

const mx_view *mx_view_find(const char *name, int *index) {
  int i;
  for (i = 0; i < mx_nviews; i++)
    if (name && !strcmp(mx_views[i]->name, name)) {
      if (index) *index = i;
      return mx_views[i];
    }
  return NULL;
}

int mx_view_parse_long(const char *s, long lo, long hi, long *out) {
  char *end;
  long x;
  if (!s || !*s) return -1;
  x = strtol(s, &end, 10); /* out of long's range: LONG_MIN / LONG_MAX, outside [lo, hi] */
  if (*end || x < lo || x > hi) return -1;
  *out = x;
  return 0;
}

int mx_view_parse_double(const char *s, double lo, double hi, int bounds, double *out) {
  char *end;
  double x;
  if (!s || !*s) return -1;
  x = strtod(s, &end); /* (an underflow gives 0 or a subnormal, an overflow +-inf) */
  if (*end || !isfinite(x) || x > hi) return -1;
  if (bounds == MX_VIEW_OPEN_LO ? !(x > lo) : x < lo) return -1;
  *out = x;
  return 0;
}

mx_color mx_view_alpha(mx_color c, int a) {
  c.a = (uint8_t)(a < 0 ? 0 : a > 255 ? 255 : a);
  return c;
}
