/* PLACEHOLDER — being written; replaced by the real view. */
#include "view.h"

const mx_view mx_view_gmm = {"gmm", "gmm", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
