#include "unwrap/make_conditional.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "unwrap/makefile.h"

using namespace dbguard;
namespace fs = std::filesystem;

namespace {

const std::map<std::string, std::string> kVars = {{"ENV", "dev"}, {"DB", "$(ENV)_db"}, {"EMPTY", ""},
                                                  {"LAZY", "$(FROM_ENV)"}, {"SH", "$(shell cat x)"}};

MakeTruth decide(const std::string& directive, const std::string& args, std::set<std::string> uncertain = {}) {
  return make_condition(directive, args, kVars, uncertain);
}

TEST(MakeCondition, DecidesFromTheFilesOwnVariables) {
  EXPECT_EQ(decide("ifeq", "($(ENV),dev)"), MakeTruth::True);
  EXPECT_EQ(decide("ifeq", "($(ENV),prod)"), MakeTruth::False);
  EXPECT_EQ(decide("ifneq", "($(ENV),prod)"), MakeTruth::True);
  EXPECT_EQ(decide("ifeq", "\"$(DB)\" 'dev_db'"), MakeTruth::True);
  EXPECT_EQ(decide("ifeq", "($(subst d,p,$(ENV)),pev)"), MakeTruth::True);
  EXPECT_EQ(decide("ifdef", "ENV"), MakeTruth::True);
  EXPECT_EQ(decide("ifdef", "EMPTY"), MakeTruth::False);
  EXPECT_EQ(decide("ifndef", "EMPTY"), MakeTruth::True);
}

TEST(MakeCondition, WhatTheEnvironmentCouldSetIsUndecided) {
  EXPECT_EQ(decide("ifeq", "($(FROM_ENV),prod)"), MakeTruth::Unknown);  // undefined: make reads the environment
  EXPECT_EQ(decide("ifdef", "FROM_ENV"), MakeTruth::Unknown);
  EXPECT_EQ(decide("ifeq", "($(LAZY),prod)"), MakeTruth::Unknown);      // through a recursive variable
  EXPECT_EQ(decide("ifeq", "($(ENV),prod)", {"ENV"}), MakeTruth::Unknown);  // ?= and the like
  EXPECT_EQ(decide("ifeq", "($(SH),prod)"), MakeTruth::Unknown);        // $(shell …)
  EXPECT_EQ(decide("ifeq", "($(wildcard .prod),)"), MakeTruth::Unknown);
  EXPECT_EQ(decide("ifeq", "($(ENV), dev)"), MakeTruth::Unknown);       // only outer blanks differ
  EXPECT_EQ(decide("ifeq", "($(ENV),dev) # note"), MakeTruth::Unknown); // not parsed: not decided
}

std::vector<std::string> run(const std::string& makefile, std::initializer_list<const char*> words, bool env = false) {
  fs::path dir = fs::temp_directory_path() / ("dbguard-makecond-" + std::to_string(::getpid()) + "-" +
                                              std::to_string(std::hash<std::string>{}(makefile)));
  fs::create_directories(dir);
  std::ofstream(dir / "Makefile") << makefile;
  std::vector<Arg> argv;
  for (const char* w : words) argv.push_back(Arg{w, false});
  std::vector<std::string> out;
  for (const auto& l : plan_make(argv, dir.string(), 1 << 20, env).lines) out.push_back(l.command);
  fs::remove_all(dir);
  return out;
}

using Lines = std::vector<std::string>;

TEST(MakePlanConditionals, OnlyTheTakenBranchRuns) {
  const std::string mf =
      "ENV = dev\nifeq ($(ENV),prod)\nWIPE = echo never\nelse\nWIPE = docker compose down -v\nendif\n"
      "reset:\n\t$(WIPE)\nifneq ($(ENV),dev)\n\tdropdb app\nelse\n\techo dev\nendif\n";
  EXPECT_EQ(run(mf, {"make", "reset"}), (Lines{"docker compose down -v", "echo dev"}));
  // the command line sets ENV: the other branches
  EXPECT_EQ(run(mf, {"make", "reset", "ENV=prod"}), (Lines{"echo never", "dropdb app"}));
}

TEST(MakePlanConditionals, UndecidedConditionsKeepEveryBranch) {
  const std::string mf = "ENV ?= dev\nreset:\nifeq ($(ENV),prod)\n\tdropdb app\nelse\n\techo dev\nendif\n";
  EXPECT_EQ(run(mf, {"make", "reset"}), (Lines{"dropdb app", "echo dev"}));
  const std::string env = "reset:\nifdef FORCE\n\tdropdb app\nendif\n";  // FORCE from the environment
  EXPECT_EQ(run(env, {"make", "reset"}), (Lines{"dropdb app"}));
  const std::string fixed = "ENV = dev\nreset:\nifeq ($(ENV),prod)\n\tdropdb app\nendif\n\techo ok\n";
  EXPECT_EQ(run(fixed, {"make", "reset"}), (Lines{"echo ok"}));
  EXPECT_EQ(run(fixed, {"make", "-e", "reset"}), (Lines{"dropdb app", "echo ok"}));        // -e: env wins
  EXPECT_EQ(run(fixed, {"make", "reset"}, true), (Lines{"dropdb app", "echo ok"}));       // MAKEFLAGS
  EXPECT_EQ(run(fixed, {"make", "--eval=override ENV=prod", "reset"}), (Lines{"dropdb app", "echo ok"}));
  EXPECT_EQ(run(fixed, {"make", "reset", "ENV+=x"}), (Lines{"dropdb app", "echo ok"}));  // appends to the environment's
}

TEST(MakePlanConditionals, CommandLineSpellingsAndOverride) {
  const std::string mf = "ENV = dev\nreset:\nifeq ($(ENV),prod)\n\tdropdb app\nendif\n\techo ok\n";
  EXPECT_EQ(run(mf, {"make", "reset", "ENV:=prod"}), (Lines{"dropdb app", "echo ok"}));
  EXPECT_EQ(run(mf, {"make", "reset", "ENV::=prod"}), (Lines{"dropdb app", "echo ok"}));
  // `override` in the file wins over the command line
  const std::string ov = "override ENV = prod\nreset:\nifeq ($(ENV),prod)\n\tdropdb app\nendif\n\techo ok\n";
  EXPECT_EQ(run(ov, {"make", "reset", "ENV=dev"}), (Lines{"dropdb app", "echo ok"}));
  // an include the guard cannot read may set ENV: undecided from there on
  const std::string inc = "ENV = dev\n-include .env.mk\nreset:\nifeq ($(ENV),prod)\n\tdropdb app\nendif\n";
  EXPECT_EQ(run(inc, {"make", "reset"}), (Lines{"dropdb app"}));
}

TEST(MakePlanConditionals, NestedAndElseIfChains) {
  const std::string mf =
      "A = 1\nB = 2\nifeq ($(A),1)\n  ifeq ($(B),3)\n    T = wrong\n  else ifeq ($(B),2)\n    T = right\n  else\n"
      "    T = other\n  endif\nelse\n  T = outer\nendif\nx:\n\techo $(T)\n";
  EXPECT_EQ(run(mf, {"make", "x"}), (Lines{"echo right"}));
  // a variable set in a branch that may be taken is not certain afterwards
  const std::string maybe =
      "MODE = safe\nifdef FROM_ENV\nMODE = wipe\nendif\nx:\nifeq ($(MODE),wipe)\n\tdropdb app\nendif\n\techo ok\n";
  EXPECT_EQ(run(maybe, {"make", "x"}), (Lines{"dropdb app", "echo ok"}));
  // a skipped branch's define and nested conditionals are read past
  const std::string skipped =
      "ifeq (a,b)\ndefine W\nifeq (x,x)\ndropdb app\nendif\nendef\nifdef X\nY = 1\nendif\nendif\nx:\n\techo ok $(W)\n";
  EXPECT_EQ(run(skipped, {"make", "x"}), (Lines{"echo ok "}));
}

}  // namespace
