/* mixscope — the UI kit's worker pool (see pool.h). The calling thread and
 * one worker take chunks of the posted job in turn from an atomic counter;
 * the last chunk to finish wakes the caller. */
#include "pool.h"

#include <string.h>

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
