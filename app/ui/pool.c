/* mixscope — the UI kit's worker pool (see pool.h).
 *
 * Sections: parallel-for (the calling thread and one worker take chunks of
 * the posted job in turn from an atomic counter; the last chunk to finish
 * wakes the caller) · background jobs (one queue, a few workers or the
 * frame's slices). */
#include "pool.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ parallel-for */

static int pool_worker(void *arg);

void mx_pool_start(mx_pool *p, int worker, const char *name) {
  memset(p, 0, sizeof *p);
  if (!worker || SDL_GetCPUCount() < 2) return;
  p->mu = SDL_CreateMutex();
  p->go = SDL_CreateCond();
  p->done = SDL_CreateCond();
  if (p->mu && p->go && p->done) p->thread = SDL_CreateThread(pool_worker, name, p);
}

void mx_pool_stop(mx_pool *p) {
  if (p->thread) {
    SDL_LockMutex(p->mu);
    p->quit = 1;
    SDL_CondSignal(p->go);
    SDL_UnlockMutex(p->mu);
    SDL_WaitThread(p->thread, NULL);
  }
  if (p->done) SDL_DestroyCond(p->done);
  if (p->go) SDL_DestroyCond(p->go);
  if (p->mu) SDL_DestroyMutex(p->mu);
  memset(p, 0, sizeof *p);
}

/* Take chunks of the posted job until none is left (t: 0 the UI thread, 1 the worker). */
static void pool_take(mx_pool *p, mx_pool_fn fn, void *arg, int n, int t) {
  int c;
  while ((c = SDL_AtomicAdd(&p->next, 1)) < n) {
    fn(arg, c, t);
    if (SDL_AtomicAdd(&p->left, -1) == 1 && p->thread) {
      SDL_LockMutex(p->mu);
      SDL_CondSignal(p->done);
      SDL_UnlockMutex(p->mu);
    }
  }
}

static int pool_worker(void *arg) {
  mx_pool *p = arg;
  int seen = 0;
  SDL_LockMutex(p->mu);
  for (;;) {
    mx_pool_fn fn;
    void *a;
    int n;
    while (!p->quit && p->posted == seen) SDL_CondWait(p->go, p->mu);
    if (p->quit) break;
    seen = p->posted;
    fn = p->fn;
    a = p->arg;
    n = p->n;
    p->busy = 1;
    SDL_UnlockMutex(p->mu);
    pool_take(p, fn, a, n, 1);
    SDL_LockMutex(p->mu);
    p->busy = 0;
    SDL_CondSignal(p->done);
  }
  SDL_UnlockMutex(p->mu);
  return 0;
}

void mx_pool_run(mx_pool *p, mx_pool_fn fn, void *arg, int n) {
  if (!p->thread) {
    SDL_AtomicSet(&p->next, 0);
    SDL_AtomicSet(&p->left, n);
    pool_take(p, fn, arg, n, 0);
    return;
  }
  SDL_LockMutex(p->mu);
  while (p->busy) SDL_CondWait(p->done, p->mu); /* still leaving the last job */
  p->fn = fn;
  p->arg = arg;
  p->n = n;
  SDL_AtomicSet(&p->next, 0);
  SDL_AtomicSet(&p->left, n);
  p->posted++;
  SDL_CondSignal(p->go);
  SDL_UnlockMutex(p->mu);
  pool_take(p, fn, arg, n, 0);
  SDL_LockMutex(p->mu);
  while (SDL_AtomicGet(&p->left) > 0) SDL_CondWait(p->done, p->mu);
  SDL_UnlockMutex(p->mu);
}

/* ------------------------------------------------------------------ background jobs */

#define JOBS_WORKERS 2 /* threads taking jobs (1 on a single CPU) */

enum { JOB_QUEUED = 0, JOB_RUNNING, JOB_PARKED, JOB_FINISHED };

struct mx_job {
  mx_job_step_fn step;
  void *ctx;
  int where;     /* JOB_*: in the queue, in a step, idle, done or failed */
  int rc;        /* the last step's return */
  int wake;      /* woken while its step ran */
  int cancel;    /* being cancelled: not run again */
  long steps;
  mx_job *next;  /* in the queue */
};

