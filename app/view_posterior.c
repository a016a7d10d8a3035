/* PLACEHOLDER — being written; replaced by the real view. */
#include "view.h"

const mx_view mx_view_posterior = {"posterior", "posterior", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
