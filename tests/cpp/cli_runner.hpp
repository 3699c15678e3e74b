// Runs the real CLI binary (INSCRIRE_CLI) without a shell: any byte, invalid UTF-8 included,
// reaches argv unchanged; `input` is its standard input; stdout, stderr and the exit status are
// captured.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace inscrire::testing {

struct CliRun {
  int status = -1;  // exit status, or 128 + signal
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline CliRun run_cli(const std::vector<std::string>& args, const std::string& input = {}) {
  static std::atomic<int> counter{0};
  const auto base =
      (std::filesystem::temp_directory_path() /
       ("inscrire-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
          .string();
  const auto in_path = base + ".in", out_path = base + ".out", err_path = base + ".err";
  std::ofstream(in_path, std::ios::binary) << input;

  std::vector<std::string> storage{INSCRIRE_CLI};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : storage) argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  CliRun run;
  if (spawned == 0) {
    int wait_status = 0;
    ::waitpid(pid, &wait_status, 0);
    run.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
    run.out = slurp(out_path);
    run.err = slurp(err_path);
  } else {
    ADD_FAILURE() << "cannot run " << INSCRIRE_CLI;
  }
  for (const auto& path : {in_path, out_path, err_path}) std::filesystem::remove(path);
  return run;
}

}  // namespace inscrire::testing
