/* The orphan rules (DESIGN.md §6) on synthetic objects, with a liveness
   table standing in for /proc. */
#include "census.h"
#include "owners.h"
#include "reaper.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

/* pid -> start time (unix seconds); a pid not listed is dead. */
static const struct
{
  pid_t pid;
  int64_t started;
} procs[] = { { 100, 1000 }, { 200, 5000 } };

static bool
alive (void *ctx, pid_t pid, int64_t since)
{
  (void)ctx;
  for (size_t i = 0; i < sizeof procs / sizeof procs[0]; i++)
    if (procs[i].pid == pid)
      return procs[i].started <= since;
  return false;
}

/* The namespace's processes: two run as uid 1000; one task is blocked in
   msgrcv on queue 7, one in semop on set 9; file (5, 42) is held open. */
static struct nsipc_uid_count uids[] = { { 1000, 2 } };
static struct nsipc_blocked blocked[] = { { OBJECT_MSG, 7, 300, "msgrcv" }, { OBJECT_SEM, 9, 301, "semop" } };
static struct nsipc_evidence evidence = { uids, 1, blocked, 2, 0 };
static struct nsipc_open_file open_files[] = { { 5, 42 } };
static struct nsipc_open_files open = { open_files, 1, true };
static struct nsipc_ledger_object keep[] = { { OBJECT_SHM, 11, 0x700, 0, NULL } };
static struct nsipc_ledger_object before[] = { { OBJECT_MSG, 12, 0x800, 0, NULL } };

static struct nsipc_scene
scene (void)
{
  return (struct nsipc_scene){ .keep = keep,
                               .n_keep = 1,
                               .now = 10000,
                               .min_idle = 30,
                               .evidence = &evidence,
                               .open = &open,
                               .live = { alive, NULL } };
}

static struct nsipc_verdict
judge_in (struct nsipc_ipc_object o, const struct nsipc_sem_detail *sem, const struct nsipc_scene *s)
{
  struct nsipc_verdict v;
  reaper_judge (&o, sem, s, &v);
  return v;
}

static struct nsipc_verdict
judge (struct nsipc_ipc_object o, const struct nsipc_sem_detail *sem)
{
  struct nsipc_scene s = scene ();
  return judge_in (o, sem, &s);
}

#define is_rule(v, r, what) is_str (reaper_rule_name ((v).rule), reaper_rule_name (r), what)

static void
test_scope (void)
{
  struct nsipc_scene s = scene ();
  struct nsipc_verdict v;
  struct nsipc_ipc_object dead_shm = { .type = OBJECT_SHM, .id = 11, .key = 0x700, .cpid = 999, .ctime = 2000 };
  v = judge_in (dead_shm, NULL, &s);
  is_rule (v, RULE_POLICY, "1: an object a policy provisioned is kept, whatever else");
  dead_shm.id = 13;
  v = judge_in (dead_shm, NULL, &s);
  is_rule (v, RULE_ORPHAN, "1: the same key with another id is another object");
  s.preexisting = before;
  s.n_preexisting = 1;
  v = judge_in ((struct nsipc_ipc_object){ .type = OBJECT_MSG, .id = 12, .key = 0x800, .cuid = 4242 }, NULL, &s);
  is_rule (v, RULE_PREEXISTING, "poststop: what existed before the container is out of its scope");
  s.cleanup = CLEANUP_NONE;
  v = judge_in (dead_shm, NULL, &s);
  is_rule (v, RULE_CLEANUP_NONE, "cleanup none keeps everything");
  s = scene ();
  s.blind = "nsipc runs in a child pid namespace";
  v = judge_in (dead_shm, NULL, &s);
  is_rule (v, RULE_PID_NAMESPACE, "8: in a child pid namespace nothing is judged");
  is_str (v.reason, "nsipc runs in a child pid namespace", "and the reason says why");
}

