/* PLACEHOLDER — being written; replaced by the real view. */
#include "view.h"

const mx_view mx_view_moe = {"moe", "moe", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
