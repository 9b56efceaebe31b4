#include "nvml_loader.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

// The few NVML types and entry points used, as nvml.h declares them (stable since NVML 5).
typedef struct nvmlDevice_st *nvmlDevice_t;
typedef struct { unsigned int gpu; unsigned int memory; } nvmlUtilization_t;
typedef struct { unsigned long long total; unsigned long long free; unsigned long long used; } nvmlMemory_t;

static int (*nvml_init)(void);
static int (*nvml_device_count)(unsigned int *);
static int (*nvml_device_handle)(unsigned int, nvmlDevice_t *);
static int (*nvml_utilization)(nvmlDevice_t, nvmlUtilization_t *);
static int (*nvml_memory)(nvmlDevice_t, nvmlMemory_t *);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int opened = -1;

static void load(void) {
    void *library = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) return;
    nvml_init = (int (*)(void))dlsym(library, "nvmlInit_v2");
    nvml_device_count = (int (*)(unsigned int *))dlsym(library, "nvmlDeviceGetCount_v2");
    nvml_device_handle = (int (*)(unsigned int, nvmlDevice_t *))dlsym(library, "nvmlDeviceGetHandleByIndex_v2");
    nvml_utilization = (int (*)(nvmlDevice_t, nvmlUtilization_t *))dlsym(library, "nvmlDeviceGetUtilizationRates");
    nvml_memory = (int (*)(nvmlDevice_t, nvmlMemory_t *))dlsym(library, "nvmlDeviceGetMemoryInfo");
    if (!nvml_init || !nvml_device_count || !nvml_device_handle || !nvml_utilization || !nvml_memory) return;
    if (nvml_init() != 0) return;
    opened = 0;
}

int hpc_nvml_open(void) {
    pthread_once(&once, load);
    return opened;
}

int hpc_nvml_device_count(unsigned int *count) {
    if (hpc_nvml_open() != 0) return -1;
    return nvml_device_count(count) == 0 ? 0 : -2;
}

int hpc_nvml_device_usage(unsigned int index, unsigned int *utilization_percent,
                          unsigned long long *memory_used, unsigned long long *memory_total) {
    if (hpc_nvml_open() != 0) return -1;
    nvmlDevice_t device;
    if (nvml_device_handle(index, &device) != 0) return -2;
    nvmlUtilization_t utilization;
    nvmlMemory_t memory;
    if (nvml_utilization(device, &utilization) != 0 || nvml_memory(device, &memory) != 0) return -3;
    *utilization_percent = utilization.gpu;
    *memory_used = memory.used;
    *memory_total = memory.total;
    return 0;
}
