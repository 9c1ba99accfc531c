/* Which of libhs's per-CPU builds the guard calls (match/hs_dispatch.c). C, as
   that file is: glibc's <sys/platform/x86.h> is a C header. */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

/* Hyperscan's fat-runtime levels, highest first. NONE: the CPU lacks SSSE3,
   which every level needs; Hyperscan's calls then fail with HS_ARCH_ERROR. */
enum dbguard_hs_level {
  DBGUARD_HS_AVX512VBMI,
  DBGUARD_HS_AVX512,
  DBGUARD_HS_AVX2,
  DBGUARD_HS_COREI7,
  DBGUARD_HS_CORE2,
  DBGUARD_HS_NONE
};

/* Chosen once, before main, from glibc's CPU feature table (no cpuid of its own). */
enum dbguard_hs_level dbguard_hs_dispatch_level(void);

#ifdef __cplusplus
}
#endif