static void
test_shm (void)
{
  struct nsipc_verdict v;
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SHM, .nattch = 2, .cpid = 999 }, NULL);
  is_rule (v, RULE_ATTACHED, "2: attached is kept, whatever the pids");
  is_str (v.reason, "attached 2 times", "and says so");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SHM, .cpid = 0, .ctime = 2000 }, NULL);
  is_rule (v, RULE_UNKNOWN, "8: creator pid 0 (another pid namespace) cannot be judged");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SHM, .cpid = 999, .lpid = 0, .atime = 2000 }, NULL);
  is_rule (v, RULE_UNKNOWN, "8: last user pid 0 with an attach time set cannot be judged");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SHM, .cpid = 100, .ctime = 2000 }, NULL);
  is_rule (v, RULE_LIVE_PID, "2: creator alive since before the last activity");
  is_str (v.reason, "creator pid 100 is alive", "and names the pid");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SHM, .cpid = 200, .ctime = 2000 }, NULL);
  is_rule (v, RULE_ORPHAN, "2: creator pid reused (started after the last activity): orphan");
  is_str (v.reason, "not attached, creator pid 200 gone", "the reason names the creator");
  v = judge (
      (struct nsipc_ipc_object){
          .type = OBJECT_SHM, .cpid = 999, .lpid = 100, .ctime = 900, .atime = 2000, .dtime = 2100 },
      NULL);
  is_rule (v, RULE_LIVE_PID, "2: dead creator, last attacher alive");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SHM, .cpid = 999, .ctime = 2000, .cuid = 1000 }, NULL);
  is_rule (v, RULE_ORPHAN, "6: the creator-uid rule is not for segments, which record their creator");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SHM, .cpid = 999, .ctime = 9990 }, NULL);
  is_rule (v, RULE_RECENT, "7: created 10 s ago, min idle 30: kept");
  is_str (v.reason, "active 10 s ago (min idle 30 s)", "and says how long ago");
  struct nsipc_scene s = scene ();
  s.min_idle = 0;
  v = judge_in ((struct nsipc_ipc_object){ .type = OBJECT_SHM, .cpid = 999, .ctime = 9990 }, NULL, &s);
  is_rule (v, RULE_ORPHAN, "7: with min idle 0 it goes");
}

static void
test_msg (void)
{
  struct nsipc_verdict v;
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_MSG, .id = 7, .cuid = 4242 }, NULL);
  is_rule (v, RULE_BLOCKED, "3: a task blocked in msgrcv on a fresh queue keeps it");
  is_str (v.reason, "blocked msgrcv by pid 300", "and names the call and pid");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_MSG, .lspid = 100, .atime = 3000, .cuid = 4242 }, NULL);
  is_rule (v, RULE_LIVE_PID, "3: last sender alive");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_MSG, .lrpid = 100, .dtime = 3000, .cuid = 4242 }, NULL);
  is_str (v.reason, "last receiver pid 100 is alive", "3: last receiver alive, and says which");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_MSG, .lspid = 0, .atime = 3000, .cuid = 4242 }, NULL);
  is_rule (v, RULE_UNKNOWN, "8: a send by a pid we cannot see");
  v = judge (
      (struct nsipc_ipc_object){
          .type = OBJECT_MSG, .lspid = 200, .lrpid = 999, .atime = 3000, .dtime = 3000, .cuid = 4242 },
      NULL);
  is_rule (v, RULE_ORPHAN, "3: sender pid reused, receiver dead, creator uid absent: orphan");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_MSG, .cuid = 1000 }, NULL);
  is_rule (v, RULE_CREATOR_UID, "6: never used, but its creator's uid runs here (the sysv_ipc server)");
  is_str (v.reason, "creator uid 1000 has 2 processes here", "and says how many");
  struct nsipc_scene s = scene ();
  s.cleanup = CLEANUP_BY_PID;
  v = judge_in ((struct nsipc_ipc_object){ .type = OBJECT_MSG, .cuid = 1000 }, NULL, &s);
  is_rule (v, RULE_ORPHAN, "by-pid drops the creator-uid rule");
  is_str (v.reason, "no live sender, receiver or waiter", "and the reason does not mention it");
  s = scene ();
  struct nsipc_evidence partial = evidence;
  partial.unreadable = 1;
  s.evidence = &partial;
  v = judge_in ((struct nsipc_ipc_object){ .type = OBJECT_MSG, .cuid = 4242 }, NULL, &s);
  is_rule (v, RULE_UNKNOWN, "a process we could not read may be its user");
  s.cleanup = CLEANUP_BY_PID;
  v = judge_in ((struct nsipc_ipc_object){ .type = OBJECT_MSG, .cuid = 4242 }, NULL, &s);
  is_rule (v, RULE_UNKNOWN, "by-pid too: the process we could not read may be blocked on it (rule 3)");
  pid_t no_pid[] = { 0 };
  struct nsipc_sem_detail unused = { no_pid, 1, 0 };
  v = judge_in ((struct nsipc_ipc_object){ .type = OBJECT_SEM, .id = 4, .cuid = 4242 }, &unused, &s);
  is_rule (v, RULE_UNKNOWN, "by-pid too: or on a set");
  v = judge_in ((struct nsipc_ipc_object){ .type = OBJECT_MQUEUE, .cuid = 4242, .dev = 5, .ino = 43 }, NULL, &s);
  is_rule (v, RULE_ORPHAN, "by-pid: a queue's holders are read from the open files, not the unread process");
  s = scene ();
  struct nsipc_evidence unread = { .failed = true };
  s.evidence = &unread;
  v = judge_in ((struct nsipc_ipc_object){ .type = OBJECT_MSG, .cuid = 4242 }, NULL, &s);
  is_rule (v, RULE_UNKNOWN, "the namespace's processes could not be read at all: kept");
  v = judge_in ((struct nsipc_ipc_object){ .type = OBJECT_SHM, .cpid = 999, .cuid = 4242 }, NULL, &s);
  is_rule (v, RULE_ORPHAN, "a segment's rules need no evidence: judged all the same");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_MSG, .cuid = 4242, .ctime = 9999 }, NULL);
  is_rule (v, RULE_RECENT, "7: created a second ago");
}

