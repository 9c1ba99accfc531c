#include "packs/rule.h"

namespace dbguard::packs {

const Rule* PackSet::find(std::string_view id) const {
  for (const auto& r : rules)
    if (r.id == id) return &r;
  return nullptr;
}

const Rule* PackSet::find_sql(std::string_view sql_kind) const {
  for (const auto& r : rules)
    if (r.kind == RuleKind::Sql && r.sql_kind == sql_kind) return &r;
  return nullptr;
}

std::shared_ptr<PackSet::Storage>& PackSet::storage() {
  if (storage_.empty()) storage_.push_back(std::make_shared<Storage>());
  return storage_.back();
}

std::string_view PackSet::keep(std::string text) { return storage()->texts.emplace_back(std::move(text)); }

std::span<const std::string_view> PackSet::keep_list(std::vector<std::string_view> list) {
  return storage()->lists.emplace_back(std::move(list));
}

void PackSet::keep_texts_of(const PackSet& other) {
  storage_.insert(storage_.end(), other.storage_.begin(), other.storage_.end());
}

std::span<const std::string_view> PackSet::setting(std::string_view name) const {
  auto it = settings.find(name);
  return it == settings.end() ? std::span<const std::string_view>() : it->second;
}

void PackSet::add_setting(std::string_view name, std::span<const std::string_view> values) {
  auto it = settings.find(name);
  if (it == settings.end()) {
    settings.emplace(keep(std::string(name)), keep_list({values.begin(), values.end()}));
    return;
  }
  std::vector<std::string_view> all(it->second.begin(), it->second.end());
  all.insert(all.end(), values.begin(), values.end());
  it->second = keep_list(std::move(all));
}

const char* to_string(Severity s) { return s == Severity::Hard ? "hard" : "deny"; }

const char* to_string(RuleKind k) {
  switch (k) {
    case RuleKind::Command: return "command";
    case RuleKind::Marker: return "marker";
    case RuleKind::Sql: return "sql";
    case RuleKind::Builtin: return "builtin";
  }
  return "?";
}

}  // namespace dbguard::packs
