// Merges policy layers over the built-in defaults and enforces the floor:
// user and project files may only add protection; the managed file may also
// remove it; nothing softens a floor rule (hard, guard.*, production.*).
#pragma once

#include <vector>

#include "packs/rule.h"
#include "policy/policy.h"
#include "policy/policy_file.h"

namespace dbguard::policy {

// `layers` in the order managed, user, project (absent layers left out);
// `packs` holds every rule that exists (embedded and extra packs), to check ids.
// Layer errors are carried into the result; rejected entries are reported.
Policy merge_layers(const std::vector<LayerData>& layers, const packs::PackSet& packs);

// Rules no policy can soften.
bool is_floor_rule(const packs::Rule& rule);

}  // namespace dbguard::policy
