/* mixscope — the UI kit's worker pool: a parallel-for over chunks shared by
 * the calling (UI) thread and one worker thread, for views whose drawing or
 * statistics split into independent chunks (the GMM view's plot images).
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

#endif
