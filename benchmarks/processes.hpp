// Several processes working on one database at once, for the benchmarks of many writers: each
// child opens its own connection, then all start together when the parent says so.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace inscrire::bench {

// Forks `workers` children. Child `worker` calls `open(worker)` (it opens its Service and
// returns the work to do), waits for the start, runs the work and exits; nothing crosses
// fork() but memory, so the parent must hold no open connection. Returns the wall time from
// the start until the last child is done; throws if a child failed.
inline double run_processes(int workers,
                            const std::function<std::function<void()>(int worker)>& open) {
  int start[2];
  if (pipe(start) != 0) throw std::runtime_error("pipe");
  std::vector<pid_t> children;
  for (int worker = 0; worker < workers; ++worker) {
    const pid_t child = fork();
    if (child == 0) {
      {
        const auto work = open(worker);
        char go = 0;
        if (read(start[0], &go, 1) != 1) _exit(1);
        work();
      }  // the Service closes before exiting: the last SQLite connection out checkpoints
      _exit(0);
    }
    children.push_back(child);
  }
  usleep(300000);  // every child has opened its Service
  const auto began = std::chrono::steady_clock::now();
  const std::string go(static_cast<std::size_t>(workers), 'x');
  if (write(start[1], go.data(), go.size()) != static_cast<ssize_t>(go.size())) {
    throw std::runtime_error("write");
  }
  bool failed = false;
  for (const auto child : children) {
    int status = 0;
    waitpid(child, &status, 0);
    failed = failed || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
  }
  close(start[0]);
  close(start[1]);
  if (failed) throw std::runtime_error("a child process failed");
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
}

}  // namespace inscrire::bench
