// Runs the labelled corpus (tests/corpus/*.toml) through the engine: every
// case's decision (allow / deny / hard) and, where given, its rule must match.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "decision/engine.h"

namespace fs = std::filesystem;
using dbguard::Decision;
using dbguard::Engine;
using dbguard::Verdict;

namespace {

// A case is a Bash command, or another tool's event (`tool` and its `input` as JSON).
struct Case {
  std::string id, command, expect, rule, file;
  std::string tool = "Bash", input;
  std::vector<std::pair<std::string, std::string>> files;
};

std::vector<Case> load(const fs::path& path) {
  std::vector<Case> out;
  toml::table doc = toml::parse_file(path.string());
  for (const auto& node : *doc["case"].as_array()) {
    const auto& t = *node.as_table();
    Case c;
    c.id = t["id"].value_or(std::string());
    c.command = t["command"].value_or(std::string());
    c.expect = t["expect"].value_or(std::string());
    c.rule = t["rule"].value_or(std::string());
    c.tool = t["tool"].value_or(std::string("Bash"));
    c.input = t["input"].value_or(std::string());
    c.file = path.filename().string();
    if (const auto* files = t["files"].as_table())
      for (const auto& [name, body] : *files) c.files.emplace_back(std::string(name.str()), body.value_or(std::string()));
    out.push_back(std::move(c));
  }
  return out;
}

std::string outcome(const Decision& d) {
  if (d.verdict == Verdict::Allow) return "allow";
  if (d.verdict == Verdict::Ask) return "ask";
  return d.hard ? "hard" : "deny";
}

// Decides a case in a scratch directory holding its files.
Decision decide(const Case& c, const std::string& tag) {
  fs::path dir = fs::temp_directory_path() / ("dbguard-" + tag + "-" + std::to_string(::getpid()) + "-" + c.id);
  fs::create_directories(dir);
  for (const auto& [name, body] : c.files) {
    fs::create_directories((dir / name).parent_path());
    std::ofstream(dir / name) << body;
  }
  Decision d = c.tool == "Bash" ? Engine::embedded().decide_command(c.command, dir.string())
                                : Engine::embedded().decide_tool(c.tool, nlohmann::json::parse(c.input), dir.string());
  fs::remove_all(dir);
  return d;
}

class Corpus : public ::testing::TestWithParam<std::string> {};

TEST_P(Corpus, EveryCaseDecidesAsLabelled) {
  auto cases = load(fs::path(DBGUARD_SOURCE_DIR) / "tests" / "corpus" / GetParam());
  ASSERT_FALSE(cases.empty());
  int failures = 0;
  for (const auto& c : cases) {
    Decision d = decide(c, "corpus");
    std::string got = outcome(d);
    bool rule_ok = c.rule.empty() || std::any_of(d.findings.begin(), d.findings.end(),
                                                 [&](const auto& f) { return f.rule == c.rule; });
    if (got != c.expect || !rule_ok) {
      ++failures;
      std::string rules;
      for (const auto& f : d.findings) rules += f.rule + " ";
      ADD_FAILURE() << c.id << ": expected " << c.expect << (c.rule.empty() ? "" : " (" + c.rule + ")") << ", got "
                    << got << " [" << rules << "]\n    " << (c.tool == "Bash" ? c.command : c.tool + " " + c.input);
    }
  }
  EXPECT_EQ(failures, 0) << "of " << cases.size() << " cases in " << GetParam();
}

std::vector<std::string> corpus_files() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(fs::path(DBGUARD_SOURCE_DIR) / "tests" / "corpus"))
    if (e.path().extension() == ".toml") files.push_back(e.path().filename().string());
  std::sort(files.begin(), files.end());
  return files;
}

INSTANTIATE_TEST_SUITE_P(Files, Corpus, ::testing::ValuesIn(corpus_files()),
                         [](const auto& info) {
                           std::string n = info.param.substr(0, info.param.find('.'));
                           for (auto& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

// The rates the README reports: every destructive case blocked, no everyday case blocked.
TEST(CorpusRates, BlockRateAndFalsePositiveRate) {
  std::size_t destructive = 0, blocked = 0, everyday = 0, false_positives = 0, hard = 0, hard_right = 0;
  for (const auto& f : corpus_files()) {
    for (const auto& c : load(fs::path(DBGUARD_SOURCE_DIR) / "tests" / "corpus" / f)) {
      std::string got = outcome(decide(c, "rates"));
      if (c.expect == "allow") {
        ++everyday;
        false_positives += got != "allow";
      } else {
        ++destructive;
        blocked += got != "allow";
        if (c.expect == "hard") {
          ++hard;
          hard_right += got == "hard";
        }
      }
    }
  }
  std::printf("corpus: %zu destructive cases, %zu blocked (%.1f%%); %zu hard, %zu hard-blocked; "
              "%zu allowed cases, %zu false positives (%.1f%%)\n",
              destructive, blocked, 100.0 * static_cast<double>(blocked) / static_cast<double>(destructive), hard,
              hard_right, everyday, false_positives,
              100.0 * static_cast<double>(false_positives) / static_cast<double>(everyday));
  EXPECT_EQ(blocked, destructive);
  EXPECT_EQ(hard_right, hard);
  EXPECT_EQ(false_positives, 0u);
}

TEST(CorpusSize, AtLeast800LabelledCasesAnd300Everyday) {
  std::size_t n = 0, allow = 0;
  for (const auto& f : corpus_files())
    for (const auto& c : load(fs::path(DBGUARD_SOURCE_DIR) / "tests" / "corpus" / f)) {
      ++n;
      allow += c.expect == "allow";
    }
  EXPECT_GE(n, 800u);
  EXPECT_GE(allow, 300u);
}

TEST(CorpusSize, AtLeast300LabelledCommands) {
  std::size_t n = 0;
  for (const auto& f : corpus_files()) n += load(fs::path(DBGUARD_SOURCE_DIR) / "tests" / "corpus" / f).size();
  EXPECT_GE(n, 300u);
}

}  // namespace
