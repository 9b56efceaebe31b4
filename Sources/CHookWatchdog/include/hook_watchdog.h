#ifndef HPC_OBS_HOOK_WATCHDOG_H
#define HPC_OBS_HOOK_WATCHDOG_H

#include <stddef.h>

/// Arms the hook's last line of defence: when `seconds` have passed, when SIGTERM, SIGINT or
/// SIGHUP arrives, or when the hook itself crashes (a Swift trap: SIGILL or SIGTRAP; SIGSEGV,
/// SIGBUS, SIGFPE, abort()'s SIGABRT), the handler writes the pending event (if any) to the
/// spool and exits 0. It runs on a stack of its own, so a stack overflow is caught too.
/// Written in C because only async-signal-safe calls (open, write, fsync, rename, _exit) may
/// run in a signal handler. SIGPIPE is ignored.
void hpc_watchdog_arm(double seconds);

/// Makes `data` the event the handler spools: `name` in `directory`, written through a
/// temporary file created with O_EXCL | O_NOFOLLOW relative to the directory's descriptor
/// (opened here), mode 0640 so the spool's group can replay it, fsynced, renamed, and the
/// directory fsynced. The bytes are copied. Returns 0, or -1 when the copy cannot be made (too
/// long a path, a `/` in `name`, out of memory), in which case nothing is pending.
int hpc_watchdog_set_pending(const char *directory, const char *name, const unsigned char *data, size_t length);

/// The event was delivered or spooled: the handler now only exits.
void hpc_watchdog_clear_pending(void);

/// Stops the deadline timer, before handing the hook over to another executable with
/// execve (a timer survives execve, and the new image would die of its SIGALRM).
void hpc_watchdog_disarm(void);

/// Replaces this process with `path`, passing `arguments` and `environment` (NULL-terminated).
/// Returns only on failure, with errno set. A shim because Swift cannot name `execve`'s
/// `char *const[]` parameters directly without copying them.
int hpc_exec(const char *path, char *const arguments[], char *const environment[]);

#endif