static void
test_sem (void)
{
  struct nsipc_verdict v;
  pid_t pids[] = { 0, 999, 100 };
  struct nsipc_sem_detail three = { pids, 3, 0 };
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SEM, .id = 3, .cuid = 4242 }, NULL);
  is_rule (v, RULE_UNKNOWN, "a set whose members could not be read is kept");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SEM, .nsems = 3, .atime = 2000, .ctime = 1500, .cuid = 4242 },
             &three);
  is_rule (v, RULE_LIVE_PID, "4: one semaphore's last operator alive");
  pid_t dead[] = { 999 };
  struct nsipc_sem_detail waiting = { dead, 1, 2 };
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SEM, .nsems = 1, .atime = 2000, .cuid = 4242 }, &waiting);
  is_rule (v, RULE_WAITERS, "4: semncnt/semzcnt > 0");
  is_str (v.reason, "2 processes waiting on it", "and counts them");
  struct nsipc_sem_detail one_dead = { dead, 1, 0 };
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SEM, .id = 9, .nsems = 1, .atime = 2000, .cuid = 4242 },
             &one_dead);
  is_rule (v, RULE_BLOCKED, "4: a task blocked in semop on it");
  pid_t reused[] = { 200 };
  struct nsipc_sem_detail one_reused = { reused, 1, 0 };
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SEM, .nsems = 1, .atime = 2000, .ctime = 1500, .cuid = 4242 },
             &one_reused);
  is_rule (v, RULE_ORPHAN, "4: last operator pid reused: orphan");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SEM, .nsems = 1, .ctime = 6000, .cuid = 4242 }, &one_reused);
  is_rule (v, RULE_LIVE_PID, "4: a later ctime (SETVAL by pid 200) makes pid 200 count");
  pid_t none[] = { 0, 0 };
  struct nsipc_sem_detail unseen = { none, 2, 0 };
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SEM, .nsems = 2, .atime = 2000, .cuid = 4242 }, &unseen);
  is_rule (v, RULE_UNKNOWN, "8: operated on, but by no pid we can see");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SEM, .nsems = 1, .atime = 2000, .ctime = 1500, .cuid = 1000 },
             &one_reused);
  is_rule (v, RULE_CREATOR_UID, "6: a SEM_UNDO holder is invisible, its uid is not");
}

static void
test_mqueue (void)
{
  struct nsipc_verdict v;
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_MQUEUE, .name = "/q", .dev = 5, .ino = 42, .cuid = 4242 }, NULL);
  is_rule (v, RULE_OPEN, "5: open by a process");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_MQUEUE, .name = "/q", .dev = 5, .ino = 43, .cuid = 1000 }, NULL);
  is_rule (v, RULE_CREATOR_UID, "6: its owner's uid runs here");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_MQUEUE, .name = "/q", .dev = 5, .ino = 43, .cuid = 4242 }, NULL);
  is_rule (v, RULE_ORPHAN, "5: open by nobody, owner gone: orphan");
  is_str (v.reason, "not open, creator uid has no process here", "and says so");
  struct nsipc_scene s = scene ();
  s.open = NULL;
  v = judge_in ((struct nsipc_ipc_object){ .type = OBJECT_MQUEUE, .name = "/q", .cuid = 4242 }, NULL, &s);
  is_rule (v, RULE_UNKNOWN, "5: without the open files, kept");
}

