/* mixscope — core's private parallel-for (not installed; for core/src only).
 *
 * mx_par_run(T, fn, ctx) calls fn(ctx, t) for t = 0 .. T-1: t = 0 on the
 * calling thread, the others on threads started for the call and joined
 * before it returns; a share whose thread cannot be started runs on the
 * caller, after share 0, in order. Each caller keeps its own fixed split of
 * the work into shares (gmm_simd.c: 8 chunks, pca.c: T even ranges, bmm.c:
 * ranges on tile boundaries), and each share writes only its own output, so
 * results are bit-identical for any thread count and any timing. */
#ifndef MIXSCOPE_CORE_PARALLEL_H
#define MIXSCOPE_CORE_PARALLEL_H

#define MX_PAR_MAXT 64 /* most shares of one call */

typedef void (*mx_par_fn)(void *ctx, int t);

/* fn(ctx, t) for t = 0 .. T-1 (T clamped to 1 .. MX_PAR_MAXT). */
void mx_par_run(int T, mx_par_fn fn, void *ctx);

#endif
