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

/* A database image that is part of the executable (Matcher::adopt_embedded):
   dbIsValid answers it without recomputing its CRC. By address, so a copy of it
   anywhere else, damaged or not, still gets the full check. At most two (the
   packs' database and the SQL keyword prefilter's); returns 0 when full. */
int dbguard_hs_trust_database(const void* image);

#ifdef __cplusplus
}
#endif
