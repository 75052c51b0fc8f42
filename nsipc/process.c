/* Child process supervision: fork, exec, forward signals, wait. */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
#define N_FORWARDED (sizeof forwarded / sizeof forwarded[0])

/* In the child: give back the dispositions and mask we inherited (a signal
   ignored on entry stays ignored, as a shell would leave it), exec, and on
   failure send errno through the close-on-exec pipe. */
static void __attribute__ ((noreturn))
child_exec (char *const argv[], const struct sigaction *inherited, const sigset_t *old_mask, int report_fd)
{
  for (size_t i = 0; i < N_FORWARDED; i++)
    sigaction (forwarded[i], &inherited[i], NULL);
  sigprocmask (SIG_SETMASK, old_mask, NULL);
  execvp (argv[0], argv);
  int e = errno;
  write_all (report_fd, &e, sizeof e);
  _exit (e == ENOENT ? 127 : 126);
}

static int
wait_forwarding (pid_t pid, const sigset_t *set, int *status)
{
  for (;;)
    {
      siginfo_t info;
      int sig = sigwaitinfo (set, &info);
      if (sig < 0)
        continue;
      if (sig != SIGCHLD)
        {
          kill (pid, sig);
          continue;
        }
      int ws;
      pid_t r = waitpid (pid, &ws, WNOHANG);
      if (r != pid)
        continue;
      *status = WIFEXITED (ws) ? WEXITSTATUS (ws) : 128 + WTERMSIG (ws);
      return 0;
    }
}

int
process_run (char *const argv[], int *status, nsipc_error *err)
{
  sigset_t set, old_mask;
  sigemptyset (&set);
  for (size_t i = 0; i < N_FORWARDED; i++)
    sigaddset (&set, forwarded[i]);
  sigaddset (&set, SIGCHLD);
  sigprocmask (SIG_BLOCK, &set, &old_mask);
  /* An ignored signal is never pending, so sigwaitinfo would not see it:
     we take the default (blocked, so harmless) and the child gets back
     what we inherited. */
  struct sigaction inherited[N_FORWARDED];
  struct sigaction dfl = { .sa_handler = SIG_DFL };
  for (size_t i = 0; i < N_FORWARDED; i++)
    sigaction (forwarded[i], &dfl, &inherited[i]);

  *status = 1;
  int report[2];
  if (pipe2 (report, O_CLOEXEC) < 0)
    return nsipc_error_set (err, errno, "pipe");
  _cleanup_close_ int report_read = report[0];
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (report[1]);
      return nsipc_error_set (err, errno, "fork");
    }
  if (pid == 0)
    child_exec (argv, inherited, &old_mask, report[1]);
  close (report[1]);

  int exec_errno = 0;
  ssize_t n = read (report_read, &exec_errno, sizeof exec_errno);
  wait_forwarding (pid, &set, status);
  sigprocmask (SIG_SETMASK, &old_mask, NULL);
  if (n == sizeof exec_errno)
    return nsipc_error_set (err, exec_errno, "%s", argv[0]);
  return 0;
}
