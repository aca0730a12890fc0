// model/result: errors as values, the one error type. A Result<T> holds either a T or an
// Error the caller must decide about; only cli/main turns an Error into text and an exit
// code. The API layer's Result<T, api::ApiError> carries the details its callers decide on
// (not found? outcome unknown?) and converts to an Error (its message) wherever it is
// returned as one. Exceptions are kept for the edges (main, server handlers).
#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace rtk {

struct Error {
  std::string message;
};

template <class T, class E = Error>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(E error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  // An error of another type that converts to E (api::ApiError to Error).
  template <class Other, std::enable_if_t<!std::is_same_v<std::decay_t<Other>, E> &&
                                              !std::is_convertible_v<Other, T> &&
                                              std::is_convertible_v<Other, E>,
                                          int> = 0>
  Result(const Other& error) : v_(E(error)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  [[nodiscard]] const E& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, E> v_;
};

struct Unit {};

}  // namespace rtk
