#include "protocol/watchdog.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <time.h>

#include <algorithm>
#include <cerrno>
#include <atomic>

extern char** environ;

namespace dbguard::protocol {
namespace {

// What the handler reads. The pointer is published after the size and cleared
// before it changes, so a handler interrupting the publishing sees either the
// old whole or nothing.
std::atomic<const char*> g_event{nullptr};
std::atomic<std::size_t> g_event_size{0};
std::atomic<char> g_event_kind{'c'};  // what failure_record reads: c, t or f
std::atomic<const char*> g_recorder{nullptr};

struct sigaction g_old_prof, g_old_alarm;

constexpr char kTimeoutMessage[] =
    "dbguard blocked this command (rule guard.timeout).\n"
    "Why: analysing the call took longer than the guard's time budget, so it could not be checked. "
    "The guard fails closed: what it cannot analyse, it blocks.\n"
    "Instead: split the command into smaller, simpler commands.\n";

void write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w <= 0) return;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

void disarm_timers() {
  itimerval zero{};
  ::setitimer(ITIMER_PROF, &zero, nullptr);
  ::setitimer(ITIMER_REAL, &zero, nullptr);
}

// Async-signal-safe only: write, setitimer, memfd_create, lseek, vfork, dup2, execve, waitpid, _exit.
extern "C" void on_expiry(int) {
  write_all(STDERR_FILENO, kTimeoutMessage, sizeof kTimeoutMessage - 1);
  // No second expiry while the record is made.
  disarm_timers();
  if (const char* recorder = g_recorder.load()) {
    int fd = ::memfd_create("dbguard-timeout", MFD_CLOEXEC);
    if (fd >= 0) {
      if (const char* e = g_event.load()) {
        const char kind = g_event_kind.load();
        write_all(fd, &kind, 1);
        write_all(fd, e, g_event_size.load());
      }
      // In a child, so that this process ends with exit 2 whatever becomes of the
      // recorder (vfork: no fork handlers run, and the child only execs).
      if (::lseek(fd, 0, SEEK_SET) == 0) {
        pid_t pid = ::vfork();
        if (pid == 0) {
          char name[] = "dbguard", mode[] = "hook-timeout-record";
          char* argv[] = {name, mode, nullptr};
          if (::dup2(fd, STDIN_FILENO) == STDIN_FILENO) ::execve(recorder, argv, environ);
          ::_exit(2);
        }
        int status = 0;
        while (pid > 0 && ::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
      }
    }
  }
  ::_exit(2);  // the deny stands without its record
}

itimerval after_ms(long ms) {
  itimerval v{};
  v.it_value.tv_sec = ms / 1000;
  v.it_value.tv_usec = (ms % 1000) * 1000;
  return v;
}

long process_cpu_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace

Watchdog::Watchdog(int cpu_budget_ms, int wall_cap_ms) {
  struct sigaction sa {};
  sa.sa_handler = on_expiry;
  sigfillset(&sa.sa_mask);  // one expiry at a time, and nothing else in between
  ::sigaction(SIGPROF, &sa, &g_old_prof);
  ::sigaction(SIGALRM, &sa, &g_old_alarm);
  sigset_t ours;
  sigemptyset(&ours);
  sigaddset(&ours, SIGPROF);
  sigaddset(&ours, SIGALRM);
  ::sigprocmask(SIG_UNBLOCK, &ours, nullptr);
  // The CPU budget counts the process's start-up, as the process's CPU clock does.
  itimerval cpu = after_ms(std::max(1L, cpu_budget_ms - process_cpu_ms()));
  itimerval wall = after_ms(std::max(1, wall_cap_ms));
  ::setitimer(ITIMER_PROF, &cpu, nullptr);
  ::setitimer(ITIMER_REAL, &wall, nullptr);
}

Watchdog::~Watchdog() {
  disarm_timers();
  g_event.store(nullptr);
  ::sigaction(SIGPROF, &g_old_prof, nullptr);
  ::sigaction(SIGALRM, &g_old_alarm, nullptr);
}

void Watchdog::extend(int ms) {
  for (int which : {ITIMER_PROF, ITIMER_REAL}) {
    itimerval v{};
    ::getitimer(which, &v);
    long usec = v.it_value.tv_usec + (ms % 1000) * 1000L;
    v.it_value.tv_sec += ms / 1000 + usec / 1000000;
    v.it_value.tv_usec = usec % 1000000;
    ::setitimer(which, &v, nullptr);
  }
}

namespace {

void publish(char kind, std::string_view bytes) {
  g_event.store(nullptr);
  g_event_size.store(bytes.size());
  g_event_kind.store(kind);
  g_event.store(bytes.data());
}

}  // namespace

void Watchdog::publish_event(std::string_view bytes, bool complete) { publish(complete ? 'c' : 't', bytes); }

void Watchdog::publish_call(std::string_view call_fields_json) { publish('f', call_fields_json); }

void Watchdog::set_recorder(const char* executable) { g_recorder.store(executable); }

}  // namespace dbguard::protocol
