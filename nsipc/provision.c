/* Provisioning: the order (limits before objects, every check before any
   change) in one place for run, ns create/apply and the hook. */
#include "provision.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "inventory.h"
#include "limits.h"
#include "objects.h"
#include "util.h"

/* With shm_rmid_forced the kernel removes an unattached segment when its
   creator exits, and the creator of a provisioned segment is us. */
static int
check_rmid_forced (const struct nsipc_policy *policy, bool rmid_forced, nsipc_error *err)
{
  if (!rmid_forced)
    return 0;
  for (size_t i = 0; i < policy->n_objects; i++)
    if (policy->objects[i].type == OBJECT_SHM)
      return nsipc_error_set (err, 0,
                              "objects[%zu]: a provisioned segment cannot outlive nsipc in a namespace with "
                              "kernel.shm_rmid_forced set",
                              i);
  return 0;
}

int
provision_outlives_us (const struct nsipc_policy *policy, nsipc_error *err)
{
  return check_rmid_forced (policy, limits_effective (&policy->limits, LIMIT_SHM_RMID_FORCED), err);
}

int
provision_fresh (const struct nsipc_policy *policy, bool pinned, nsipc_error *err)
{
  if (pinned && provision_outlives_us (policy, err) < 0)
    return -1;
  if (limits_apply (&policy->limits, err) < 0)
    return nsipc_error_prefix (err, "limits");
  return objects_provision (policy, err);
}

int
provision_apply (const struct nsipc_policy *policy, bool own, struct nsipc_problems *conflicts, nsipc_error *err)
{
  uint64_t rmid = policy->limits.value[LIMIT_SHM_RMID_FORCED];
  if (!policy->limits.set[LIMIT_SHM_RMID_FORCED] && limits_read (LIMIT_SHM_RMID_FORCED, &rmid, err) < 0)
    return -1;
  if (check_rmid_forced (policy, rmid, err) < 0)
    return -1;

  _cleanup_free_ struct nsipc_object_state *states = xcalloc (policy->n_objects + 1, sizeof *states);
  if (objects_plan (policy, own, states, conflicts, err) < 0)
    return -1;
  if (conflicts->n > 0)
    return nsipc_error_set (err, 0, "%zu object%s of the policy conflict%s with what exists; nothing was changed",
                            conflicts->n, conflicts->n == 1 ? "" : "s", conflicts->n == 1 ? "s" : "");
  if (own && limits_apply (&policy->limits, err) < 0)
    return nsipc_error_prefix (err, "limits");
  return objects_apply (policy, states, err);
}

/* Every object now in the namespace (POSIX queues with MQUEUE), as ledger
   entries. */
int
provision_snapshot (struct nsipc_ledger_object **list, size_t *n, bool mqueue, nsipc_error *err)
{
  struct nsipc_inventory inv;
  if (inventory_read (&inv, mqueue, err) < 0)
    return -1;
  *list = xcalloc (inv.n + 1, sizeof **list);
  for (size_t i = 0; i < inv.n; i++)
    {
      const struct nsipc_ipc_object *o = &inv.objects[i];
      (*list)[i] = (struct nsipc_ledger_object){ .type = o->type, .id = o->id, .key = o->key, .ctime = o->ctime };
      (*list)[i].name = steal_pointer (&inv.objects[i].name);
    }
  *n = inv.n;
  inventory_free (&inv);
  return 0;
}

/* Of ALL (a snapshot of the System V objects), keeps the policy's, each
   with the policy's label, for audit. */
static void
keep_policy_objects (const struct nsipc_policy *p, struct nsipc_ledger_object *all, size_t *n)
{
  size_t kept = 0;
  for (size_t i = 0; i < *n; i++)
    {
      const struct nsipc_object *mine = NULL;
      for (size_t k = 0; k < p->n_objects && !mine; k++)
        if (p->objects[k].type == all[i].type && p->objects[k].key == all[i].key)
          mine = &p->objects[k];
      if (mine && mine->name)
        all[i].name = xstrdup (mine->name);
      if (mine)
        all[kept++] = all[i];
      else
        free (all[i].name);
    }
  *n = kept;
}

/* The queue NAME as a ledger entry in *O: 1, or 0 when there is none by
   that name. */
static int
find_queue (const char *name, struct nsipc_ledger_object *o, nsipc_error *err)
{
  mqd_t mq = mq_open (name, O_RDONLY | O_CLOEXEC);
  if (mq == (mqd_t)-1 && errno == ENOENT)
    return 0;
  struct stat st;
  if (mq == (mqd_t)-1 || fstat (mq, &st) < 0)
    {
      nsipc_error_set (err, errno, "look up mqueue %s", name);
      if (mq != (mqd_t)-1)
        mq_close (mq);
      return -1;
    }
  mq_close (mq);
  *o = (struct nsipc_ledger_object){ .type = OBJECT_MQUEUE, .ctime = st.st_ctime, .name = xstrdup (name) };
  return 1;
}

int
provision_policy_objects (const struct nsipc_policy *p, struct nsipc_ledger_object **list, size_t *n, nsipc_error *err)
{
  if (provision_snapshot (list, n, false, err) < 0)
    return -1;
  keep_policy_objects (p, *list, n);
  *list = xrealloc (*list, (*n + p->n_objects + 1) * sizeof **list);
  for (size_t i = 0; i < p->n_objects; i++)
    {
      int found = p->objects[i].type == OBJECT_MQUEUE ? find_queue (p->objects[i].name, &(*list)[*n], err) : 0;
      if (found < 0)
        {
          ledger_objects_free (*list, *n);
          *list = NULL, *n = 0;
          return -1;
        }
      *n += found;
    }
  return 0;
}
