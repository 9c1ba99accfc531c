#include "support/mapped_buffer.h"

#include <sys/mman.h>

#include <new>

namespace dbguard {

MappedBuffer::MappedBuffer(std::size_t size) : size_(size == 0 ? 1 : size) {
  void* p = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  data_ = static_cast<char*>(p);
}

MappedBuffer::~MappedBuffer() { ::munmap(data_, size_); }

}  // namespace dbguard
