// The standard streams, declared without <iostream>'s start-up. Each file that
// includes <iostream> gets a static std::ios_base::Init, which builds the eight
// standard streams and the classic locale before main: 44 K instructions and
// their pages, 11% of a `dbguard hook` call, which never uses them (it writes with
// stdio). Force-included first in the binary's one translation unit (CMake), so
// that CLI11's own #include <iostream> finds libstdc++'s guard set and adds
// nothing. main() constructs the Init itself before any other subcommand runs.
//
// Elsewhere (another standard library) this is <iostream>, start-up included.
#pragma once

#include <version>  // names the standard library (__GLIBCXX__)

#if defined(__GLIBCXX__) && !defined(_GLIBCXX_IOSTREAM)
#define _GLIBCXX_IOSTREAM 1  // libstdc++'s include guard of <iostream>
#define DBGUARD_STREAMS_MADE_IN_MAIN 1
#include <istream>
#include <ostream>
// The declarations <iostream> makes, without its static ios_base::Init.
namespace std _GLIBCXX_VISIBILITY(default) {
_GLIBCXX_BEGIN_NAMESPACE_VERSION
extern istream cin;
extern ostream cout;
extern ostream cerr;
extern ostream clog;
extern wistream wcin;
extern wostream wcout;
extern wostream wcerr;
extern wostream wclog;
_GLIBCXX_END_NAMESPACE_VERSION
}  // namespace std
#else
#include <iostream>
#endif
