/* mixscope — core's private parallel-for (see parallel.h). */
#include "parallel.h"

#include <pthread.h>

typedef struct par_share {
  mx_par_fn fn;
  void *ctx;
  int t;
} par_share;

static void *par_share_run(void *arg) {
  const par_share *s = arg;
  s->fn(s->ctx, s->t);
  return NULL;
}

void mx_par_run(int T, mx_par_fn fn, void *ctx) {
  par_share sh[MX_PAR_MAXT];
  pthread_t tid[MX_PAR_MAXT];
  int started[MX_PAR_MAXT], t;
  if (T < 1) T = 1;
  if (T > MX_PAR_MAXT) T = MX_PAR_MAXT;
  for (t = 0; t < T; t++) {
    sh[t].fn = fn;
    sh[t].ctx = ctx;
    sh[t].t = t;
    started[t] = t > 0 && pthread_create(&tid[t], NULL, par_share_run, &sh[t]) == 0;
  }
  par_share_run(&sh[0]);
  for (t = 1; t < T; t++) {
    if (started[t]) pthread_join(tid[t], NULL);
    else par_share_run(&sh[t]); /* its thread could not start: run it here */
  }
}
