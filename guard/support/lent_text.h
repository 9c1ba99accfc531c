// Text a holder reads while its lender keeps it alive, and owns once copied. The
// walk lends each command's source text to the judge for the one call that judges
// it: a 4 MiB `psql -c "…"` is not copied for that. Whatever keeps the holder past
// the call (explain's traces, an unwrap result without a sink) keeps a copy.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace dbguard {

class LentText {
 public:
  LentText() = default;
  LentText(const LentText& o) { keep(o.view_); }
  LentText& operator=(const LentText& o) {
    if (this != &o) keep(o.view_);
    return *this;
  }
  LentText(LentText&& o) noexcept { take(o); }
  LentText& operator=(LentText&& o) noexcept {
    if (this != &o) take(o);
    return *this;
  }
  LentText& operator=(std::string_view text) {
    keep(text);
    return *this;
  }

  // Borrowed: `text` must outlive every read of this holder (not of its copies).
  void lend(std::string_view text) {
    owned_ = false;
    view_ = text;
  }
  // Copied, into storage this holder reuses.
  void keep(std::string_view text) {
    own_.assign(text.data(), text.size());
    owned_ = true;
    view_ = own_;
  }

  std::string_view view() const { return view_; }
  bool empty() const { return view_.empty(); }
  operator std::string_view() const { return view_; }
  operator std::string() const { return std::string(view_); }  // for what keeps the text (findings)
  friend bool operator==(const LentText& a, std::string_view b) { return a.view_ == b; }

 private:
  void take(LentText& o) noexcept {
    owned_ = o.owned_;
    if (owned_) {
      own_ = std::move(o.own_);  // a short string moves by copy: view it anew
      view_ = own_;
    } else {
      view_ = o.view_;
    }
    o.owned_ = false;
    o.view_ = {};
  }

  std::string own_;
  std::string_view view_;
  bool owned_ = false;
};

}  // namespace dbguard
