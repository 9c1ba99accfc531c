// `dbguard policy show` and `validate`: the merged policy with where each
// value came from, and every problem with its file, line and key.
#pragma once

#include <string>

#include "policy/context.h"

namespace dbguard::policy {

std::string render_show(const Context& ctx);

// One line per layer file, then errors and rejected entries. Returns the text;
// `ok` is false when anything is wrong (an error, or an entry ignored).
std::string render_validate(const Context& ctx, bool& ok);

}  // namespace dbguard::policy
