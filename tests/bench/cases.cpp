#include "cases.h"

#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

namespace dbguard::bench {
namespace {

// Shaped like Claude Code's own PreToolUse events (same keys, similar sizes).
std::string event(const std::string& tool, const nlohmann::json& input, const std::string& cwd) {
  nlohmann::ordered_json j = {
      {"session_id", "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"},
      {"transcript_path", "/root/.claude/projects/-work-app/6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f.jsonl"},
      {"cwd", cwd},
      {"permission_mode", "default"},
      {"hook_event_name", "PreToolUse"},
      {"tool_name", tool},
      {"tool_input", input},
      {"tool_use_id", "toolu_01ABCDEFGHJKLMNPQRSTUVWX"}};
  return j.dump();
}

}  // namespace

std::string sql_inserts(std::size_t bytes) {
  std::string sql;
  for (int i = 0; sql.size() < bytes; ++i) {
    std::string n = std::to_string(i);
    sql += "INSERT INTO users (id, email, name, created_at) VALUES (" + n + ", 'user" + n + "@example.com', 'User " +
           n + "', now());\n";
  }
  return sql;
}

std::string shell_script(std::size_t bytes) {
  std::string s;
  for (int i = 0; s.size() < bytes; ++i) {
    std::string n = std::to_string(i);
    s += "mkdir -p build/m" + n + " && cp src/m" + n + ".txt build/m" + n + "/ && grep -c TODO src/m" + n +
         ".txt | tee -a todo.log\n";
  }
  return s;
}

std::string long_line_script(std::size_t bytes) {
  std::string s;
  for (int i = 0; s.size() < bytes; ++i) {
    std::string m = "build/module_" + std::to_string(i) + "/generated/assets/images/thumbnails/retina/";
    s += "mkdir -p " + m + " " + m + "small " + m + "large && cp -r src/module_" + std::to_string(i) +
         "/assets/images/thumbnails/retina/*.png " + m + "\n";
  }
  return s;
}

// A script's settings: COUNT exported variables, one a line.
std::string exports(int count) {
  std::string s;
  for (int i = 0; i < count; ++i)
    s += "export APP_SETTING_" + std::to_string(i) + "=https://config.internal/app/" + std::to_string(i) + "\n";
  return s;
}

std::string bash_event(const std::string& command, const std::string& cwd) {
  return event("Bash", {{"command", command}, {"description", "Run a command"}}, cwd);
}

std::vector<Case> make_cases(const std::string& dir) {
  std::string big_sql = sql_inserts(1u << 20) + "DROP TABLE legacy_sessions;\n";
  std::ofstream(dir + "/seed.sql", std::ios::binary) << big_sql;

  // A migration that deletes with a WHERE: parsed whole, and allowed.
  std::ofstream(dir + "/migrate.sql", std::ios::binary)
      << sql_inserts(1u << 20) + "DELETE FROM sessions WHERE expires_at < now();\n";

  std::vector<Case> cases;
  cases.push_back({"trivial allow (ls)", bash_event("ls", dir), 0, "", false});
  cases.push_back({"complex allow (10-stage pipeline)",
                   bash_event("git log --format='%an %s' | grep -v wip | sed 's/^ *//' | cut -d' ' -f1 | sort | "
                              "uniq -c | sort -rn | head -20 | awk '{print $2}' | tr a-z A-Z",
                              dir),
                   0, "", false});
  cases.push_back({"docker deny", bash_event("docker compose down -v", dir), 2, "containers.compose-down-volumes", false});
  cases.push_back({"psql SQL deny (libpg_query)",
                   bash_event("psql -h localhost -U app -d app -c \"DELETE FROM users\"", dir), 2, "sql.delete-all",
                   false});
  cases.push_back({"psql -f 1 MiB SQL file", bash_event("psql -d app -f seed.sql", dir), 2, "sql.drop", true});
  // The connection only known at run time: the invocation is analysed once per value
  // it could have (seventeen), each reading the same file.
  cases.push_back({"psql \"$DATABASE_URL\" -f 1 MiB migration", bash_event("psql \"$DATABASE_URL\" -f migrate.sql", dir), 0,
                   "", true});
  cases.push_back({"64 KiB heredoc",
                   bash_event("psql -d app <<'SQL'\n" + sql_inserts(64u << 10) + "SQL\n", dir), 0, "", false});
  cases.push_back({"production hard block",
                   bash_event("psql \"postgresql://app@db.prod.example.com:5432/app\" -c \"SELECT count(*) FROM users\"",
                              dir),
                   2, "production.", false});
  cases.push_back({"MCP SQL event",
                   event("mcp__postgres__query", {{"sql", "DROP TABLE users"}}, dir), 2, "sql.drop", false});
  cases.push_back({"malformed input", "{\"tool_name\": \"Bash\", \"tool_input\": {\"command\": \"ls", 2,
                   "guard.malformed-event", false});
  // A seed sent to a database tool: judged as psql judges the file (its tree whole
  // took libpg_query 366 MiB and two seconds at 4 MiB).
  cases.push_back({"1 MiB MCP SQL event", event("mcp__postgres__query", {{"sql", big_sql}}, dir), 2, "sql.drop", true});
  cases.push_back({"1 MiB heredoc", bash_event("psql -d app <<'SQL'\n" + sql_inserts(1u << 20) + "SQL\n", dir), 0, "",
                   true});
  // Past the bound of 10,000 commands the guard analyses: denied, as fast.
  cases.push_back({"1 MiB command (~42k commands, over the bound)", bash_event(shell_script(1u << 20), dir), 2,
                   "guard.too-complex", true});
  cases.push_back({"1 MiB command (~6.5k commands)", bash_event(long_line_script(1u << 20), dir), 0, "", true});
  // The same script on another host: every command carries ssh's line, which was
  // matched (and copied) once per command, quadratic (9,000 commands: 5 s).
  cases.push_back({"1 MiB ssh HOST script (~6.5k commands)", bash_event("ssh db1 \"" + long_line_script(1u << 20) + "\"", dir),
                   0, "", true});
  // A migration's worth of destructive statements in one `psql -c`: each finding held
  // a copy of the whole command (1,000 of them: 100 MiB, past the budget).
  std::string drops;
  for (int i = 0; i < 1000; ++i) drops += "DROP TABLE legacy_" + std::to_string(i) + ";\n";
  cases.push_back({"psql -c, 1 MiB of SQL with 1,000 DROPs",
                   bash_event("psql -d app -c \"" + sql_inserts((1u << 20) - drops.size()) + drops + "\"", dir), 2,
                   "sql.drop", true});
  // The same script after its settings: every command carried every exported value,
  // copied and matched again, quadratic (1,000 exports and 1,000 commands: past the budget).
  const std::string settings = exports(3000);
  cases.push_back({"1 MiB script after 3,000 exports (~6k commands)",
                   bash_event(settings + long_line_script((1u << 20) - settings.size()), dir), 0, "", true});
  // At the event's bound (4 MiB), an unquoted here-document (its body could expand):
  // the memory target holds for every input the bound admits, not only the 1 MiB ones.
  std::string bound_sql = sql_inserts((4u << 20) - (128u << 10));  // its JSON (newlines escaped) under the bound
  cases.push_back({"4 MiB heredoc, unquoted (at the bound)", bash_event("psql -d app <<SQL\n" + bound_sql + "SQL\n", dir), 0,
                   "", true, true});
  // The same seed through a nested shell, here and on another host: each level held
  // the text again (its tree, the text it walks, the wrapper's line for ssh's markers).
  cases.push_back({"4 MiB bash -c (at the bound)",
                   bash_event("bash -c \"psql -d app <<'SQL'\n" + bound_sql + "SQL\n\"", dir), 0, "", true, true});
  cases.push_back({"4 MiB ssh HOST (at the bound)",
                   bash_event("ssh db1 \"psql -d app <<'SQL'\n" + bound_sql + "SQL\n\"", dir), 0, "", true, true});
  // At the bound, the shapes that make the largest trees of their text: the most
  // expansions one word can hold (`$U`, two bytes each), the longest pipeline and
  // the most process substitutions (the most small nodes). Past the parser's bound
  // on one command's tree (6 MiB as malloc holds it), denied; their memory is the
  // worst that bound leaves (before it, the first took 290 MiB).
  auto at_bound = [](std::string text, const std::string& unit, const std::string& end) {
    while (text.size() < (4u << 20) - (128u << 10)) text += unit;
    return text + end;
  };
  cases.push_back({"4 MiB of expansions in one word (at the bound)", bash_event(at_bound("echo \"", "$U", "\""), dir), 2,
                   "guard.too-complex", true, true});
  cases.push_back({"4 MiB pipeline (at the bound)", bash_event(at_bound("", "a | ", "a"), dir), 2, "guard.too-complex",
                   true, true});
  cases.push_back({"4 MiB of process substitutions (at the bound)", bash_event(at_bound("cat", " <(a)", ""), dir), 2,
                   "guard.too-complex", true, true});
  return cases;
}

std::vector<std::string> everyday_commands(const std::string& everyday_toml) {
  toml::table doc = toml::parse_file(everyday_toml);
  std::vector<std::string> commands;
  if (const toml::array* cases = doc["case"].as_array())
    for (const auto& c : *cases)
      if (const toml::table* t = c.as_table())
        if (auto cmd = (*t)["command"].value<std::string>()) commands.push_back(*cmd);
  if (commands.empty()) throw std::runtime_error("no commands in " + everyday_toml);
  return commands;
}

std::string everyday_jsonl(const std::string& everyday_toml, std::size_t count, std::size_t* distinct) {
  auto commands = everyday_commands(everyday_toml);
  if (distinct) *distinct = commands.size();
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += bash_event(commands[i % commands.size()], "/work/app") + "\n";
  return out;
}

}  // namespace dbguard::bench
