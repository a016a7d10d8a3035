/* mixscope — the UI kit's worker pool: two things.
 *
 * A parallel-for over chunks shared by the calling (UI) thread and one worker
 * thread, for views whose drawing or statistics split into independent chunks
 * (the GMM view's plot images): mx_pool_*.
 *
 * Chunks are taken in turn from a shared counter, so which thread runs which
 * chunk varies; a chunk must write only its own output, and then the result is
 * the same whoever runs it. Without a worker (asked for none, one CPU, no
 * threads at all) mx_pool_run runs every chunk on the caller, in order, before
 * it returns: the synchronous mode a build without threads can use as is. */
#ifndef MIXSCOPE_UI_POOL_H
#define MIXSCOPE_UI_POOL_H

#include <SDL.h>

/* One chunk of a job: fn(arg, chunk, thread), thread 0 the caller, 1 the worker. */
typedef void (*mx_pool_fn)(void *arg, int chunk, int thread);

/* Embed by value; the fields are the pool's own. */
typedef struct mx_pool {
  SDL_Thread *thread;      /* NULL: the caller does everything */
  SDL_mutex *mu;
  SDL_cond *go, *done;
  mx_pool_fn fn;           /* the job posted: fn(arg, c, .) for c = 0..n-1 */
  void *arg;
  int n, posted, busy, quit;
  SDL_atomic_t next, left; /* next chunk to take; chunks not finished */
} mx_pool;

/* Start the pool: a worker thread named name if worker is non-zero and the
 * machine has 2+ CPUs (else, or if the thread cannot start, none). */
void mx_pool_start(mx_pool *p, int worker, const char *name);
/* Join the worker and free everything; the pool is zeroed (safe twice). */
void mx_pool_stop(mx_pool *p);
/* fn(arg, c, t) for c = 0..n-1 on the caller and the worker; returns when all
 * chunks are done. */
void mx_pool_run(mx_pool *p, mx_pool_fn fn, void *arg, int n);

/* Background jobs: mx_job_*, one pool shared by every view (the θ view's
 * histograms, the BMM view's EM, the GMM view's model selection).
 *
 * A job is a step function and its context, written as resumable steps (one
 * EM iteration, one fit, one chunk of images): step(ctx) does one and returns
 * MX_JOB_MORE (call again), MX_JOB_DONE (finished), MX_JOB_IDLE (nothing to
 * do until mx_job_wake) or a negative code (failed). A job's steps run one at
 * a time, in order, never two at once: the numbers are those of calling the
 * steps in a loop, whatever thread runs them.
 *
 * Threads mode (native): worker threads take queued jobs a step at a time,
 * round robin, so the frame never waits for a job. Slice mode (the web build,
 * no threads; natively with MIXSCOPE_JOBS=slices or mx_jobs_set_sliced):
 * mx_jobs_tick, called once a frame by the shell, runs queued steps until its
 * time budget is used, then returns until the next frame.
 *
 * The result is handed back on the UI thread: the owner polls mx_job_state
 * and, once it is MX_JOB_DONE, reads the results from ctx (the pool's lock
 * orders the step's writes before it). Until then ctx belongs to the job, but
 * for what the step publishes under the owner's own lock or atomics. */
enum { MX_JOB_DONE = 0, MX_JOB_MORE = 1, MX_JOB_IDLE = 2 };
typedef int (*mx_job_step_fn)(void *ctx);
typedef struct mx_job mx_job;

/* Queue a job (starting the workers on first use). NULL if out of memory. */
mx_job *mx_job_submit(mx_job_step_fn step, void *ctx);
/* MX_JOB_MORE (queued or running), MX_JOB_IDLE, MX_JOB_DONE, or the
 * negative code a step returned. */
int mx_job_state(mx_job *j);
/* Steps finished so far (progress). */
long mx_job_steps(mx_job *j);
/* An idle job has work again: queue it (or, if a step is running, run it
 * again when that step returns, whatever it returns but DONE or failure). */
void mx_job_wake(mx_job *j);
/* Until the job is done, failed or idle, run its steps on the caller
 * (when it is queued) or wait for the step running (headless renders and
 * tests, which want the result now). Returns mx_job_state. */
int mx_job_wait(mx_job *j);
/* Stop j and free it: no step starts after this, a step running is waited
 * for (so ctx may be freed right after). NULL is fine. */
void mx_job_cancel(mx_job *j);

/* Slice mode: run queued steps for about budget_ms (at least one step if any
 * is queued). Nothing in threads mode. */
void mx_jobs_tick(double budget_ms);
/* Non-zero in slice mode. */
int mx_jobs_sliced(void);
/* Choose the mode (tests); only while no job exists (returns -1 otherwise).
 * Switching to slices joins the workers. */
int mx_jobs_set_sliced(int on);

#endif
