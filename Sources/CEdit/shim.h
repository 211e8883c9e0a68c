// The thin C boundary over libedit's histedit.h (per-instance EditLine/History,
// BSD licensed; not the readline compatibility layer and its globals).
// el_set, el_get and history are variadic, which Swift cannot call: each use we
// need gets a fixed-signature wrapper here, so the compiler checks every call.
#ifndef OPSSHELL_CEDIT_SHIM_H
#define OPSSHELL_CEDIT_SHIM_H

#include <histedit.h>
#include <stdio.h>

/// The function libedit calls for an EL_ADDFN binding (Tab completion).
typedef unsigned char (*cedit_command_fn)(EditLine *, int);
/// The prompt function: returns the prompt text for this editor.
typedef char *(*cedit_prompt_fn)(EditLine *);

static inline int cedit_set_prompt(EditLine *el, cedit_prompt_fn fn, char literal_marker) {
    // EL_PROMPT_ESC: characters between two markers are printed but take no
    // columns, so colour escapes do not confuse cursor placement.
    return el_set(el, EL_PROMPT_ESC, fn, literal_marker);
}
static inline int cedit_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}
static inline int cedit_set_signal(EditLine *el, int on) {
    return el_set(el, EL_SIGNAL, on);
}
static inline int cedit_set_history(EditLine *el, History *h) {
    return el_set(el, EL_HIST, history, h);
}
static inline int cedit_set_clientdata(EditLine *el, void *data) {
    return el_set(el, EL_CLIENTDATA, data);
}
static inline void *cedit_get_clientdata(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}
static inline int cedit_add_function(EditLine *el, const char *name, const char *help, cedit_command_fn fn) {
    return el_set(el, EL_ADDFN, name, help, fn);
}
static inline int cedit_bind(EditLine *el, const char *key, const char *command) {
    return el_set(el, EL_BIND, key, command, NULL);
}

/// Changes one terminal flag for edit mode only ("setty -d FLAG"), e.g.
/// "-isig" so that ^C reaches the editor as a key instead of a signal.
static inline int cedit_setty_edit_mode(EditLine *el, const char *flag) {
    const char *argv[] = {"setty", "-d", flag, NULL};
    return el_parse(el, 3, argv);
}

static inline int cedit_history_setsize(History *h, int size) {
    HistEvent ev;
    return history(h, &ev, H_SETSIZE, size);
}
static inline int cedit_history_setunique(History *h, int unique) {
    HistEvent ev;
    return history(h, &ev, H_SETUNIQUE, unique);
}
static inline int cedit_history_enter(History *h, const char *line) {
    HistEvent ev;
    return history(h, &ev, H_ENTER, line);
}
static inline int cedit_history_load(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_LOAD, path);
}
static inline int cedit_history_save(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_SAVE, path);
}
/// Walks the history from newest to oldest: first call with `first` = 1.
static inline const char *cedit_history_step(History *h, int first) {
    HistEvent ev;
    if (history(h, &ev, first ? H_FIRST : H_NEXT) < 0) return NULL;
    return ev.str;
}

#endif
