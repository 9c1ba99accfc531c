#include "sql/always_true.h"

#include <cstdlib>
#include <optional>
#include <string>

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

// A constant the WHERE clause holds: a number, a string or a boolean (libpg_query 15
// writes a negative integer constant as an empty ival, read as 0). Comparing
// two of them is decided before a row is read, so `1 < 2` deletes every row.
struct Value {
  enum class Kind { Number, String, Bool } kind;
  double number = 0;
  std::string text;
  bool boolean = false;
};

// libpg_query spells a field either {"ival": {"ival": 1}} or {"ival": 1}; a zero
// or false value is an empty object.
const json& inner(const json& c, const char* key) {
  static const json none;
  const json& f = c[key];
  if (f.is_object()) return f.contains(key) ? f[key] : none;
  return f;
}

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::optional<double> as_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0') return std::nullopt;
  return d;
}

std::optional<bool> as_bool_text(const std::string& text) {
  std::string s = lower(text);
  if (s == "t" || s == "true" || s == "yes" || s == "y" || s == "on" || s == "1") return true;
  if (s == "f" || s == "false" || s == "no" || s == "n" || s == "off" || s == "0") return false;
  return std::nullopt;
}

std::string op_name(const json& expr) {
  if (!expr.contains("name") || !expr["name"].is_array() || expr["name"].empty()) return "";
  const json& last = expr["name"].back();
  if (last.contains("String")) return last["String"].value("sval", last["String"].value("str", ""));
  return "";
}

std::string cast_type(const json& tc) {
  if (!tc.contains("typeName") || !tc["typeName"].contains("names")) return "";
  const json& names = tc["typeName"]["names"];
  if (!names.is_array() || names.empty() || !names.back().contains("String")) return "";
  return lower(names.back()["String"].value("sval", ""));
}

std::optional<Value> constant(const json& n) {
  if (!n.is_object()) return std::nullopt;
  if (n.contains("A_Const")) {
    const json& c = n["A_Const"];
    if (c.contains("boolval")) {
      const json& b = inner(c, "boolval");
      return Value{Value::Kind::Bool, 0, "", b.is_boolean() && b.get<bool>()};
    }
    if (c.contains("ival")) {
      const json& i = inner(c, "ival");
      return Value{Value::Kind::Number, i.is_number() ? i.get<double>() : 0.0, "", false};
    }
    if (c.contains("fval")) {
      const json& f = inner(c, "fval");
      auto d = as_number(f.is_string() ? f.get<std::string>() : "0");
      if (d) return Value{Value::Kind::Number, *d, "", false};
      return std::nullopt;
    }
    if (c.contains("sval")) {
      const json& s = inner(c, "sval");
      return Value{Value::Kind::String, 0, s.is_string() ? s.get<std::string>() : "", false};
    }
    return std::nullopt;  // NULL: compares to nothing
  }
  if (n.contains("TypeCast")) {  // 't'::bool, 1::boolean, '1'::int
    const json& tc = n["TypeCast"];
    if (!tc.contains("arg")) return std::nullopt;
    auto v = constant(tc["arg"]);
    if (!v) return std::nullopt;
    std::string type = cast_type(tc);
    if (type == "bool" || type == "boolean") {
      if (v->kind == Value::Kind::Number) return Value{Value::Kind::Bool, 0, "", v->number != 0};
      if (v->kind == Value::Kind::String) {
        auto b = as_bool_text(v->text);
        if (!b) return std::nullopt;
        return Value{Value::Kind::Bool, 0, "", *b};
      }
      return v;
    }
    if (type == "int2" || type == "int4" || type == "int8" || type == "numeric" || type == "float4" ||
        type == "float8" || type == "int" || type == "integer") {
      if (v->kind == Value::Kind::String) {
        auto d = as_number(v->text);
        if (!d) return std::nullopt;
        return Value{Value::Kind::Number, *d, "", false};
      }
      return v;
    }
    return v;  // ::text and the like keep the value as it compares
  }
  if (n.contains("A_Expr")) {  // -1
    const json& e = n["A_Expr"];
    if (e.value("kind", "") == "AEXPR_OP" && !e.contains("lexpr") && e.contains("rexpr") && op_name(e) == "-") {
      auto v = constant(e["rexpr"]);
      if (v && v->kind == Value::Kind::Number) return Value{Value::Kind::Number, -v->number, "", false};
    }
  }
  return std::nullopt;
}

