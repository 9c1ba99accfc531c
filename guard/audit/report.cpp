#include "audit/report.h"

#include <deque>
#include <fstream>
#include <iomanip>
#include <map>

#include "audit/audit_log.h"
#include "audit/torn_tail.h"

namespace dbguard::audit {
namespace {

std::string str(const nlohmann::json& r, const char* key) {
  return r.contains(key) && r[key].is_string() ? r[key].get<std::string>() : std::string();
}

std::string one_line(std::string s, std::size_t max) {
  for (auto& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (s.size() > max) s = s.substr(0, max) + "…";
  return s;
}

std::string what(const nlohmann::json& r) {
  if (auto c = str(r, "command"); !c.empty()) return c;
  if (auto c = str(r, "sql"); !c.empty()) return c;
  if (auto c = str(r, "input"); !c.empty()) return c;
  return str(r, "reason");  // records that are not decisions (torn-tail-recovered) say what they are
}

template <typename Fn>
void each_record(const std::string& path, Fn fn) {
  for (const auto& file : log_files(path)) {
    std::ifstream in(file, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_object()) fn(j);
    }
  }
}

}  // namespace

std::vector<nlohmann::json> read_records(const std::string& path) {
  std::vector<nlohmann::json> out;
  each_record(path, [&](nlohmann::json& j) { out.push_back(std::move(j)); });
  return out;
}

void print_tail(const std::string& path, std::size_t n, bool denied_only, bool json, std::ostream& out) {
  std::deque<nlohmann::json> last;
  each_record(path, [&](nlohmann::json& j) {
    if (denied_only && str(j, "decision") != "deny") return;
    last.push_back(std::move(j));
    if (last.size() > n) last.pop_front();
  });
  for (const auto& r : last) {
    if (json) {
      out << r.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      continue;
    }
    std::string decision = str(r, "decision");
    if (decision.empty()) decision = str(r, "kind");
    if (r.value("hard", false)) decision += " (hard)";
    std::string rules;
    if (r.contains("rules") && r["rules"].is_array())
      for (const auto& id : r["rules"])
        if (id.is_string()) rules += (rules.empty() ? "" : ",") + id.get<std::string>();
    out << str(r, "time") << "  " << std::left << std::setw(12) << decision << " " << std::setw(34)
        << (rules.empty() ? "-" : rules) << " " << str(r, "tool") << ": " << one_line(what(r), 160) << "\n";
  }
}

void print_stats(const std::string& path, std::ostream& out) {
  std::map<std::string, std::size_t> by_decision, by_rule;
  std::map<std::string, std::map<std::string, std::size_t>> by_day;
  std::size_t total = 0, hard = 0, torn = 0;
  each_record(path, [&](const nlohmann::json& r) {
    ++total;
    if (is_torn_tail_record(r)) ++torn;
    std::string d = str(r, "decision");
    ++by_decision[d];
    if (r.value("hard", false)) ++hard;
    if (r.contains("rules") && r["rules"].is_array())
      for (const auto& id : r["rules"])
        if (id.is_string()) ++by_rule[id.get<std::string>()];
    ++by_day[str(r, "time").substr(0, 10)][d];
  });
  out << total << " records\n";
  if (torn) out << torn << " torn record(s) from a crash recovered (content lost; see `dbguard audit verify`)\n";
  out << "\nby decision:\n";
  for (const char* d : {"allow", "ask", "deny"})
    out << "  " << std::left << std::setw(8) << d << by_decision[d] << (std::string(d) == "deny" && hard ? " (" + std::to_string(hard) + " hard)" : "") << "\n";
  out << "\nby rule:\n";
  std::vector<std::pair<std::size_t, std::string>> rules;
  for (const auto& [id, n] : by_rule) rules.emplace_back(n, id);
  std::sort(rules.begin(), rules.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  if (rules.empty()) out << "  (none)\n";
  for (const auto& [n, id] : rules) out << "  " << std::left << std::setw(40) << id << n << "\n";
  out << "\nby day (UTC):        allow     ask    deny\n";
  for (const auto& [day, counts] : by_day) {
    auto get = [&](const char* k) {
      auto it = counts.find(k);
      return it == counts.end() ? std::size_t{0} : it->second;
    };
    out << "  " << std::left << std::setw(16) << day << std::right << std::setw(8) << get("allow") << std::setw(8)
        << get("ask") << std::setw(8) << get("deny") << "\n";
  }
}

}  // namespace dbguard::audit
