#include "boot/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/unique_fd.h"

namespace flint::boot {

namespace {

Error open_error(const std::string& path, std::string_view what, int err) {
    if (err == ENOENT) return Error(fmt::format("{} {} does not exist: check the path", what, path), err);
    return Error(fmt::format("cannot open {} {}: {}", what, path, std::strerror(err)), err);
}

Error read_error(const std::string& path, std::string_view what, int err) {
    return Error(fmt::format("cannot read {} {}: {}", what, path, std::strerror(err)), err);
}

}  // namespace

Result<std::vector<u8>> read_file(const std::string& path, std::string_view what) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        const int err = errno;
        return open_error(path, what, err);
    }

    struct stat st {};
    if (::fstat(fd.get(), &st) < 0) return read_error(path, what, errno);
    if (S_ISDIR(st.st_mode)) return Error::format("{} {} is a directory: pass the image file itself", what, path);

    // Read to the end rather than trusting st_size, so pipes and /proc-like files work too.
    std::vector<u8> data;
    if (S_ISREG(st.st_mode)) data.reserve(static_cast<std::size_t>(st.st_size));
    constexpr std::size_t kChunk = 1 << 20;
    for (;;) {
        const std::size_t used = data.size();
        data.resize(used + kChunk);
        const ssize_t n = ::read(fd.get(), data.data() + used, kChunk);
        if (n < 0) {
            if (errno == EINTR) {
                data.resize(used);
                continue;
            }
            return read_error(path, what, errno);
        }
        data.resize(used + static_cast<std::size_t>(n));
        if (n == 0) break;
    }
    if (data.empty()) return Error::format("{} {} is empty (0 bytes): pass a valid image file", what, path);
    return data;
}

}  // namespace flint::boot