/* The one pool: its queue (FIFO, round robin: a job goes back to the tail
 * after each step), its workers, its mode. Everything under mu. */
static struct {
  int init, sliced, quit, nthreads, njobs;
  SDL_mutex *mu;
  SDL_cond *work, *stepped; /* a job was queued; a step finished */
  SDL_Thread *thread[JOBS_WORKERS];
  mx_job *head, *tail;
} jobs;

static void jobs_push(mx_job *j) {
  j->where = JOB_QUEUED;
  j->next = NULL;
  if (jobs.tail) jobs.tail->next = j;
  else jobs.head = j;
  jobs.tail = j;
  if (jobs.work) SDL_CondSignal(jobs.work);
}

/* A step finished (no condition variables without threads: nobody waits). */
static void jobs_stepped(void) {
  if (jobs.stepped) SDL_CondBroadcast(jobs.stepped);
}

static void jobs_unlink(mx_job *j) {
  mx_job **pp = &jobs.head, *prev = NULL;
  while (*pp && *pp != j) {
    prev = *pp;
    pp = &(*pp)->next;
  }
  if (!*pp) return;
  *pp = j->next;
  if (jobs.tail == j) jobs.tail = prev;
  j->next = NULL;
}

/* Run one step of j (taken off the queue by the caller, who holds mu and
 * gets it back), then put j where its return says. */
static void jobs_run_step(mx_job *j) {
  int rc;
  j->where = JOB_RUNNING;
  j->wake = 0;
  SDL_UnlockMutex(jobs.mu);
  rc = j->step(j->ctx);
  SDL_LockMutex(jobs.mu);
  j->steps++;
  j->rc = rc;
  if (rc == MX_JOB_MORE || (rc == MX_JOB_IDLE && j->wake)) {
    if (!j->cancel) jobs_push(j);
    else j->where = JOB_PARKED;
  } else {
    j->where = rc == MX_JOB_IDLE ? JOB_PARKED : JOB_FINISHED;
  }
  jobs_stepped();
}

static mx_job *jobs_pop(void) {
  mx_job *j = jobs.head;
  if (j) jobs_unlink(j);
  return j;
}

static int jobs_worker(void *arg) {
  (void)arg;
  SDL_LockMutex(jobs.mu);
  for (;;) {
    mx_job *j;
    while (!jobs.quit && !jobs.head) SDL_CondWait(jobs.work, jobs.mu);
    if (jobs.quit) break;
    j = jobs_pop();
    jobs_run_step(j);
  }
  SDL_UnlockMutex(jobs.mu);
  return 0;
}

/* Join the workers (at exit, or when switching to slices). */
static void jobs_join(void) {
  int i;
  if (!jobs.mu) return;
  SDL_LockMutex(jobs.mu);
  jobs.quit = 1;
  SDL_CondBroadcast(jobs.work);
  SDL_UnlockMutex(jobs.mu);
  for (i = 0; i < jobs.nthreads; i++) SDL_WaitThread(jobs.thread[i], NULL);
  jobs.nthreads = 0;
  jobs.quit = 0;
}

static void jobs_start_threads(void) {
  int i, n = SDL_GetCPUCount() < 2 ? 1 : JOBS_WORKERS;
  for (i = 0; i < n; i++) {
    jobs.thread[jobs.nthreads] = SDL_CreateThread(jobs_worker, "mx-jobs", NULL);
    if (jobs.thread[jobs.nthreads]) jobs.nthreads++;
  }
  if (jobs.nthreads == 0) jobs.sliced = 1; /* no threads: the frame runs the steps */
}

/* Create the lock, pick the mode, start the workers (once). An SDL built
 * without threads (the web build's) has a mutex that does nothing and no
 * condition variables: then slices, and nothing ever waits. */
