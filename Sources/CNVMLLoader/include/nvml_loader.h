#ifndef HPC_OBS_NVML_LOADER_H
#define HPC_OBS_NVML_LOADER_H

/// NVIDIA's management library, loaded with dlopen when it is there: no build dependency, and
/// nodes without GPUs (or without the driver) run the same binary. Each function returns 0
/// on success and a negative number when NVML is missing or a call fails.

/// Loads libnvidia-ml.so.1 and initialises it; safe to call again.
int hpc_nvml_open(void);

/// How many GPUs NVML sees.
int hpc_nvml_device_count(unsigned int *count);

/// A GPU's utilisation (percent of the last sample period) and memory in bytes.
int hpc_nvml_device_usage(unsigned int index, unsigned int *utilization_percent,
                          unsigned long long *memory_used, unsigned long long *memory_total);

#endif
