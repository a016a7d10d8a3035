#include "view.h"

#include <string.h>

const mx_view *const mx_views[] = {
#define MX_VIEW_PTR(name) &mx_view_##name,
  MX_VIEWS(MX_VIEW_PTR)
#undef MX_VIEW_PTR
};
const int mx_nviews = (int)(sizeof mx_views / sizeof mx_views[0]);

const mx_view *mx_view_find(const char *name, int *index) {
  int i;
  for (i = 0; i < mx_nviews; i++)
    if (name && !strcmp(mx_views[i]->name, name)) {
      if (index) *index = i;
      return mx_views[i];
    }
  return NULL;
}
