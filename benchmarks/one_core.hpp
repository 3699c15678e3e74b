// The benchmark and a local PostgreSQL server on one core, for as long as a OneCore lives.
//
// Why: a round trip wakes the other process twice. When the scheduler puts the two processes on
// different cores, each wake-up is an inter-processor interrupt; in a virtual machine that is an
// exit to the hypervisor, and on the 2-core VM of docs/benchmarks.md it costs more than the
// statement (a bare SELECT 1 round trip: about 50 us across cores, 7 us on one). Measuring both
// placements in one run separates what a match costs (the library's and the server's work) from
// what the machine charges to cross cores.
//
// The server's processes are the postmaster of the connection's backend and its children, found
// in /proc: the server must run on this machine, and changing another user's processes' affinity
// needs root (or the server's user). Forked afterwards, new backends inherit the postmaster's.
#pragma once

#include <libpq-fe.h>
#include <sched.h>
#include <sys/types.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace inscrire::bench {

class OneCore {
 public:
  // Pins this process and every process of the server `conninfo` names on the core this one
  // runs on. On failure nothing stays pinned and error() says why.
  explicit OneCore(const std::string& conninfo) {
    const pid_t postmaster = postmaster_of(conninfo);
    if (postmaster <= 0) {
      error_ = "the PostgreSQL server's processes are not visible on this machine";
      return;
    }
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu(), &one);
    for (const pid_t pid : with_children(postmaster)) {
      if (!pin(pid, one)) {
        error_ = "cannot set the affinity of the server's process " + std::to_string(pid) +
                 " (root or the server's user is needed)";
        restore();
        return;
      }
    }
    if (!pin(0, one)) {
      error_ = "cannot set this process's affinity";
      restore();
    }
  }
  ~OneCore() { restore(); }
  OneCore(const OneCore&) = delete;
  OneCore& operator=(const OneCore&) = delete;

  const std::string& error() const noexcept { return error_; }

 private:
  // Remembers `pid`'s affinity, then sets `mask`. A process gone meanwhile needs nothing.
  bool pin(pid_t pid, const cpu_set_t& mask) {
    cpu_set_t before;
    if (sched_getaffinity(pid, sizeof before, &before) != 0) return errno == ESRCH;
    if (sched_setaffinity(pid, sizeof mask, &mask) != 0) return false;
    pinned_.emplace_back(pid, before);
    return true;
  }

  void restore() {
    for (const auto& [pid, mask] : pinned_) sched_setaffinity(pid, sizeof mask, &mask);
    pinned_.clear();
  }

  // The parent of the connection's backend, or 0.
  static pid_t postmaster_of(const std::string& conninfo) {
    PGconn* conn = PQconnectdb(conninfo.c_str());
    const pid_t backend = PQstatus(conn) == CONNECTION_OK ? PQbackendPID(conn) : 0;
    PQfinish(conn);
    return backend > 0 ? parent_of(backend) : 0;
  }

  // The parent in /proc/PID/stat: "pid (comm) state ppid ...", comm possibly holding spaces.
  static pid_t parent_of(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return 0;
    const auto comm_end = line.rfind(')');
    if (comm_end == std::string::npos) return 0;
    std::istringstream rest(line.substr(comm_end + 1));
    std::string state;
    pid_t parent = 0;
    rest >> state >> parent;
    return parent;
  }

  static std::vector<pid_t> with_children(pid_t parent) {
    std::vector<pid_t> pids{parent};
    std::error_code ignored;  // processes come and go while /proc is listed
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ignored)) {
      const auto name = entry.path().filename().string();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      const auto pid = static_cast<pid_t>(std::stol(name));
      if (parent_of(pid) == parent) pids.push_back(pid);
    }
    return pids;
  }

  std::vector<std::pair<pid_t, cpu_set_t>> pinned_;
  std::string error_;
};

}  // namespace inscrire::bench
