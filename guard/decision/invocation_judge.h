// Judges one Invocation: pattern rules (with their second look), production
// markers, SQL reaching a client, and what the guard could not see
// (a dynamic program name, opaque input into a database client).
#pragma once

#include <forward_list>
#include <string>

#include "clients/sql_sources.h"
#include "decision/context_marks.h"
#include "decision/data_dirs.h"
#include "decision/decision.h"
#include "decision/engine.h"
#include "match/haystack.h"
#include "sql/classify.h"
#include "support/shared_text.h"

namespace dbguard {

// A finding's text lent from the command a call judges: the finding's index among the
// decision's findings, and its text. The caller copies it once the walk is done.
struct LentSegment {
  std::size_t finding;
  std::string_view text;
};

class InvocationJudge {
 public:
  // CONTEXTS is shared by the invocations of one walk: their wrappers' lines.
  // With LENT, a finding whose text lies in COMMAND (alive until the caller copies
  // it) is lent that text: its segment stays empty, and LENT says where it is.
  InvocationJudge(const Engine& engine, Decision& decision, const EngineOptions& opt, int depth, ContextMarks& contexts,
                  std::vector<LentSegment>* lent = nullptr, std::string_view command = {})
      : engine_(engine), d_(decision), opt_(opt), depth_(depth), contexts_(contexts), lent_(lent), command_(command) {}

  void judge(const Invocation& inv);

 private:
  struct Seen {
    std::vector<Finding> findings;
    std::string production;  // marker text
    // containers.confirmation-fed would fire if something were fed on stdin: a
    // human-gated target (judge_human_gate). Nothing else of the pattern stage reads stdin.
    bool gated = false;
  };
  Seen analyse(const Invocation& inv, InvocationTrace* trace);
  // The first stage of analyse(): the packs' command patterns and production markers.
  Seen match_patterns(const Invocation& inv, InvocationTrace* trace);
  // VIA: what the first of the shared parts that marks says (ContextMarks: exported
  // variables, wrappers' lines), or "".
  std::string production_marker(const Invocation& inv, const std::vector<PatternHit>& hits, const Haystack& hay,
                                const std::string& via) const;
  void judge_sql(const Invocation& inv, Seen& seen, InvocationTrace* trace);
  void judge_dynamic_program(const Invocation& inv, Seen& seen);
  void judge_stdin_script(const Invocation& inv, Seen& seen);
  void judge_human_gate(const Invocation& inv, Seen& seen);
  bool marks_production(std::string_view piece) const;
  // INV's text for its findings: one copy, which they all share; none while it is lent
  // (an empty text, which judge() hands over as lent).
  SharedText segment(const Invocation& inv);
  std::string terraform_production(const Invocation& inv) const;
  void judge_dynamic_arguments(const Invocation& inv, Seen& seen);
  void judge_destroyed_databases(const Invocation& inv, Seen& seen);
  void judge_script_input(const Invocation& inv, Seen& seen);
  void judge_removed_data_dirs(const Invocation& inv, Seen& seen);
  void judge_kube_manifests(const Invocation& inv, Seen& seen);

  const Engine& engine_;
  Decision& d_;
  const EngineOptions& opt_;
  int depth_;
  ContextMarks& contexts_;
  const Invocation* judged_ = nullptr;  // what judge() was given (its copies lend nothing)
  SharedText segment_;                  // the findings' text of the invocation judged
  const char* segment_from_ = nullptr;  // the text it was last asked for
  std::vector<LentSegment>* lent_;
  std::string_view command_;
  bool segment_lent_ = false;           // the invocation judged has its text lent
  // The SQL texts the invocation's analyses judged, with their verdicts: an analysis
  // per candidate value of a run-time argument reads the same -c text or file again
  // (`psql "$DATABASE_URL" -f migrate.sql`: a 1 MiB script split seventeen times,
  // half a second). A forward_list: a verdict's address holds while more are added,
  // and nothing is allocated for the many invocations with no SQL (a deque allocated
  // twice for each).
  // A text lent by the invocation judged (a -c argument) is viewed where it stands:
  // the invocation outlives the judge, and is never changed.
  struct JudgedSql {
    SharedText text;  // shared with its source (a heredoc's body, a file's contents)
    std::string_view sql;  // text, or the lent text
    bool listed;  // its statements listed (a trace)
    sql::SqlVerdict verdict;
  };
  std::forward_list<JudgedSql> judged_sql_;
  const sql::SqlVerdict& classified(clients::SqlSource&& src, bool list_statements);

  // Shared by the analyses of the invocation (one per candidate value of a run-time
  // argument): each searched the same directories again.
  datadirs::SearchMemo dir_searches_;
};

}  // namespace dbguard