static int jobs_init(void) {
  if (jobs.init) return 0;
  jobs.mu = SDL_CreateMutex();
  jobs.work = SDL_CreateCond();
  jobs.stepped = SDL_CreateCond();
  if (!jobs.mu) return -1;
  if (!jobs.work || !jobs.stepped) {
    if (jobs.work) SDL_DestroyCond(jobs.work);
    if (jobs.stepped) SDL_DestroyCond(jobs.stepped);
    jobs.work = jobs.stepped = NULL;
    jobs.sliced = 1;
  }
#ifdef __EMSCRIPTEN__
  jobs.sliced = 1;
#else
  {
    const char *env = getenv("MIXSCOPE_JOBS");
    if (env && !strcmp(env, "slices")) jobs.sliced = 1;
  }
#endif
  jobs.init = 1;
  if (!jobs.sliced) jobs_start_threads();
  else if (!jobs.work) jobs.init = 2; /* (no threads possible: stays sliced) */
  atexit(jobs_join);
  return 0;
}

mx_job *mx_job_submit(mx_job_step_fn step, void *ctx) {
  mx_job *j;
  if (jobs_init() != 0) return NULL;
  j = calloc(1, sizeof *j);
  if (!j) return NULL;
  j->step = step;
  j->ctx = ctx;
  j->rc = MX_JOB_MORE;
  SDL_LockMutex(jobs.mu);
  jobs.njobs++;
  jobs_push(j);
  SDL_UnlockMutex(jobs.mu);
  return j;
}

int mx_job_state(mx_job *j) {
  int st;
  SDL_LockMutex(jobs.mu);
  st = j->where == JOB_FINISHED ? j->rc : j->where == JOB_PARKED ? MX_JOB_IDLE : MX_JOB_MORE;
  SDL_UnlockMutex(jobs.mu);
  return st;
}

long mx_job_steps(mx_job *j) {
  long n;
  SDL_LockMutex(jobs.mu);
  n = j->steps;
  SDL_UnlockMutex(jobs.mu);
  return n;
}

void mx_job_wake(mx_job *j) {
  SDL_LockMutex(jobs.mu);
  if (j->where == JOB_PARKED && j->rc == MX_JOB_IDLE && !j->cancel) jobs_push(j);
  else if (j->where == JOB_RUNNING) j->wake = 1;
  SDL_UnlockMutex(jobs.mu);
}

int mx_job_wait(mx_job *j) {
  SDL_LockMutex(jobs.mu);
  while (j->where == JOB_QUEUED || j->where == JOB_RUNNING) {
    if (j->where == JOB_QUEUED) {
      jobs_unlink(j);
      jobs_run_step(j);
    } else {
      SDL_CondWait(jobs.stepped, jobs.mu);
    }
  }
  SDL_UnlockMutex(jobs.mu);
  return mx_job_state(j);
}

void mx_job_cancel(mx_job *j) {
  if (!j) return;
  SDL_LockMutex(jobs.mu);
  j->cancel = 1;
  if (j->where == JOB_QUEUED) jobs_unlink(j);
  while (j->where == JOB_RUNNING) SDL_CondWait(jobs.stepped, jobs.mu);
  if (j->where == JOB_QUEUED) jobs_unlink(j); /* (a step put it back) */
  jobs.njobs--;
  SDL_UnlockMutex(jobs.mu);
  free(j);
}

void mx_jobs_tick(double budget_ms) {
  Uint64 t0, freq = SDL_GetPerformanceFrequency();
  if (!jobs.init || !jobs.sliced) return;
  t0 = SDL_GetPerformanceCounter();
  SDL_LockMutex(jobs.mu);
  while (jobs.head) {
    jobs_run_step(jobs_pop());
    if ((double)(SDL_GetPerformanceCounter() - t0) * 1e3 / (double)freq >= budget_ms) break;
  }
  SDL_UnlockMutex(jobs.mu);
}

int mx_jobs_sliced(void) {
  if (jobs_init() != 0) return 1;
  return jobs.sliced;
}

int mx_jobs_set_sliced(int on) {
  if (jobs_init() != 0) return -1;
  if (jobs.njobs > 0 || (!on && jobs.init == 2)) return -1;
  if (on && !jobs.sliced) {
    jobs_join();
    jobs.sliced = 1;
  } else if (!on && jobs.sliced) {
    jobs.sliced = 0;
    jobs_start_threads();
  }
  return 0;
}
