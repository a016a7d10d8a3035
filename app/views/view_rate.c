/* mixscope — the run-speed slider of the model views (GMM, BMM, MoE): 1 to 60
 * iterations a second on a log scale, and past its top "as fast as possible"
 * (see view.h). */
#include <math.h>
#include <string.h>

#include "view.h"

int mx_view_rate_slider(mx_ui *ui, mx_rect r, double *rate) {
  if (!(*rate >= 1.0)) *rate = 1.0;
  return mx_slider(ui, r, "run speed", rate, 1.0, MX_RATE_TOP,
                   *rate > MX_RATE_MAX ? "as fast as possible" : "%.0f iterations / s", 1);
}

int mx_view_rate_due(double rate, double *clock, double dt) {
  int n;
  if (rate > MX_RATE_MAX) return -1;
  if (!(rate >= 1.0)) rate = 1.0;
  *clock += dt * rate;
  n = (int)floor(*clock);
  *clock -= n;
  if (n > 8) { /* a long frame (or a stall): no burst to catch up */
    n = 8;
    *clock = 0.0;
  }
  return n;
}

int mx_view_rate_parse(const char *s, double *rate) {
  long x;
  if (s && !strcmp(s, "max")) {
    *rate = MX_RATE_TOP;
    return 0;
  }
  if (mx_view_parse_long(s, 1, (long)MX_RATE_MAX, &x)) return -1;
  *rate = (double)x;
  return 0;
}
