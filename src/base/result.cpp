#include "base/result.h"

#include <cstring>

namespace flint {

Error Error::from_errno(std::string_view what, int err) {
    return Error(fmt::format("{}: {}", what, std::strerror(err)), err);
}

}  // namespace flint
