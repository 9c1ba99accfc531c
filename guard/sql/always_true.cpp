#include "sql/always_true.h"

namespace dbguard::sql {
namespace {

using nlohmann::json;

// The node with every "location" removed, so `x = x` compares equal sides.
json strip_locations(const json& j) {
  if (j.is_object()) {
    json out = json::object();
    for (auto it = j.begin(); it != j.end(); ++it)
      if (it.key() != "location") out[it.key()] = strip_locations(it.value());
    return out;
  }
  if (j.is_array()) {
    json out = json::array();
    for (const auto& e : j) out.push_back(strip_locations(e));
    return out;
  }
  return j;
}

bool is_const(const json& n) { return n.is_object() && n.contains("A_Const"); }

bool const_bool(const json& n, bool& value) {
  if (n.contains("A_Const")) {
    const json& c = n["A_Const"];
    if (c.contains("boolval")) {
      const json& b = c["boolval"];
      value = b.is_object() ? b.value("boolval", false) : b.get<bool>();
      return true;
    }
    return false;
  }
  if (n.contains("TypeCast")) {  // 't'::bool, 'true'::boolean
    const json& tc = n["TypeCast"];
    std::string type = tc.dump();
    if (type.find("\"bool\"") == std::string::npos && type.find("\"boolean\"") == std::string::npos) return false;
    if (!tc.contains("arg") || !tc["arg"].contains("A_Const")) return false;
    const json& c = tc["arg"]["A_Const"];
    if (c.contains("sval")) {
      std::string s = c["sval"].value("sval", "");
      for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (s == "t" || s == "true" || s == "yes" || s == "on" || s == "1") { value = true; return true; }
      if (s == "f" || s == "false" || s == "no" || s == "off" || s == "0") { value = false; return true; }
    }
    if (c.contains("boolval")) { value = c["boolval"].value("boolval", false); return true; }
  }
  return false;
}

std::string op_name(const json& expr) {
  if (!expr.contains("name") || !expr["name"].is_array() || expr["name"].empty()) return "";
  const json& last = expr["name"].back();
  if (last.contains("String")) return last["String"].value("sval", last["String"].value("str", ""));
  return "";
}

}  // namespace

bool always_true(const json& node) {
  if (!node.is_object()) return false;
  bool b = false;
  if (const_bool(node, b)) return b;
  if (node.contains("BoolExpr")) {
    const json& be = node["BoolExpr"];
    std::string op = be.value("boolop", "");
    const json& args = be.contains("args") ? be["args"] : json::array();
    if (op == "OR_EXPR") {
      for (const auto& a : args)
        if (always_true(a)) return true;
      return false;
    }
    if (op == "AND_EXPR") {
      if (args.empty()) return false;
      for (const auto& a : args)
        if (!always_true(a)) return false;
      return true;
    }
    if (op == "NOT_EXPR" && !args.empty()) {
      bool v = true;
      return const_bool(args[0], v) && !v;
    }
    return false;
  }
  if (node.contains("A_Expr")) {
    const json& e = node["A_Expr"];
    if (e.value("kind", "") != "AEXPR_OP" || !e.contains("lexpr") || !e.contains("rexpr")) return false;
    std::string op = op_name(e);
    json l = strip_locations(e["lexpr"]), r = strip_locations(e["rexpr"]);
    bool same = l == r;
    if (op == "=" || op == ">=" || op == "<=") return same;
    if ((op == "<>" || op == "!=") && is_const(l) && is_const(r)) return !same;
    return false;
  }
  if (node.contains("NullTest")) {  // NULL IS NULL
    const json& nt = node["NullTest"];
    return nt.value("nulltesttype", "") == "IS_NULL" && nt.contains("arg") && nt["arg"].contains("A_Const") &&
           nt["arg"]["A_Const"].value("isnull", false);
  }
  return false;
}

}  // namespace dbguard::sql
