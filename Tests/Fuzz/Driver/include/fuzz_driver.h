#ifndef HPC_OBS_FUZZ_DRIVER_H
#define HPC_OBS_FUZZ_DRIVER_H

/// The fuzz executable's entry point: runs libFuzzer's driver over LLVMFuzzerTestOneInput.
int hpc_obs_fuzz_main(int argc, char **argv);

#endif
