// Text that many holders share read-only: a pipeline's source, which every stage
// carries, or a here-document's body, which passes from the parse to the command's
// stdin and on to the SQL judged. Copies share one string: a pipeline of n stages
// costs O(n) and not O(n²), and a 1 MiB body is not copied at each hand-over.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace dbguard {

class SharedText {
 public:
  SharedText() = default;
  // Implicit, as the std::string it stands for; empty text holds nothing.
  SharedText(std::string s) {
    if (!s.empty()) text_ = std::make_shared<const std::string>(std::move(s));
  }
  SharedText(const char* s) : SharedText(std::string(s)) {}
  SharedText& operator=(std::string s) { return *this = SharedText(std::move(s)); }

  bool empty() const { return !text_ || text_->empty(); }
  std::size_t size() const { return text_ ? text_->size() : 0; }
  void clear() { text_.reset(); }
  const std::string& str() const {
    static const std::string none;
    return text_ ? *text_ : none;
  }
  operator const std::string&() const { return str(); }
  friend bool operator==(const SharedText& a, std::string_view b) { return a.str() == b; }
  // The same text, not equal text: one string both hold.
  bool same_as(const SharedText& other) const { return text_ && text_ == other.text_; }
  // How many hold the text (a memo drops what only it still holds).
  long holders() const { return text_.use_count(); }

 private:
  std::shared_ptr<const std::string> text_;
};

}  // namespace dbguard
