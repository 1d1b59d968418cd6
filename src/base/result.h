#pragma once
// Result<T>: a value or an Error, for every operation that can fail on host or user input.
// It follows the shape of C++23 std::expected so the switch is mechanical once the
// toolchain has it; Flint builds as C++20 on Debian 12's GCC 12.
#include <cerrno>
#include <string>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace flint {

// What went wrong, in one sentence a user can act on. `sys_errno` keeps the errno of a
// failed system call (0 when none) so callers can branch on EINTR, ENOENT and friends.
class Error {
public:
    explicit Error(std::string message, int sys_errno = 0)
        : m_message(std::move(message)), m_errno(sys_errno) {}

    // An error from a failed system call: "what we tried: strerror(errno)".
    static Error from_errno(std::string_view what, int err = errno);

    template <typename... Args>
    static Error format(fmt::format_string<Args...> f, Args&&... args) {
        return Error(fmt::format(f, std::forward<Args>(args)...));
    }

    const std::string& message() const { return m_message; }
    int sys_errno() const { return m_errno; }

    // Adds context in front: "loading kernel: open /x: No such file".
    Error context(std::string_view what) const {
        return Error(fmt::format("{}: {}", what, m_message), m_errno);
    }

private:
    std::string m_message;
    int m_errno;
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool has_value() const { return m_v.index() == 0; }
    explicit operator bool() const { return has_value(); }

    T& value() & { return std::get<0>(m_v); }
    const T& value() const& { return std::get<0>(m_v); }
    T&& value() && { return std::get<0>(std::move(m_v)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_ok(false) {}

    bool has_value() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const Error& error() const { return m_error; }

private:
    Error m_error{""};
    bool m_ok = true;
};

inline Result<void> ok() { return {}; }

}  // namespace flint

// TRY(expr): evaluate a Result; on error return it from the enclosing function, otherwise
// yield the value. Uses the GNU statement-expression extension (GCC and Clang).
#define FLINT_TRY(expr)                                          \
    ({                                                           \
        auto _flint_try_r = (expr);                              \
        if (!_flint_try_r) return std::move(_flint_try_r).error(); \
        std::move(*_flint_try_r);                                \
    })
#define FLINT_TRY_VOID(expr)                                     \
    do {                                                         \
        auto _flint_try_r = (expr);                              \
        if (!_flint_try_r) return _flint_try_r.error();          \
    } while (0)
