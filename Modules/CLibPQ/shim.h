#ifndef HPC_OBS_CLIBPQ_SHIM_H
#define HPC_OBS_CLIBPQ_SHIM_H

#include <libpq-fe.h>

/// Type OIDs from `catalog/pg_type_d.h`, which is a server header not shipped by libpq-dev.
/// Results are read in text format; these tell which columns to parse as numbers.
enum {
    HPC_PG_INT8OID = 20,
    HPC_PG_INT2OID = 21,
    HPC_PG_INT4OID = 23,
    HPC_PG_FLOAT4OID = 700,
    HPC_PG_FLOAT8OID = 701,
    HPC_PG_NUMERICOID = 1700,
};

/// `PG_DIAG_SQLSTATE` is a character-literal macro, which Swift does not import.
enum {
    HPC_PG_DIAG_SQLSTATE = PG_DIAG_SQLSTATE,
};

#endif
