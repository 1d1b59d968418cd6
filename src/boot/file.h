#pragma once
// Reading boot images (kernel, initrd) from the host, with errors a user can act on.
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/types.h"

namespace flint::boot {

// The whole content of the file at `path`. `what` names the file in errors ("kernel",
// "initrd"): a missing, unreadable, directory or empty file is an error.
Result<std::vector<u8>> read_file(const std::string& path, std::string_view what);

}  // namespace flint::boot
