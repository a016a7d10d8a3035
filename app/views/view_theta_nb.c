/* mixscope — the θ view's naive Bayes panel: the ten per-class θ maps, the
 * accuracy and the confusion matrix (state in view_theta_priv.h). */
#include "view_theta_priv.h"

/* ------------------------------------------------------------------ drawing: naive Bayes */

/* The naive Bayes panel's right column: test accuracy and the selected digit. */
static void tv_nb_info(theta_view *t, mx_ui *ui, mx_rect info) {
  const mx_theme *th = mx_ui_theme(ui);
  const mx_images *te = &t->m->test;
  int gap = mx_ui_px(ui, 14), lh = mx_line_height(ui, MX_FONT_BODY);
  int lhS = mx_line_height(ui, MX_FONT_SMALL), lhL = mx_line_height(ui, MX_FONT_LARGE);
  int c;
  char buf[200], a[32], b[32];
  int y = info.y;
  tv_fmt_count(a, sizeof a, t->nbev.correct);
  tv_fmt_count(b, sizeof b, t->nbev.n);
  mx_text_in(ui, (mx_rect){info.x, y, info.w, lh}, MX_FONT_BODY, MX_ALIGN_LEFT, th->text_dim,
             "test accuracy");
  y += lh;
  mx_text(ui, info.x, y, MX_FONT_TITLE, th->good, "%.2f %%", 100.0 * t->nbev.accuracy);
  y += mx_line_height(ui, MX_FONT_TITLE);
  snprintf(buf, sizeof buf, "%s of %s test digits", a, b);
  mx_text_in(ui, (mx_rect){info.x, y, info.w, lh}, MX_FONT_BODY, MX_ALIGN_LEFT, th->text, buf);
  y += lh;
  if (t->nbev.none) {
    snprintf(buf, sizeof buf, "%zu with no class possible (all −inf)", t->nbev.none);
    mx_text_in(ui, (mx_rect){info.x, y, info.w, lh}, MX_FONT_BODY, MX_ALIGN_LEFT, th->bad, buf);
    y += lh;
  }
  mx_text_in(ui, (mx_rect){info.x, y, info.w, lhS}, MX_FONT_SMALL, MX_ALIGN_LEFT, th->text_dim,
             "argmax  log π_c + Σ log p(x_j | θ_cj)");
  y += lhS + gap;
  /* selected digit */
  {
    int s2 = lhL * 3, tx, ty, tw, mw;
    mx_rect dd = {info.x, y, s2, s2};
    int pr = t->nb_digit_pred;
    /* the lines beside the digit, or under it when the column is narrow */
    mx_text_size(ui, MX_FONT_BODY, "margin over 0: 00.0 nats", &mw, NULL);
    tx = dd.x + s2 + gap;
    ty = y;
    if (info.x + info.w - tx < mw) {
      tx = info.x;
      ty = y + s2 + mx_ui_px(ui, 4);
    }
    tw = info.x + info.w - tx;
    mx_draw_gray(ui, &t->tex_digit, t->tex_dirty[TEX_CRAW], dd,
                 te->pix + (size_t)t->digit * t->d, t->cols, t->rows);
    mx_draw_rect_outline(ui, mx_rect_inset(dd, -1), th->border, 1);
    tv_fmt_count(a, sizeof a, (size_t)t->digit);
    snprintf(buf, sizeof buf, "test #%s, label %d", a, te->labels[t->digit]);
    mx_text_in(ui, (mx_rect){tx, ty, tw, lh}, MX_FONT_BODY, MX_ALIGN_LEFT, th->text_dim, buf);
    if (pr == -1) snprintf(buf, sizeof buf, "no class possible");
    else if (pr >= 0) snprintf(buf, sizeof buf, "predicted %d", pr);
    else buf[0] = '\0';
    mx_text_in(ui, (mx_rect){tx, ty + lh, tw, lhL}, MX_FONT_LARGE,
               MX_ALIGN_LEFT, pr == te->labels[t->digit] ? th->good : th->bad, buf);
    if (pr >= -1) {
      double best = -INFINITY;
      int second = -1;
      for (c = 0; c < MX_BERN_NCLASS; c++)
        if (c != pr && t->nb_score[c] > best) {
          best = t->nb_score[c];
          second = c;
        }
      if (pr >= 0 && second >= 0) {
        tv_fmt_num(a, sizeof a, 'f', 1, t->nb_score[pr] - best);
        snprintf(buf, sizeof buf, "margin over %d: %s nats", second, a);
      } else {
        snprintf(buf, sizeof buf, "every class scores −inf");
      }
      mx_text_in(ui, (mx_rect){tx, ty + lh + lhL, tw, lh}, MX_FONT_BODY, MX_ALIGN_LEFT,
                 th->text_dim, buf);
    }
  }
}

