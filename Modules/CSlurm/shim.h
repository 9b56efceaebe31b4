#ifndef HPC_OBS_CSLURM_SHIM_H
#define HPC_OBS_CSLURM_SHIM_H

// Debian's libslurm-dev ships no slurm.pc: the header is <slurm/slurm.h> and the library
// -lslurm, both in the default search paths.
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <slurm/slurm.h>
#include <slurm/slurm_errno.h>

// Macros Swift does not import (casts and expressions), as constants.
static const uint32_t HPC_SLURM_NO_VAL = NO_VAL;
static const uint32_t HPC_SLURM_JOB_STATE_BASE = JOB_STATE_BASE;
static const uint32_t HPC_SLURM_JOB_REQUEUE = JOB_REQUEUE;
static const uint32_t HPC_SLURM_JOB_REQUEUE_HOLD = JOB_REQUEUE_HOLD;
static const uint32_t HPC_SLURM_JOB_REQUEUE_FED = JOB_REQUEUE_FED;
static const uint32_t HPC_SLURM_JOB_COMPLETING = JOB_COMPLETING;
static const uint32_t HPC_SLURM_JOB_RESIZING = JOB_RESIZING;
static const int HPC_SLURM_NO_CHANGE_IN_DATA = SLURM_NO_CHANGE_IN_DATA;
static const uint16_t HPC_SLURM_SHOW_ALL = SHOW_ALL;
static const uint16_t HPC_SLURM_SHOW_DETAIL = SHOW_DETAIL;

#endif
