// Which of libhs's per-CPU builds the guard calls (match/hs_dispatch.cpp).
#pragma once

namespace dbguard {

// Hyperscan's fat-runtime levels, highest first. None: the CPU lacks SSSE3,
// which every level needs; Hyperscan's calls then fail with HS_ARCH_ERROR.
enum class HsLevel { Avx512Vbmi, Avx512, Avx2, Corei7, Core2, None };

// Chosen once, from glibc's CPU feature table (no cpuid of its own).
HsLevel hs_dispatch_level();

}  // namespace dbguard
