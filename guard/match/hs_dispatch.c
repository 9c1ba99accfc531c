/* Hyperscan's run-time dispatch, answered from glibc's CPU feature table.

   Debian's libhs is a "fat runtime": each entry point is built once per CPU
   level (core2_, corei7_, avx2_, avx512_, avx512vbmi_) and the public name is
   an IFUNC whose resolver runs `cpuid` twice. A static binary resolves every
   IFUNC it references before main, and on a virtual machine each `cpuid` is a
   VM exit (3.5 us measured here): 16 of them, about 7% of a hook call. glibc
   has already probed the CPU for itself; this file defines the public names as
   plain functions that pick the variant Hyperscan's resolver would pick
   (highest level first) from glibc's table. The linker then takes these
   definitions and never pulls Hyperscan's dispatcher object.

   C, not C++: <sys/platform/x86.h> is a C header (clang++ rejects its _Bool).
   Only built when libhs has the per-level entry points (CMake checks). */
#include "match/hs_dispatch.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/platform/x86.h>

#include <hs/hs.h>

static enum dbguard_hs_level level = DBGUARD_HS_NONE;

/* The checks Hyperscan's resolver makes, as glibc's "active" bits (present on
   the CPU and enabled by the OS: XSAVE state for AVX and AVX-512 included).
   A constructor: glibc's table is filled before any constructor runs, and the
   level is then set before main and any thread. */
__attribute__((constructor)) static void choose_level(void) {
  if (CPU_FEATURE_ACTIVE(AVX512F) && CPU_FEATURE_ACTIVE(AVX512BW) && CPU_FEATURE_ACTIVE(AVX512_VBMI))
    level = DBGUARD_HS_AVX512VBMI;
  else if (CPU_FEATURE_ACTIVE(AVX512F) && CPU_FEATURE_ACTIVE(AVX512BW))
    level = DBGUARD_HS_AVX512;
  else if (CPU_FEATURE_ACTIVE(AVX2))
    level = DBGUARD_HS_AVX2;
  else if (CPU_FEATURE_ACTIVE(SSE4_2) && CPU_FEATURE_ACTIVE(POPCNT))
    level = DBGUARD_HS_COREI7;
  else if (CPU_FEATURE_ACTIVE(SSSE3))
    level = DBGUARD_HS_CORE2;
  else
    level = DBGUARD_HS_NONE;
}

enum dbguard_hs_level dbguard_hs_dispatch_level(void) { return level; }

/* One public name: declares its five variants and picks one per call (a switch
   on the level; the call that follows dwarfs it). */
#define DISPATCHED_HS_NAME(RTYPE, NAME, PARAMS, ARGS) DISPATCHED_HS_AS(, RTYPE, NAME, NAME, PARAMS, ARGS)
/* The same, defining DEFINED (a static helper where the public name does more). */
#define DISPATCHED_HS_AS(STORAGE, RTYPE, NAME, DEFINED, PARAMS, ARGS) \
  RTYPE avx512vbmi_##NAME PARAMS;                              \
  RTYPE avx512_##NAME PARAMS;                                  \
  RTYPE avx2_##NAME PARAMS;                                    \
  RTYPE corei7_##NAME PARAMS;                                  \
  RTYPE core2_##NAME PARAMS;                                   \
  STORAGE RTYPE DEFINED PARAMS {                               \
    switch (level) {                                           \
      case DBGUARD_HS_AVX512VBMI: return avx512vbmi_##NAME ARGS; \
      case DBGUARD_HS_AVX512: return avx512_##NAME ARGS;       \
      case DBGUARD_HS_AVX2: return avx2_##NAME ARGS;           \
      case DBGUARD_HS_COREI7: return corei7_##NAME ARGS;       \
      case DBGUARD_HS_CORE2: return core2_##NAME ARGS;         \
      case DBGUARD_HS_NONE: break;                             \
    }                                                          \
    return (RTYPE)HS_ARCH_ERROR;                               \
  }

/* Every dispatched name the guard and its tests reference; a new one fails the
   link (Hyperscan's dispatcher object would define these a second time). */
DISPATCHED_HS_NAME(hs_error_t, hs_scan,
                   (const hs_database_t* db, const char* data, unsigned length, unsigned flags,
                    hs_scratch_t* scratch, match_event_handler on_event, void* context),
                   (db, data, length, flags, scratch, on_event, context))
DISPATCHED_HS_NAME(hs_error_t, hs_database_size, (const hs_database_t* db, size_t* size), (db, size))
DISPATCHED_HS_NAME(hs_error_t, hs_database_info, (const hs_database_t* db, char** info), (db, info))
DISPATCHED_HS_NAME(hs_error_t, hs_free_database, (hs_database_t* db), (db))
DISPATCHED_HS_NAME(hs_error_t, hs_serialize_database, (const hs_database_t* db, char** bytes, size_t* length),
                   (db, bytes, length))
DISPATCHED_HS_NAME(hs_error_t, hs_deserialize_database_at, (const char* bytes, const size_t length, hs_database_t* db),
                   (bytes, length, db))
DISPATCHED_HS_NAME(hs_error_t, hs_serialized_database_size,
                   (const char* bytes, const size_t length, size_t* deserialized_size),
                   (bytes, length, deserialized_size))
/* Internal names Hyperscan's own common code calls through the dispatcher:
   hs_alloc_scratch checks a database with dbIsValid (magic, version, platform,
   CRC), the compiler stamps the CRC with Crc32c_ComputeBuf. */
DISPATCHED_HS_AS(static, hs_error_t, dbIsValid, checked_dbIsValid, (const hs_database_t* db), (db))

/* The executable's own images, by address (Matcher::adopt_embedded). Atomic: a
   thread may allocate scratch while another adopts. */
static _Atomic(const void*) trusted[2];

int dbguard_hs_trust_database(const void* image) {
  for (size_t i = 0; i < sizeof trusted / sizeof trusted[0]; ++i) {
    const void* none = NULL;
    if (atomic_load(&trusted[i]) == image || atomic_compare_exchange_strong(&trusted[i], &none, image)) return 1;
  }
  return 0;
}

hs_error_t dbIsValid(const hs_database_t* db) {
  for (size_t i = 0; db && i < sizeof trusted / sizeof trusted[0]; ++i)
    if (atomic_load(&trusted[i]) == (const void*)db) return HS_SUCCESS;
  return checked_dbIsValid(db);
}
DISPATCHED_HS_NAME(uint32_t, Crc32c_ComputeBuf, (uint32_t in_crc, const void* buf, size_t length),
                   (in_crc, buf, length))
