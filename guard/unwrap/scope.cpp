#include "unwrap/scope.h"

namespace dbguard {

const std::string* Scope::value(std::string_view name) const {
  if (!vars_) return nullptr;
  auto it = vars_->known.find(name);
  return it == vars_->known.end() ? nullptr : &it->second;
}

Scope::Variables& Scope::own() {
  if (!vars_) vars_ = std::make_shared<Variables>();
  else if (vars_.use_count() > 1) vars_ = std::make_shared<Variables>(*vars_);
  return *vars_;
}

void Scope::set(const std::string& name, const Arg& value) {
  Variables& v = own();
  if (value.dynamic) {
    v.known.erase(name);
    v.dynamic[name] = value.text;
  } else {
    v.known[name] = value.text;
    v.dynamic.erase(name);
  }
  if (v.exported.count(name)) exported_env_.reset();
}

void Scope::erase(const std::string& name) {
  if (!vars_ || (!vars_->known.count(name) && !vars_->dynamic.count(name))) return;  // nothing to copy for
  Variables& v = own();
  v.known.erase(name);
  v.dynamic.erase(name);
  if (v.exported.count(name)) exported_env_.reset();
}

void Scope::export_name(const std::string& name) {
  if (vars_ && vars_->exported.count(name)) return;
  own().exported.insert(name);
  exported_env_.reset();
}

const SharedEnv& Scope::exported_env() {
  if (!exported_env_) {
    auto env = std::make_shared<Env>();
    if (vars_)
      for (const auto& name : vars_->exported) {
        if (auto it = vars_->known.find(name); it != vars_->known.end()) env->emplace_back(name, Arg{it->second, false});
        else if (auto d = vars_->dynamic.find(name); d != vars_->dynamic.end())
          env->emplace_back(name, Arg{d->second, true});
      }
    exported_env_ = std::move(env);
  }
  return exported_env_;
}

}  // namespace dbguard
