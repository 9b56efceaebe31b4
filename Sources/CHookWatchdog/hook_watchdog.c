#include "hook_watchdog.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define PATH_BYTES 4096

static char pending_directory[PATH_BYTES];
static char pending_temp_name[PATH_BYTES];
static char pending_final_name[PATH_BYTES];
static unsigned char *pending_data;
static size_t pending_length;
/// Set with a release store once pending_data and pending_length are written, read with an
/// acquire load by the handler: the handler never sees a half-published event.
static int pending_ready;
/// Exchanged atomically: one thread spools, any other that gets a signal meanwhile waits.
static int handler_running;
/// The spool, opened when the event is set: the handler then works relative to it, as the
/// Swift spool does, so nothing a member of the spool's group plants (a link named like the
/// temporary file) can make it write elsewhere. -1 while the directory does not exist.
static int pending_directory_fd = -1;

static int open_directory(void) {
    return open(pending_directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/// Only async-signal-safe calls: mkdir, open, openat, fchmod, write, fsync, renameat,
/// unlinkat, close.
static void spool_pending(void) {
    int directory_fd = pending_directory_fd;
    if (directory_fd < 0) {
        mkdir(pending_directory, 0700);
        directory_fd = open_directory();
        if (directory_fd < 0) return;
    }
    int fd = openat(directory_fd, pending_temp_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
    if (fd < 0) return;
    fchmod(fd, 0640);
    size_t written = 0;
    while (written < pending_length) {
        ssize_t n = write(fd, pending_data + written, pending_length - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            close(fd);
            unlinkat(directory_fd, pending_temp_name, 0);
            return;
        }
        written += (size_t)n;
    }
    if (fsync(fd) != 0) {
        close(fd);
        unlinkat(directory_fd, pending_temp_name, 0);
        return;
    }
    close(fd);
    if (renameat(directory_fd, pending_temp_name, directory_fd, pending_final_name) != 0) {
        unlinkat(directory_fd, pending_temp_name, 0);
        return;
    }
    fsync(directory_fd);
}

static void on_signal(int signal_number) {
    if (__atomic_exchange_n(&handler_running, 1, __ATOMIC_SEQ_CST)) {
        // Spooling is under way (this thread, or another): let it finish and exit. Only the
        // fallback alarm below ends the hook early, when the disk hangs the write.
        if (signal_number == SIGALRM) _exit(0);
        for (;;) pause();
    }
    alarm(1);
    if (__atomic_load_n(&pending_ready, __ATOMIC_ACQUIRE)) spool_pending();
    _exit(0);
}

/// Gives the calling thread a stack of its own for the handler (a stack overflow leaves none
/// to run it on), once; threads that already have one keep it.
static void protect_this_thread(void) {
    stack_t current;
    if (sigaltstack(NULL, &current) == 0 && !(current.ss_flags & SS_DISABLE)) return;
    static unsigned char main_stack[64 * 1024];
    static int main_stack_taken;
    stack_t stack;
    memset(&stack, 0, sizeof stack);
    stack.ss_size = sizeof main_stack;
    if (!__atomic_exchange_n(&main_stack_taken, 1, __ATOMIC_SEQ_CST)) {
        stack.ss_sp = main_stack;
    } else {
        stack.ss_sp = malloc(stack.ss_size);
        if (stack.ss_sp == NULL) return;
    }
    sigaltstack(&stack, NULL);
}

void hpc_watchdog_arm(double seconds) {
    protect_this_thread();
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    // SA_NODEFER lets the fallback alarm reach a handler stuck in a write; the stopping
    // signals wait while one runs (they would only end the hook, which the handler does).
    action.sa_flags = SA_NODEFER | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    sigaddset(&action.sa_mask, SIGTERM);
    sigaddset(&action.sa_mask, SIGINT);
    sigaddset(&action.sa_mask, SIGHUP);
    // The deadline and the signals that stop a process from outside, and the ones that end it
    // from inside: a Swift trap (SIGILL, SIGTRAP), a bad access (SIGSEGV, SIGBUS), abort().
    // Every one of them spools the pending event and exits 0: slurmd drains a node whose hook
    // exits otherwise, and PBS requeues the job.
    const int signals[] = {SIGALRM, SIGTERM, SIGINT, SIGHUP, SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE};
    for (size_t index = 0; index < sizeof signals / sizeof signals[0]; index++) sigaction(signals[index], &action, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (seconds < 0.001) seconds = 0.001;
    struct itimerval timer;
    memset(&timer, 0, sizeof timer);
    timer.it_value.tv_sec = (time_t)seconds;
    timer.it_value.tv_usec = (suseconds_t)((seconds - (double)timer.it_value.tv_sec) * 1e6);
    setitimer(ITIMER_REAL, &timer, NULL);
}

int hpc_watchdog_set_pending(const char *directory, const char *name, const unsigned char *data, size_t length) {
    protect_this_thread();
    __atomic_store_n(&pending_ready, 0, __ATOMIC_RELEASE);
    if (strchr(name, '/') != NULL) return -1;
    int length_of_directory = snprintf(pending_directory, PATH_BYTES, "%s", directory);
    int temp = snprintf(pending_temp_name, PATH_BYTES, ".watchdog-%ld-%s", (long)getpid(), name);
    int final = snprintf(pending_final_name, PATH_BYTES, "%s", name);
    if (length_of_directory < 0 || length_of_directory >= PATH_BYTES || temp < 0 || temp >= PATH_BYTES || final < 0 || final >= PATH_BYTES) return -1;
    if (pending_directory_fd >= 0) close(pending_directory_fd);
    pending_directory_fd = open_directory();
    unsigned char *copy = malloc(length > 0 ? length : 1);
    if (copy == NULL) return -1;
    memcpy(copy, data, length);
    unsigned char *previous = pending_data;
    pending_data = copy;
    pending_length = length;
    __atomic_store_n(&pending_ready, 1, __ATOMIC_RELEASE);
    free(previous);
    return 0;
}

void hpc_watchdog_clear_pending(void) {
    __atomic_store_n(&pending_ready, 0, __ATOMIC_RELEASE);
}

void hpc_watchdog_disarm(void) {
    struct itimerval timer;
    memset(&timer, 0, sizeof timer);
    setitimer(ITIMER_REAL, &timer, NULL);
}

int hpc_exec(const char *path, char *const arguments[], char *const environment[]) {
    return execve(path, arguments, environment);
}
