#ifndef PINGSHEN_CNCURSESW_SHIM_H
#define PINGSHEN_CNCURSESW_SHIM_H
/* pkg-config's -D_XOPEN_SOURCE=600 is dropped by SwiftPM, so these defines are what count. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <wchar.h>
#include <langinfo.h>
#include <strings.h>
#include <ncursesw/curses.h>

/* Macros and variables Swift does not import (or imports awkwardly), as static inline functions. */
static inline WINDOW *ps_stdscr(void) { return stdscr; }
static inline int ps_lines(void) { return getmaxy(stdscr); }
static inline int ps_cols(void) { return getmaxx(stdscr); }
static inline int ps_ok(void) { return OK; }
static inline int ps_err(void) { return ERR; }
static inline int ps_key_code_yes(void) { return KEY_CODE_YES; }

/* Reads one key: returns OK (a character in *out), KEY_CODE_YES (a key code in *out) or ERR. */
static inline int ps_get_wch(unsigned int *out) {
    wint_t c = 0;
    int rc = wget_wch(stdscr, &c);
    *out = (unsigned int)c;
    return rc;
}

static inline int ps_mvaddwstr(int y, int x, const wchar_t *s) { return mvwaddwstr(stdscr, y, x, s); }
static inline int ps_move(int y, int x) { return wmove(stdscr, y, x); }
static inline int ps_attrset(unsigned int a) { return wattrset(stdscr, (int)a); }
static inline int ps_timeout(int ms) { wtimeout(stdscr, ms); return OK; }
static inline int ps_keypad(int on) { return keypad(stdscr, on ? TRUE : FALSE); }
static inline int ps_refresh(void) { return wrefresh(stdscr); }
static inline int ps_clearok(int on) { return clearok(stdscr, on ? TRUE : FALSE); }
static inline int ps_erase(void) { return werase(stdscr); }

static inline unsigned int ps_a_normal(void) { return (unsigned int)A_NORMAL; }
static inline unsigned int ps_a_bold(void) { return (unsigned int)A_BOLD; }
static inline unsigned int ps_a_reverse(void) { return (unsigned int)A_REVERSE; }
static inline unsigned int ps_a_underline(void) { return (unsigned int)A_UNDERLINE; }
static inline unsigned int ps_a_dim(void) { return (unsigned int)A_DIM; }
static inline unsigned int ps_color_pair(int n) { return (unsigned int)COLOR_PAIR(n); }
static inline int ps_colors(void) { return COLORS; }
static inline int ps_color_pairs(void) { return COLOR_PAIRS; }

static inline int ps_key_f(int n) { return KEY_F(n); }
static inline int ps_key_resize(void) { return KEY_RESIZE; }
static inline int ps_key_btab(void) { return KEY_BTAB; }
static inline int ps_key_up(void) { return KEY_UP; }
static inline int ps_key_down(void) { return KEY_DOWN; }
static inline int ps_key_left(void) { return KEY_LEFT; }
static inline int ps_key_right(void) { return KEY_RIGHT; }
static inline int ps_key_ppage(void) { return KEY_PPAGE; }
static inline int ps_key_npage(void) { return KEY_NPAGE; }
static inline int ps_key_home(void) { return KEY_HOME; }
static inline int ps_key_end(void) { return KEY_END; }
static inline int ps_key_backspace(void) { return KEY_BACKSPACE; }
static inline int ps_key_dc(void) { return KEY_DC; }
static inline int ps_key_enter(void) { return KEY_ENTER; }
static inline int ps_key_mouse(void) { return KEY_MOUSE; }
/* Mouse (issue 17): a press of the first button and the wheel, reported at once (no click
   interval). Returns nonzero when the terminal can report the mouse. */
static inline int ps_mouse_on(int on) {
    mmask_t old = 0;
    mmask_t want = on ? (BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED) : 0;
    mouseinterval(0);
    return mousemask(want, &old) != 0;
}
/* The pending mouse event: 1 button press, 3 wheel up, 4 wheel down, 0 nothing usable. */
static inline int ps_get_mouse(int *x, int *y) {
    MEVENT e;
    if (getmouse(&e) != OK) return 0;
    *x = e.x; *y = e.y;
    if (e.bstate & BUTTON4_PRESSED) return 3;
    if (e.bstate & BUTTON5_PRESSED) return 4;
    if (e.bstate & BUTTON1_PRESSED) return 1;
    return 0;
}

/* The locale's character set is UTF-8. */
static inline int ps_codeset_is_utf8(void) {
    const char *cs = nl_langinfo(CODESET);
    if (!cs) return 0;
    return (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}
#endif
