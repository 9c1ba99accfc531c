// Small text helpers shared by stages that look at partly known text.
#pragma once

#include <string>

namespace dbguard {

// True when a text is nothing but run-time expansions ($X, ${X}, $(…)) and
// punctuation: the guard cannot know what it will say.
bool only_placeholders(const std::string& text);

}  // namespace dbguard