static void
test_recheck (void)
{
  struct nsipc_ipc_object a
      = { .type = OBJECT_SHM, .key = 0x601, .id = 5, .cpid = 999, .lpid = 998, .atime = 10, .dtime = 11, .ctime = 9 };
  struct nsipc_ipc_object b = a;
  ok (reaper_unchanged (&a, &b), "the same object unchanged");
  b.nattch = 1;
  ok (!reaper_unchanged (&a, &b), "attached meanwhile: changed");
  b = a;
  b.lpid = 1234;
  ok (!reaper_unchanged (&a, &b), "attached and detached within the same second: changed (lpid)");
  b = a;
  b.key = 0x602;
  ok (!reaper_unchanged (&a, &b), "another key: changed");
  b = a;
  b.ctime = 12;
  ok (!reaper_unchanged (&a, &b), "IPC_SET meanwhile: changed");
  struct nsipc_ipc_object q = { .type = OBJECT_MSG, .messages = 1, .atime = 5 }, r = q;
  r.messages = 2;
  ok (!reaper_unchanged (&q, &r), "a message sent meanwhile: changed");
}

static void
test_words (void)
{
  bool all = true;
  for (int r = 0; r < RULE_COUNT; r++)
    all &= reaper_rule_name (r) != NULL && (r == 0 || strcmp (reaper_rule_name (r), reaper_rule_name (r - 1)) != 0);
  ok (all, "every rule has a name");
  enum nsipc_cleanup c;
  ok (policy_cleanup_parse ("owned", &c) && c == CLEANUP_SAFE, "\"owned\" is the old word for \"safe\"");
  ok (policy_cleanup_parse ("by-pid", &c) && c == CLEANUP_BY_PID, "by-pid");
  ok (!policy_cleanup_parse ("all", &c), "an unknown word is refused");
  ok (policy_cleanup_stricter (CLEANUP_SAFE, CLEANUP_BY_PID) == CLEANUP_SAFE, "safe is stricter than by-pid");
  ok (policy_cleanup_stricter (CLEANUP_BY_PID, CLEANUP_NONE) == CLEANUP_NONE, "none is the strictest");
  ok (policy_cleanup_stricter (CLEANUP_BY_PID, CLEANUP_BY_PID) == CLEANUP_BY_PID, "by-pid with by-pid stays");
}

