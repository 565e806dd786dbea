/*
 * liblorank-mkl-amd.so: makes the MKL inside libtorch take its Intel code paths on AMD CPUs.
 *
 * MKL asks mkl_serv_intel_cpu_true() whether the CPU is an Intel one and, on AMD, falls back to slower generic
 * kernels although the CPU has the same instruction sets (AVX2, AVX-512). libtorch_cpu.so exports that symbol and
 * calls it through its PLT, so a library loaded with RTLD_GLOBAL before libtorch (io.lorank.engine.Engines does,
 * on AMD only) replaces it. Which kernels MKL then runs is still decided by its CPUID feature checks, so only
 * instructions the CPU reports are used; the golden and operator tests run with it in place.
 *
 * Build (the binary in src/main/resources is exactly this; no compiler is needed to build or run lorank):
 *   gcc -O2 -shared -fPIC -nostdlib -s -Wl,--build-id=none -Wl,-soname,liblorank-mkl-amd.so \
 *       -o src/main/resources/io/lorank/engine/linux-x86_64/liblorank-mkl-amd.so src/main/native/mkl_amd_shim.c
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}
