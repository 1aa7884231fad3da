#pragma once
// A minimal value-or-error, for fallible calls that must say why (in the spirit of
// leveldb's Status and cpp-httplib's Result). C++20 has no std::expected yet.
#include <cassert>
#include <utility>
#include <variant>

namespace bis {

template <class E>
struct Unexpected {
  E error;
};
template <class E>
Unexpected(E) -> Unexpected<E>;

template <class T, class E>
class Expected {
 public:
  Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  template <class G>
  Expected(Unexpected<G> u) : v_(std::in_place_index<1>, E(std::move(u.error))) {}

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { assert(has_value()); return std::get<0>(v_); }
  const T& value() const& { assert(has_value()); return std::get<0>(v_); }
  T&& value() && { assert(has_value()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const { assert(!has_value()); return std::get<1>(v_); }
  E& error() { assert(!has_value()); return std::get<1>(v_); }

 private:
  std::variant<T, E> v_;
};

}  // namespace bis