static void
test_evidence (void)
{
  enum nsipc_object_type t;
  int id;
  const char *call;
  char line[128];
  snprintf (line, sizeof line, "%d 0x7 0x7ffd2a 0x40 0x0 0x0 0x0 0x7ffd 0x7f12\n", (int)SYS_msgrcv);
  ok (evidence_parse_syscall (line, &t, &id, &call) && t == OBJECT_MSG && id == 7 && strcmp (call, "msgrcv") == 0,
      "a task in msgrcv on queue 7");
  snprintf (line, sizeof line, "%d 0xffffffff00000009 0x7ffd 0x1 0x0 0x0 0x0 0x1 0x2\n", (int)SYS_semop);
  ok (evidence_parse_syscall (line, &t, &id, &call) && t == OBJECT_SEM && id == 9, "semop: the id is an int");
  ok (!evidence_parse_syscall ("running\n", &t, &id, &call), "a running task blocks nothing");
#ifdef __x86_64__
  /* As a 64-bit kernel shows 32-bit programs' calls (int $0x80). */
  ok (evidence_parse_syscall ("401 0x1 0xff7c 0x40 0x0 0x0 0x0 0xff7c 0xf7f1\n", &t, &id, &call) && t == OBJECT_MSG
          && id == 1 && strcmp (call, "msgrcv") == 0,
      "i386's msgrcv");
  ok (evidence_parse_syscall ("117 0x1000c 0x2 0x40 0x0 0xff7c 0x0 0xff7c 0xf7f1\n", &t, &id, &call) && t == OBJECT_MSG
          && id == 2 && strcmp (call, "msgrcv") == 0,
      "i386's ipc(2) multiplexer: MSGRCV, version 1, on queue 2");
  ok (evidence_parse_syscall ("117 0x1 0x5 0x1 0x0 0xff7c 0x0 0xff7c 0xf7f1\n", &t, &id, &call) && t == OBJECT_SEM
          && id == 5,
      "ipc(2) SEMOP on set 5");
  ok (!evidence_parse_syscall ("117 0x0 0x0 0x0 0x0 0x0 0x0 0x7ffd 0x4011\n", &t, &id, &call),
      "117 with no IPC call in it (x86_64's setresuid)");
  ok (evidence_parse_syscall ("1073741894 0x3 0x7ffd 0x40 0x0 0x0 0x0 0x7ffd 0x4011\n", &t, &id, &call)
          && t == OBJECT_MSG && id == 3,
      "x32's msgrcv");
#endif
  ok (!evidence_parse_syscall ("-1 0x7ffd 0x7f12\n", &t, &id, &call), "a task outside any syscall");
  ok (!evidence_parse_syscall ("0 0x3 0x7ffd 0x400 0x0 0x0 0x0 0x1 0x2\n", &t, &id, &call), "read(2) is no IPC call");
  ok (!evidence_parse_syscall ("", &t, &id, &call), "an empty file");
  uid_t u[4];
  ok (evidence_parse_uids ("Name:\tsh\nUmask:\t0022\nUid:\t1000\t1001\t1002\t1003\nGid:\t0\t0\t0\t0\n", u)
          && u[0] == 1000 && u[3] == 1003,
      "the four uids of a status file");
  ok (!evidence_parse_uids ("Name:\tsh\nGid:\t0\t0\t0\t0\n", u), "no Uid line");
  ok (evidence_parse_threads ("Name:\tsh\nUid:\t0\t0\t0\t0\nThreads:\t1\nSigQ:\t0/63\n") == 1, "one thread");
  ok (evidence_parse_threads ("Name:\tjava\nThreads:\t42\n") == 42, "42 threads: each task is read");
  ok (evidence_parse_threads ("Name:\tsh\nUid:\t0\t0\t0\t0\n") == 0, "no Threads line: each task is read");
  struct nsipc_uid_count two[] = { { 0, 3 }, { 1000, 2 } };
  struct nsipc_evidence ev = { two, 2, blocked, 2, 0 };
  ok (evidence_uid_processes (&ev, 1000) == 2 && evidence_uid_processes (&ev, 5) == 0, "uids are looked up");
  ok (evidence_blocked_on (&ev, OBJECT_SEM, 9) && !evidence_blocked_on (&ev, OBJECT_MSG, 9),
      "blocked tasks are looked up by type and id");
}

int
main (void)
{
  test_scope ();
  test_shm ();
  test_msg ();
  test_sem ();
  test_mqueue ();
  test_recheck ();
  test_words ();
  test_evidence ();

  /* cgroup paths of the runtimes audit knows. */
  char id[80];
  const char *runtime;
  static const char *const hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  char path[256];
  snprintf (path, sizeof path, "/system.slice/docker-%s.scope", hex);
  ok (owners_cgroup_container (path, id, sizeof id, &runtime) && strcmp (id, hex) == 0
          && strcmp (runtime, "docker") == 0,
      "docker-ID.scope is docker's");
  snprintf (path, sizeof path, "/machine.slice/libpod-%s.scope/container", hex);
  ok (!owners_cgroup_container (path, id, sizeof id, &runtime), "only the last path component counts");
  snprintf (path, sizeof path, "/machine.slice/libpod-%s.scope", hex);
  ok (owners_cgroup_container (path, id, sizeof id, &runtime) && strcmp (runtime, "podman") == 0, "libpod is podman");
  snprintf (path, sizeof path, "/machine.slice/libpod-conmon-%s.scope", hex);
  ok (!owners_cgroup_container (path, id, sizeof id, &runtime), "conmon's scope is not the container");
  snprintf (path, sizeof path, "/kubepods.slice/kubepods-burstable.slice/crio-%s.scope", hex);
  ok (owners_cgroup_container (path, id, sizeof id, &runtime) && strcmp (runtime, "crio") == 0, "crio-ID.scope");
  snprintf (path, sizeof path, "/kubepods/besteffort/pod1/cri-containerd-%s.scope", hex);
  ok (owners_cgroup_container (path, id, sizeof id, &runtime) && strcmp (runtime, "containerd") == 0,
      "cri-containerd-ID.scope");
  snprintf (path, sizeof path, "/docker/%s", hex);
  ok (owners_cgroup_container (path, id, sizeof id, &runtime) && strcmp (runtime, "docker") == 0,
      "cgroupfs /docker/ID");
  ok (!owners_cgroup_container ("/user.slice/user-0.slice/session-1.scope", id, sizeof id, &runtime),
      "a session is no container");
  return tap_done ();
}
