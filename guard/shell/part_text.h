// The text of a word part: a view of the parsed source where the part is a run of
// it as written (a quoted argument, a here-document's lines between expansions),
// or text of its own where quote removal changed it (`a\ b`, a backquoted body).
// Most of a long command's text is such runs: held as views, a 4 MiB `bash -c '…'`
// costs its syntax tree nothing at each level of nesting, where a copy did.
//
// A view is valid as long as the text the parser read; shell::parse's callers keep
// it while they use the tree. 16 bytes, so that a word part is 40.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace dbguard::shell {

class PartText {
 public:
  PartText() = default;
  static PartText view_of(std::string_view s) {
    PartText t;
    t.data_ = const_cast<char*>(s.data());  // never written through: cap_ == 0
    t.size_ = checked(s.size());
    return t;
  }
  static PartText copy_of(std::string_view s) {
    PartText t;
    t.append(s);
    return t;
  }
  PartText(const PartText& o) : data_(o.data_), size_(o.size_) {
    if (o.cap_) {
      data_ = nullptr;
      size_ = 0;
      append(o.view());
    }
  }
  PartText(PartText&& o) noexcept : data_(o.data_), size_(o.size_), cap_(o.cap_) {
    o.data_ = nullptr;
    o.size_ = o.cap_ = 0;
  }
  PartText& operator=(PartText o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(cap_, o.cap_);
    return *this;
  }
  ~PartText() { delete[] (cap_ ? data_ : nullptr); }

  std::string_view view() const { return {data_, size_}; }
  operator std::string_view() const { return view(); }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::size_t find(char c, std::size_t from = 0) const { return view().find(c, from); }
  friend bool operator==(const PartText& a, std::string_view b) { return a.view() == b; }

  // A view whose source goes on with S (S starts where it ends): it grows to cover S.
  bool continued_by(std::string_view s) const { return cap_ == 0 && (size_ == 0 || data_ + size_ == s.data()); }
  void extend_view(std::string_view s) {
    if (size_ == 0) data_ = const_cast<char*>(s.data());
    size_ = checked(size_ + s.size());
  }

  void remove_prefix(std::size_t n) {
    n = std::min<std::size_t>(n, size_);
    if (cap_) std::memmove(data_, data_ + n, size_ - n);
    else data_ += n;
    size_ -= static_cast<std::uint32_t>(n);
  }

  // Appended to text of its own (a view is copied first); grown by doubling.
  void append(std::string_view s) {
    if (s.empty()) return;
    const std::uint32_t need = checked(std::size_t{size_} + s.size());
    if (need > cap_) {
      const std::uint32_t cap = checked(std::max<std::size_t>(need, std::size_t{cap_} * 2));
      char* grown = new char[cap];
      if (size_) std::memcpy(grown, data_, size_);
      delete[] (cap_ ? data_ : nullptr);
      data_ = grown;
      cap_ = cap;
    }
    std::memcpy(data_ + size_, s.data(), s.size());
    size_ = need;
  }

 private:
  static std::uint32_t checked(std::size_t n) {
    if (n > UINT32_MAX) throw std::length_error("word part over 4 GiB");
    return static_cast<std::uint32_t>(n);
  }

  char* data_ = nullptr;
  std::uint32_t size_ = 0;
  std::uint32_t cap_ = 0;  // 0: a view of the source (or nothing)
};
static_assert(sizeof(PartText) == 16);

}  // namespace dbguard::shell
