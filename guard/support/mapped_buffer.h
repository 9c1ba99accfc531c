// A large scratch buffer mapped from the kernel for one use and unmapped after it,
// not taken from the heap. The hook keeps the heap's freed blocks (cli/hook_command:
// freed memory is reused, not faulted in again); a large block freed there leaves a
// hole that small allocations split, and the next large copy, no longer fitting,
// goes on top. Mapped, its memory goes back as soon as it is done with.
#pragma once

#include <cstddef>

namespace dbguard {

class MappedBuffer {
 public:
  // At least `size` bytes, zero-filled. Throws std::bad_alloc when none can be mapped.
  explicit MappedBuffer(std::size_t size);
  ~MappedBuffer();
  MappedBuffer(const MappedBuffer&) = delete;
  MappedBuffer& operator=(const MappedBuffer&) = delete;

  char* data() const { return data_; }

 private:
  char* data_;
  std::size_t size_;
};

}  // namespace dbguard
