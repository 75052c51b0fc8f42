/* Reads a fixture: one /proc/sysvipc/TYPE file's text, appended to INV. */
#pragma once

#include "inventory.h"

int sysvipc_parse (enum nsipc_object_type type, const char *text, struct nsipc_inventory *inv, nsipc_error *err);
