// `dbguard audit verify|tail|stats`: the audit trail (guard/audit).
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "audit/audit_log.h"
#include "audit/report.h"
#include "audit/verify.h"
#include "cli/commands.h"
#include "policy/context.h"

namespace dbguard::cli {
namespace {

struct AuditOptions {
  std::string path;
  std::string key_file;
  std::size_t n = 20;
  bool denied = false;
  bool json = false;
};

// The log the hook writes for calls made here (policy, DBGUARD_AUDIT_LOG, default).
std::shared_ptr<const policy::Context> here() { return policy::load_context(std::filesystem::current_path().string()); }

std::string log_path(const AuditOptions& o) { return o.path.empty() ? here()->audit.path : o.path; }

void verify(const AuditOptions& o) {
  std::string path = log_path(o);
  std::string key_file = o.key_file.empty() && o.path.empty() ? here()->audit.key_file : o.key_file;
  std::string key, error;
  if (!key_file.empty() && !audit::read_key(key_file, key, error)) {
    std::cerr << "dbguard: " << error << "\n";
    std::exit(1);
  }
  auto r = audit::verify_chain(path, key);
  (r.ok ? std::cout : std::cerr) << audit::describe(r) << "\n";
  std::exit(r.ok ? 0 : 1);
}

}  // namespace

void add_audit(CLI::App& app) {
  auto o = std::make_shared<AuditOptions>();
  auto* cmd = app.add_subcommand("audit", "The audit trail: verify its hash chain, show the last records, count");
  cmd->require_subcommand(1);

  auto* v = cmd->add_subcommand("verify", "Check the hash chain (with rotated files); exit 1 naming the first bad line");
  v->add_option("path", o->path, "the log (default: where the hook writes)");
  v->add_option("--key", o->key_file, "HMAC key file (default: audit.key_file from the policy)");
  v->callback([o] { verify(*o); });

  auto* t = cmd->add_subcommand("tail", "The last records");
  t->add_option("-n", o->n, "how many (default 20)");
  t->add_flag("--denied", o->denied, "only denied calls");
  t->add_flag("--json", o->json, "the records as stored (JSON lines)");
  t->add_option("--log", o->path, "the log (default: where the hook writes)");
  t->callback([o] { audit::print_tail(log_path(*o), o->n, o->denied, o->json, std::cout); });

  auto* s = cmd->add_subcommand("stats", "Counts by decision, by rule and by day");
  s->add_option("--log", o->path, "the log (default: where the hook writes)");
  s->callback([o] { audit::print_stats(log_path(*o), std::cout); });
}

}  // namespace dbguard::cli