/* The θ colour bar in a strip px(52) wide at the right of the class maps
 * (the upper 46 % of r). */
static void tv_nb_colorbar(mx_ui *ui, mx_rect r, int lhS, int gap) {
  mx_rect cb = mx_rect_cut_right(&r, mx_ui_px(ui, 52));
  cb.w = mx_ui_px(ui, 12);
  cb.y += lhS;
  cb.h = r.h * 46 / 100 - 2 * lhS - gap;
  if (cb.h > 4 * lhS) mx_draw_colorbar(ui, cb, MX_CMAP_THETA, 0.0, 1.0, "%.1f");
}

void tv_draw_nb_panel(theta_view *t, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  const mx_images *te = &t->m->test;
  int gap = mx_ui_px(ui, 14);
  int lhS = mx_line_height(ui, MX_FONT_SMALL);
  int cw, k, c, side, ncol, cell, i, p;
  mx_rect grid, low, conf, info;
  char buf[200], a[32];
  if (t->nb_rc != 0) {
    int first = 0;
    while (first < MX_BERN_NCLASS && t->cnt.nc[first]) first++;
    snprintf(buf, sizeof buf, "Per-class θ is undefined for a = b = %g: digit %d has no training "
             "images (0/0).", t->prior, first);
    mx_text_in(ui, r, MX_FONT_LARGE, MX_ALIGN_CENTER, th->bad, buf);
    return;
  }
  /* the ten class maps, two rows of five, and the θ colour bar right of them */
  tv_nb_colorbar(ui, r, lhS, gap);
  r.w -= mx_ui_px(ui, 52);
  cw = (r.w - 4 * gap) / 5;
  k = cw / t->cols;
  i = (r.h * 46 / 100 - 2 * (lhS + gap)) / (2 * t->rows);
  if (i < k) k = i;
  if (k < 1) k = 1;
  side = k * t->cols;
  grid = mx_rect_cut_top(&r, 2 * (k * t->rows + lhS + gap));
  r.w += mx_ui_px(ui, 52); /* the colour bar's strip: below the maps, the full width again */
  for (c = 0; c < MX_BERN_NCLASS; c++) {
    mx_rect d = {grid.x + (c % 5) * (cw + gap) + (cw - side) / 2,
                 grid.y + (c / 5) * (k * t->rows + lhS + gap), side, k * t->rows};
    tv_draw_map(t, ui, TEX_CLASS + c, d, t->nb.theta + (size_t)c * t->d, 0);
    tv_map_hover(t, ui, d, &t->nb, c);
    tv_fmt_count(a, sizeof a, t->cnt.nc[c]);
    {
      char b2[64], b3[16];
      const char *lab[3];
      snprintf(buf, sizeof buf, "%d   ·   %s train", c, a);
      snprintf(b2, sizeof b2, "%d · %s", c, a);
      snprintf(b3, sizeof b3, "%d", c);
      lab[0] = buf;
      lab[1] = b2;
      lab[2] = b3;
      mx_text_fit(ui, (mx_rect){d.x - gap / 2, d.y + d.h + 2, d.w + gap, lhS}, MX_FONT_SMALL,
                  MX_ALIGN_CENTER, c == te->labels[t->digit] ? th->accent : th->text_dim, lab, 3);
    }
  }
  mx_rect_cut_top(&r, gap / 2);
  low = r;
  /* confusion matrix: rows true digit, columns predicted (+ "none" when any).
   * Cells are as wide as the widest count needs, so no number is ever cut. */
  ncol = MX_BERN_NCLASS + (t->nbev.none ? 1 : 0);
  {
    int ch = (low.h - lhS) / (MX_BERN_NCLASS + 1), cwid = low.w * 58 / 100 / (ncol + 1);
    int font = MX_FONT_BODY, need, info_need, most;
    /* the accuracy column keeps the width of its widest line; the cells take
     * the rest, with their counts in the body or small font, or none (the
     * colours stay) when even that does not fit */
    mx_text_size(ui, MX_FONT_BODY, "00,000 of 00,000 test digits", &info_need, NULL);
    most = (low.w - 2 * gap - info_need) / (ncol + 1);
    mx_text_size(ui, MX_FONT_BODY, "8888", &need, NULL);
    if (need + mx_ui_px(ui, 6) > cwid || mx_line_height(ui, MX_FONT_BODY) > ch) {
      font = MX_FONT_SMALL;
      mx_text_size(ui, MX_FONT_SMALL, "8888", &need, NULL);
    }
    if (cwid > ch * 2) cwid = ch * 2;
    if (cwid < need + mx_ui_px(ui, 4)) cwid = need + mx_ui_px(ui, 4);
    if (cwid > most && most > 0) cwid = most;
    if (need + mx_ui_px(ui, 2) > cwid || mx_line_height(ui, MX_FONT_SMALL) > ch) font = -1;
    cell = ch;
    conf = (mx_rect){low.x, low.y + lhS, cwid * (ncol + 1), ch * (MX_BERN_NCLASS + 1)};
    mx_text_in(ui, (mx_rect){conf.x + cwid, low.y, cwid * ncol, lhS}, MX_FONT_SMALL,
               MX_ALIGN_CENTER, th->text_dim, "predicted");
    {
      static const char *const tl[2] = {"true", ""}; /* left out when the column is too narrow */
      mx_text_fit(ui, (mx_rect){conf.x, conf.y, cwid, ch}, MX_FONT_SMALL, MX_ALIGN_CENTER,
                  th->text_dim, tl, 2);
    }
    for (p = 0; p < ncol; p++) {
      snprintf(buf, sizeof buf, p < MX_BERN_NCLASS ? "%d" : "none", p);
      mx_text_in(ui, (mx_rect){conf.x + (p + 1) * cwid, conf.y, cwid, ch},
                 p < MX_BERN_NCLASS && font == MX_FONT_BODY ? MX_FONT_BODY : MX_FONT_SMALL, MX_ALIGN_CENTER,
                 p < MX_BERN_NCLASS ? th->text : th->bad, buf);
    }
    for (c = 0; c < MX_BERN_NCLASS; c++) {
      size_t row_total = t->nbev.none_by_class[c];
      for (p = 0; p < MX_BERN_NCLASS; p++) row_total += t->nbev.confusion[c][p];
      snprintf(buf, sizeof buf, "%d", c);
      mx_text_in(ui, (mx_rect){conf.x, conf.y + (c + 1) * ch, cwid, ch},
                 font == MX_FONT_BODY ? MX_FONT_BODY : MX_FONT_SMALL, MX_ALIGN_CENTER, c == te->labels[t->digit] ? th->accent : th->text, buf);
      for (p = 0; p < ncol; p++) {
        uint32_t v = p < MX_BERN_NCLASS ? t->nbev.confusion[c][p] : t->nbev.none_by_class[c];
        double f = row_total ? (double)v / (double)row_total : 0.0;
        mx_rect cr = {conf.x + (p + 1) * cwid + 1, conf.y + (c + 1) * ch + 1, cwid - 2, ch - 2};
        /* one hue (no red / green), darker with the share of the row; the
         * diagonal (right answers) outlined. sqrt: 1 % of a row still shows */
        mx_color bg = tv_mix(th->panel, (mx_color){0, 114, 178, 255}, v ? 0.15 + 0.85 * sqrt(f) : 0.0);
        mx_draw_rect(ui, cr, bg);
        if (p == c) mx_draw_rect_outline(ui, cr, th->text_dim, 1);
        if (v && font >= 0) {
          /* the theme's text or background colour, whichever stands out on the cell */
          int lb = bg.r * 2 + bg.g * 7 + bg.b, lt = th->text.r * 2 + th->text.g * 7 + th->text.b;
          int lg = th->bg.r * 2 + th->bg.g * 7 + th->bg.b;
          snprintf(buf, sizeof buf, "%u", (unsigned)v);
          mx_text_in(ui, cr, font, MX_ALIGN_CENTER, abs(lt - lb) >= abs(lg - lb) ? th->text : th->bg,
                     buf);
        }
      }
    }
  }
  (void)cell;
  /* accuracy and the selected digit */
  info = (mx_rect){conf.x + conf.w + gap * 2, low.y, low.x + low.w - (conf.x + conf.w + gap * 2),
                   low.h};
  tv_nb_info(t, ui, info);
}