// -1, 0, 1 as a <=> b; nullopt when the two cannot be compared as constants.
std::optional<int> compare(const Value& a, const Value& b) {
  auto cmp = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (a.kind == b.kind) {
    if (a.kind == Value::Kind::Number) return cmp(a.number, b.number);
    if (a.kind == Value::Kind::String) return cmp(a.text, b.text);
    return cmp(a.boolean, b.boolean);
  }
  // '1' = 1: the string is read as the other side's type, as the server does
  if (a.kind == Value::Kind::String || b.kind == Value::Kind::String) {
    const Value& s = a.kind == Value::Kind::String ? a : b;
    const Value& o = a.kind == Value::Kind::String ? b : a;
    std::optional<int> r;
    if (o.kind == Value::Kind::Number) {
      if (auto d = as_number(s.text)) r = cmp(*d, o.number);
    } else if (auto bl = as_bool_text(s.text)) {
      r = cmp(*bl, o.boolean);
    }
    if (r && a.kind != Value::Kind::String) r = -*r;
    return r;
  }
  // 1 = true (MySQL, SQLite): booleans are the numbers 1 and 0
  double x = a.kind == Value::Kind::Bool ? (a.boolean ? 1 : 0) : a.number;
  double y = b.kind == Value::Kind::Bool ? (b.boolean ? 1 : 0) : b.number;
  return cmp(x, y);
}

std::optional<bool> holds(const std::string& op, int c) {
  if (op == "=" || op == "==") return c == 0;
  if (op == "<>" || op == "!=") return c != 0;
  if (op == "<") return c < 0;
  if (op == ">") return c > 0;
  if (op == "<=") return c <= 0;
  if (op == ">=") return c >= 0;
  return std::nullopt;
}

// The truth of an expression that holds no column: true, false, or unknown
// (depends on the row, or not understood). `WHERE 1` is true in MySQL and
// SQLite (PostgreSQL rejects a non-boolean WHERE, so counting it costs nothing).
std::optional<bool> truth(const json& node) {
  if (!node.is_object()) return std::nullopt;
  if (auto v = constant(node)) {
    if (v->kind == Value::Kind::Bool) return v->boolean;
    if (v->kind == Value::Kind::Number) return v->number != 0;
    if (auto d = as_number(v->text)) return *d != 0;  // MySQL: '1' is 1
    return std::nullopt;
  }
  if (node.contains("BoolExpr")) {
    const json& be = node["BoolExpr"];
    std::string op = be.value("boolop", "");
    const json& args = be.contains("args") ? be["args"] : json::array();
    if (op == "OR_EXPR") {
      bool all_false = !args.empty();
      for (const auto& a : args) {
        auto t = always_true(a) ? std::optional<bool>(true) : truth(a);
        if (t && *t) return true;
        if (!t) all_false = false;
      }
      return all_false ? std::optional<bool>(false) : std::nullopt;
    }
    if (op == "AND_EXPR") {
      if (args.empty()) return std::nullopt;
      bool all_true = true;
      for (const auto& a : args) {
        auto t = always_true(a) ? std::optional<bool>(true) : truth(a);
        if (t && !*t) return false;
        if (!t) all_true = false;
      }
      return all_true ? std::optional<bool>(true) : std::nullopt;
    }
    if (op == "NOT_EXPR" && !args.empty()) {
      auto t = truth(args[0]);
      if (t) return !*t;
    }
    return std::nullopt;
  }
  if (node.contains("A_Expr")) {
    const json& e = node["A_Expr"];
    if (!e.contains("lexpr") || !e.contains("rexpr")) return std::nullopt;
    std::string kind = e.value("kind", "");
    auto l = constant(e["lexpr"]);
    if (!l) return std::nullopt;
    // 1 IN (1, 2), 1 NOT IN (3), 1 BETWEEN 0 AND 2: constants on every side
    const json& items = e["rexpr"].contains("List") ? e["rexpr"]["List"].value("items", json::array()) : json::array();
    if (kind == "AEXPR_IN") {
      bool any = false;
      for (const auto& item : items) {
        auto v = constant(item);
        auto c = v ? compare(*l, *v) : std::nullopt;
        if (!c) return std::nullopt;
        any = any || *c == 0;
      }
      if (items.empty()) return std::nullopt;
      return op_name(e) == "=" ? any : !any;
    }
    if ((kind == "AEXPR_BETWEEN" || kind == "AEXPR_NOT_BETWEEN") && items.size() == 2) {
      auto lo = constant(items[0]), hi = constant(items[1]);
      auto a = lo ? compare(*l, *lo) : std::nullopt, b = hi ? compare(*l, *hi) : std::nullopt;
      if (!a || !b) return std::nullopt;
      bool inside = *a >= 0 && *b <= 0;
      return kind == "AEXPR_BETWEEN" ? inside : !inside;
    }
    auto r = constant(e["rexpr"]);
    if (!r) return std::nullopt;
    if (kind == "AEXPR_LIKE" || kind == "AEXPR_ILIKE") {  // 'x' LIKE '%': a pattern of only % matches any text
      if (r->kind != Value::Kind::String || r->text.empty() || r->text.find_first_not_of('%') != std::string::npos)
        return std::nullopt;
      return op_name(e) == "~~" || op_name(e) == "~~*";
    }
    if (kind != "AEXPR_OP") return std::nullopt;
    auto c = compare(*l, *r);
    if (!c) return std::nullopt;
    return holds(op_name(e), *c);
  }
  if (node.contains("CoalesceExpr")) {  // coalesce(NULL, true): the first argument that is not NULL
    for (const auto& a : node["CoalesceExpr"].value("args", json::array())) {
      if (a.contains("A_Const") && a["A_Const"].value("isnull", false)) continue;
      return truth(a);
    }
    return std::nullopt;
  }
  if (node.contains("SubLink")) {  // EXISTS (SELECT 1): a select of no table and no condition has a row
    const json& sl = node["SubLink"];
    if (sl.value("subLinkType", "") != "EXISTS_SUBLINK" || !sl.contains("subselect") ||
        !sl["subselect"].contains("SelectStmt"))
      return std::nullopt;
    const json& sel = sl["subselect"]["SelectStmt"];
    if (sel.contains("fromClause") || sel.contains("whereClause") || sel.contains("havingClause") ||
        sel.contains("limitCount") || (sel.contains("op") && sel["op"] != "SETOP_NONE"))
      return std::nullopt;
    return true;
  }
  if (node.contains("BooleanTest")) {  // true IS TRUE, false IS NOT TRUE
    const json& bt = node["BooleanTest"];
    if (!bt.contains("arg")) return std::nullopt;
    auto t = truth(bt["arg"]);
    if (!t) return std::nullopt;
    std::string type = bt.value("booltesttype", "");
    if (type == "IS_TRUE") return *t;
    if (type == "IS_NOT_TRUE") return !*t;
    if (type == "IS_FALSE") return !*t;
    if (type == "IS_NOT_FALSE") return *t;
    return std::nullopt;
  }
  if (node.contains("NullTest")) {  // NULL IS NULL
    const json& nt = node["NullTest"];
    if (!nt.contains("arg") || !nt["arg"].contains("A_Const")) return std::nullopt;
    bool is_null = nt["arg"]["A_Const"].value("isnull", false);
    bool testing_null = nt.value("nulltesttype", "") == "IS_NULL";
    return is_null == testing_null;
  }
  return std::nullopt;
}

}  // namespace

