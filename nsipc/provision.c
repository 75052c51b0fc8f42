/* Provisioning: the order (limits before objects, every check before any
   change) in one place for run, ns create/apply and the hook. */
#include "provision.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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
provision_fresh (const struct nsipc_policy *policy, bool pinned, nsipc_error *err)
{
  if (pinned && check_rmid_forced (policy, limits_effective (&policy->limits, LIMIT_SHM_RMID_FORCED), err) < 0)
    return -1;
  if (limits_apply (&policy->limits, err) < 0)
    return nsipc_error_prefix (err, "limits");
  return objects_provision (policy, err);
}

int
provision_apply (const struct nsipc_policy *policy, bool with_limits, struct nsipc_problems *conflicts,
                 nsipc_error *err)
{
  uint64_t rmid = policy->limits.value[LIMIT_SHM_RMID_FORCED];
  if (!policy->limits.set[LIMIT_SHM_RMID_FORCED] && limits_read (LIMIT_SHM_RMID_FORCED, &rmid, err) < 0)
    return -1;
  if (check_rmid_forced (policy, rmid, err) < 0)
    return -1;

  _cleanup_free_ struct nsipc_object_state *states = xcalloc (policy->n_objects + 1, sizeof *states);
  if (objects_plan (policy, states, conflicts, err) < 0)
    return -1;
  if (conflicts->n > 0)
    return nsipc_error_set (err, 0, "%zu object%s of the policy conflict with what exists; nothing was changed",
                            conflicts->n, conflicts->n == 1 ? "" : "s");
  if (with_limits && limits_apply (&policy->limits, err) < 0)
    return nsipc_error_prefix (err, "limits");
  return objects_apply (policy, states, err);
}

bool
provision_has_queues (const struct nsipc_policy *p)
{
  for (size_t i = 0; i < p->n_objects; i++)
    if (p->objects[i].type == OBJECT_MQUEUE)
      return true;
  return false;
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

/* Of ALL (a snapshot after provisioning), keeps the policy's objects. */
void
provision_keep_policy_objects (const struct nsipc_policy *p, struct nsipc_ledger_object *all, size_t *n)
{
  size_t kept = 0;
  for (size_t i = 0; i < *n; i++)
    {
      const struct nsipc_object *mine = NULL;
      for (size_t k = 0; k < p->n_objects && !mine; k++)
        if (p->objects[k].type == all[i].type
            && (all[i].type == OBJECT_MQUEUE ? strcmp (p->objects[k].name, all[i].name) == 0
                                             : p->objects[k].key == all[i].key))
          mine = &p->objects[k];
      /* A SysV entry carries the policy's label, for audit. */
      if (mine && mine->type != OBJECT_MQUEUE && mine->name)
        all[i].name = xstrdup (mine->name);
      if (mine)
        all[kept++] = all[i];
      else
        free (all[i].name);
    }
  *n = kept;
}
