#pragma once
// A heap-held child with value semantics, so recursive trees (expression ASTs) copy like values.
#include <memory>
#include <utility>

namespace localray::base {

template <class T>
class Box {
 public:
  Box(T value) : ptr_{std::make_unique<T>(std::move(value))} {}
  Box(const Box& other) : ptr_{std::make_unique<T>(*other.ptr_)} {}
  Box(Box&&) noexcept = default;
  Box& operator=(const Box& other) {
    ptr_ = std::make_unique<T>(*other.ptr_);
    return *this;
  }
  Box& operator=(Box&&) noexcept = default;
  T& operator*() { return *ptr_; }
  const T& operator*() const { return *ptr_; }
  T* operator->() { return ptr_.get(); }
  const T* operator->() const { return ptr_.get(); }

 private:
  std::unique_ptr<T> ptr_;
};

}  // namespace localray::base
