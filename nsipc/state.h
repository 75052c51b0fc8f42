/* The state directory (DESIGN.md §5): root-only, every file below it reached
   with openat and O_NOFOLLOW, records replaced atomically, changes
   serialised with flock. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

/* A name that may become a file name: [A-Za-z0-9][A-Za-z0-9_.-]{0,MAX-1}. */
bool state_valid_name (const char *name, size_t max);

#define STATE_NAME_MAX 64

/* Opens STATE_DIR/SUB as a directory fd.  With CREATE, makes both (0700) when
   missing.  Refuses a SUB that is a symlink, and a STATE_DIR that others
   may write to. */
int state_open_dir (const char *state_dir, const char *sub, bool create, nsipc_error *err);

/* STATE_DIR/SUB to read the records in, as state_open_dir opens it; -1 when
   there are none to read: STATE_DIR or SUB missing (nothing was ever
   recorded: ERR->status ENOENT), or refused (a state directory others may
   write, a symlink), described in ERR when it is not NULL: createRuntime
   asks for ns/ on every container start, and on most hosts it never
   exists. */
int state_open_records (const char *state_dir, const char *sub, nsipc_error *err);

/* Takes an exclusive flock on DIRFD (released when it is closed). */
int state_lock (int dirfd, nsipc_error *err);
/* The same, shared with other readers: for a join, which writes nothing
   but must not interleave with a delete. */
int state_lock_shared (int dirfd, nsipc_error *err);

/* STATE_DIR itself (made when missing), locked exclusively: the fd, which
   holds the lock until it is closed, or -1.  Held by a container's hook
   from the checks of who else is in a namespace it joins until its first
   ledger shows it: two containers that join one namespace at once must
   each see the other (a sealed one and an unsealed one may not share).
   No other lock is taken on STATE_DIR itself, so it nests with theirs. */
int state_lock_top (const char *state_dir, nsipc_error *err);

/* Both record directories, STATE_DIR/ns and STATE_DIR/containers, locked
   in that order into HELD: writers take one at a time, and record what
   they will make before they make it, so while a reaper holds both no
   record changes and nothing is made that a record does not show.  With
   CREATE they are made when missing; without, a missing one is left -1:
   there is no record in it to hold still (a dry run makes nothing).
   Released by state_release (the flocks go with the fds, so a killed
   holder lets go too). */
int state_hold (const char *state_dir, bool create, int held[2], nsipc_error *err);
void state_release (int held[2]);

/* "NAME.json": the file of a record, a pin's or a container's, by its name. */
void state_record_file (const char *name, char *file, size_t len);

/* Writes J (or LEN bytes of DATA) to DIRFD/FILE through a temporary file
   (.FILE.tmp) and rename; the caller holds the directory's lock. */
int state_write_json (int dirfd, const char *file, json_t *j, nsipc_error *err);
int state_write_file (int dirfd, const char *file, const void *data, size_t len, nsipc_error *err);

/* Reads DIRFD/FILE; NULL with err->status ENOENT when it is missing. */
json_t *state_read_json (int dirfd, const char *file, nsipc_error *err);

/* The record files (NAME.json, not hidden) of DIRFD, sorted; malloc'd.
   How many, or -1 when the directory could not be read through (out of
   file descriptors): a list cut short is never passed for the whole. */
ssize_t state_list_records (int dirfd, char ***files, nsipc_error *err);

/* Removes DIRFD/FILE and a temporary file a killed writer left for it; a
   missing file is not an error. */
int state_remove (int dirfd, const char *file, nsipc_error *err);

/* Removes the temporary files killed writers left in DIRFD (the caller
   holds its lock, as every writer does: any found is a dead one's).
   Returns how many. */
size_t state_sweep_temp (int dirfd);

/* "/proc/self/fd/N": a path that reaches exactly what FD was opened on. */
void state_fd_path (int fd, char buf[32]);
