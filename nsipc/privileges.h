/* What the caller may do, asked of libcap before anything is changed. */
#pragma once

#include "error.h"

/* 0 when the effective set holds CAP_SYS_ADMIN, else -1 and a message. */
int privileges_require_admin (nsipc_error *err);
