/* mixscope — the one switch for the vectorized code paths. */
#ifndef MIXSCOPE_SIMD_H
#define MIXSCOPE_SIMD_H

/* 1 if the environment asks for the portable paths: MX_NO_SIMD set, non-empty
 * and not "0". Modules read it once, when they first choose a path. */
int mx_simd_env_off(void);

#endif
