/* The UI kit's background jobs (app/ui/pool.h): jobs complete with the
 * result of a direct loop, in threads mode and in slice mode alike; cancel
 * stops a job between steps and frees it; idle jobs wake; failures show. The
 * expected sums are computed here by a plain loop and by formula. */
#include "test.h"

#include <SDL.h>

#include "ui/pool.h"

/* Sum of 1 / i for i = 1..n, CHUNK terms a step (order-dependent in
 * floating point: equal bits mean the same order). */
#define CHUNK 1000
typedef struct sum_job {
  long i, n;
  double sum;
  long long isum;
  int sleep_ms; /* per step */
} sum_job;

static int sum_step(void *ctx) {
  sum_job *s = ctx;
  long end = s->i + CHUNK < s->n ? s->i + CHUNK : s->n;
  if (s->sleep_ms) SDL_Delay((Uint32)s->sleep_ms);
  for (; s->i < end; s->i++) {
    s->sum += 1.0 / (double)(s->i + 1);
    s->isum += s->i + 1;
  }
  return s->i < s->n ? MX_JOB_MORE : MX_JOB_DONE;
}

static double direct(long n) {
  double sum = 0;
  long i;
  for (i = 1; i <= n; i++) sum += 1.0 / (double)i;
  return sum;
}

/* Poll as a frame loop would (ticking in slice mode) until not MX_JOB_MORE. */
static int poll_done(mx_job *j, int max_ms) {
  int st, t;
  for (t = 0; t < max_ms; t++) {
    mx_jobs_tick(4.0);
    st = mx_job_state(j);
    if (st != MX_JOB_MORE) return st;
    SDL_Delay(1);
  }
  return MX_JOB_MORE;
}

/* Five jobs at once, polled: each the direct loop's result, to the bit. */
static void test_complete(void) {
  sum_job s[5];
  mx_job *j[5];
  int i;
  for (i = 0; i < 5; i++) {
    memset(&s[i], 0, sizeof s[i]);
    s[i].n = 20000 + 3333 * i;
    j[i] = mx_job_submit(sum_step, &s[i]);
    ASSERT_TRUE(j[i] != NULL);
  }
  for (i = 0; i < 5; i++) {
    ASSERT_INT_EQ(poll_done(j[i], 20000), MX_JOB_DONE);
    ASSERT_TRUE(s[i].sum == direct(s[i].n));
    ASSERT_INT_EQ(s[i].isum, (long long)s[i].n * (s[i].n + 1) / 2);
    ASSERT_INT_EQ(mx_job_steps(j[i]), (s[i].n + CHUNK - 1) / CHUNK);
    mx_job_cancel(j[i]); /* frees a finished job */
  }
}

/* mx_job_wait returns with the job done (helping on the caller). */
static void test_wait(void) {
  sum_job s = {0, 54321, 0, 0, 0};
  mx_job *j = mx_job_submit(sum_step, &s);
  ASSERT_INT_EQ(mx_job_wait(j), MX_JOB_DONE);
  ASSERT_TRUE(s.sum == direct(54321));
  mx_job_cancel(j);
}

/* Cancel: a slow endless job stops between steps; after mx_job_cancel no
 * step runs (its counter stays), and ctx may go. A job cancelled while
 * queued never runs. */
static void test_cancel(void) {
  sum_job *s = calloc(1, sizeof *s), *q = calloc(1, sizeof *q);
  mx_job *j, *k;
  long at;
  s->n = 1L << 40;
  s->sleep_ms = 2;
  q->n = 1L << 40;
  q->sleep_ms = 2;
  j = mx_job_submit(sum_step, s);
  while (mx_job_steps(j) < 3) {
    mx_jobs_tick(4.0);
    SDL_Delay(1);
  }
  mx_job_cancel(j);
  at = s->i;
  SDL_Delay(20);
  mx_jobs_tick(10.0);
  ASSERT_INT_EQ(s->i, at);
  ASSERT_TRUE(at >= 3 * CHUNK);
  free(s);
  if (mx_jobs_sliced()) { /* queued, never ticked */
    k = mx_job_submit(sum_step, q);
    mx_job_cancel(k);
    ASSERT_INT_EQ(q->i, 0);
  }
  free(q);
}

/* A job with nothing to do parks (MX_JOB_IDLE) until woken. */
typedef struct idle_job {
  int pending, done;
} idle_job;

static int idle_step(void *ctx) {
  idle_job *w = ctx;
  if (w->pending == 0) return MX_JOB_IDLE;
  w->pending--;
  w->done++;
  return MX_JOB_MORE;
}

static void test_idle_wake(void) {
  idle_job w = {3, 0};
  mx_job *j = mx_job_submit(idle_step, &w);
  ASSERT_INT_EQ(poll_done(j, 5000), MX_JOB_IDLE);
  ASSERT_INT_EQ(w.done, 3);
  w.pending = 2; /* (the job is parked: nothing else touches w) */
  mx_job_wake(j);
  ASSERT_INT_EQ(poll_done(j, 5000), MX_JOB_IDLE);
  ASSERT_INT_EQ(w.done, 5);
  w.pending = 4;
  mx_job_wake(j);
  ASSERT_INT_EQ(mx_job_wait(j), MX_JOB_IDLE);
  ASSERT_INT_EQ(w.done, 9);
  mx_job_cancel(j);
}

static int fail_step(void *ctx) {
  int *n = ctx;
  return ++*n < 3 ? MX_JOB_MORE : -7;
}

static void test_fail(void) {
  int n = 0;
  mx_job *j = mx_job_submit(fail_step, &n);
  ASSERT_INT_EQ(poll_done(j, 5000), -7);
  ASSERT_INT_EQ(n, 3);
  mx_job_cancel(j);
}

/* Slice mode: nothing runs between ticks; a tick of a 5 ms budget runs a
 * few 2 ms steps, not all of them; the result is the same bits. */
static void test_slices(void) {
  sum_job s = {0, 40000, 0, 0, 2};
  mx_job *j;
  long st;
  j = mx_job_submit(sum_step, &s);
  SDL_Delay(20);
  ASSERT_INT_EQ(mx_job_steps(j), 0);
  mx_jobs_tick(5.0);
  st = mx_job_steps(j);
  ASSERT_TRUE(st >= 1 && st <= 4);
  ASSERT_INT_EQ(poll_done(j, 20000), MX_JOB_DONE);
  ASSERT_TRUE(s.sum == direct(40000));
  mx_job_cancel(j);
}

static void run_all(void) {
  test_complete();
  test_wait();
  test_cancel();
  test_idle_wake();
  test_fail();
}

int main(void) {
  /* threads mode (unless MIXSCOPE_JOBS=slices), then slice mode */
  ASSERT_INT_EQ(mx_jobs_set_sliced(0), 0);
  ASSERT_INT_EQ(mx_jobs_sliced(), 0);
  run_all();
  ASSERT_INT_EQ(mx_jobs_set_sliced(1), 0);
  ASSERT_INT_EQ(mx_jobs_sliced(), 1);
  run_all();
  test_slices();
  TEST_MAIN_END();
}