bool always_true(const json& node) {
  if (!node.is_object()) return false;
  if (auto t = truth(node); t && *t) return true;
  if (node.contains("BoolExpr")) {  // arms that compare a column with itself
    const json& be = node["BoolExpr"];
    std::string op = be.value("boolop", "");
    const json& args = be.contains("args") ? be["args"] : json::array();
    if (op == "OR_EXPR") {
      for (const auto& a : args)
        if (always_true(a)) return true;
      // x IS NULL OR x IS NOT NULL: one of the two holds for every row
      for (const auto& a : args)
        for (const auto& b : args)
          if (a.contains("NullTest") && b.contains("NullTest") &&
              a["NullTest"].value("nulltesttype", "") == "IS_NULL" &&
              b["NullTest"].value("nulltesttype", "") == "IS_NOT_NULL" && a["NullTest"].contains("arg") &&
              b["NullTest"].contains("arg") &&
              strip_locations(a["NullTest"]["arg"]) == strip_locations(b["NullTest"]["arg"]))
            return true;
      return false;
    }
    if (op == "NOT_EXPR" && args.size() == 1 && args[0].contains("A_Expr")) {  // NOT (x <> x)
      const json& e = args[0]["A_Expr"];
      std::string inner_op = op_name(e);
      return e.value("kind", "") == "AEXPR_OP" && (inner_op == "<>" || inner_op == "!=" || inner_op == "<" || inner_op == ">") &&
             e.contains("lexpr") && e.contains("rexpr") && strip_locations(e["lexpr"]) == strip_locations(e["rexpr"]);
    }
    if (op == "AND_EXPR") {
      if (args.empty()) return false;
      for (const auto& a : args)
        if (!always_true(a)) return false;
      return true;
    }
    return false;
  }
  if (node.contains("A_Expr")) {  // x = x, x >= x, x <= x
    const json& e = node["A_Expr"];
    if (e.value("kind", "") != "AEXPR_OP" || !e.contains("lexpr") || !e.contains("rexpr")) return false;
    std::string op = op_name(e);
    if (op != "=" && op != ">=" && op != "<=") return false;
    return strip_locations(e["lexpr"]) == strip_locations(e["rexpr"]);
  }
  return false;
}

}  // namespace dbguard::sql
